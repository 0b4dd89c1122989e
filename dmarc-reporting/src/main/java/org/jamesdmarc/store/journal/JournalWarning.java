package org.jamesdmarc.store.journal;

/**
 * A damaged region the journal found and stepped over; every one is also logged once at WARN.
 *
 * @param kind   what was found
 * @param segment the segment number
 * @param offset  where the damaged bytes start
 * @param length  how many bytes were skipped (for a torn tail: cut off)
 */
public record JournalWarning(Kind kind, long segment, long offset, long length) {

    /** The kinds of damage. */
    public enum Kind {
        /** Incomplete bytes after the last whole frame of the newest segment (a write cut short by a crash): cut off. */
        TORN_TAIL,
        /** Bytes that are not a valid frame, followed by valid frames (or in an older segment): skipped. */
        CORRUPT_FRAME,
        /** The checkpoint file could not be read: replay starts from the oldest segment (duplicates, never loss). */
        BAD_CHECKPOINT
    }
}
