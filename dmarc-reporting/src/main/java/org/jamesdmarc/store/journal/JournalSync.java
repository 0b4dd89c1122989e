package org.jamesdmarc.store.journal;

/**
 * When the pipeline fsyncs what it appends to the {@link Journal}. Either way an append is a {@code write()} into
 * the kernel before the offering thread goes on, so a {@code kill -9} of the process (or any crash of the JVM) loses
 * nothing that was journaled: the kernel still writes it out. They differ for an operating-system crash or a
 * power loss.
 */
public enum JournalSync {
    /**
     * Each append is fsync'd before the offering thread goes on (a group commit: concurrent offers share one fsync).
     * Survives a power loss too; the mail thread waits for the disk (on a disk whose fsync takes ~3 ms, about
     * {@code threads} / 3 ms offers per second).
     */
    ALWAYS,
    /**
     * Appends are written, not fsync'd; a background thread fsyncs what was appended at most every
     * {@code syncInterval}, and always before the checkpoint moves and at close. A power loss may lose what was
     * offered in the last {@code syncInterval} (and not yet stored in the database); a process crash loses nothing.
     */
    INTERVAL
}
