package org.jamesdmarc.store.journal;

import java.util.List;

/**
 * Entries read from the journal, in append order, starting at the checkpoint. Hand it back to
 * {@link Journal#acknowledge(ReadBatch)} once the entries are durably stored elsewhere.
 *
 * @param start   the checkpoint the read started at
 * @param end     the position just after the last entry read (and after any damaged bytes skipped)
 * @param entries the entries, oldest first; empty when nothing is pending
 */
public record ReadBatch(JournalPosition start, JournalPosition end, List<JournalEntry> entries) {

    public ReadBatch {
        entries = List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
