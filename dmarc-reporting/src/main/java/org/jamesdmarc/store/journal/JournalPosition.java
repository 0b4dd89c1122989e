package org.jamesdmarc.store.journal;

import java.util.Comparator;

/**
 * A place in the journal: a segment number and a byte offset inside that segment. Positions are ordered like the
 * entries they separate.
 *
 * @param segment the segment file's number (files are named {@code segment-<number>.journal})
 * @param offset  the byte offset inside the segment
 */
public record JournalPosition(long segment, long offset) implements Comparable<JournalPosition> {

    private static final Comparator<JournalPosition> ORDER =
            Comparator.comparingLong(JournalPosition::segment).thenComparingLong(JournalPosition::offset);

    public JournalPosition {
        if (segment < 0 || offset < 0) {
            throw new IllegalArgumentException("negative journal position " + segment + ":" + offset);
        }
    }

    @Override
    public int compareTo(JournalPosition other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return segment + ":" + offset;
    }
}
