package org.jamesdmarc.store.journal;

/**
 * What {@link Journal#append} did with a batch: the first {@code appended} entries are durable (written and
 * forced to disk), the remaining {@code dropped} ones are not, for {@code reason}. Never an exception: the
 * caller counts the dropped entries and goes on.
 *
 * @param appended entries written and fsync'd, in batch order
 * @param dropped  entries refused (always the batch's tail)
 * @param reason   why entries were dropped; {@link DropReason#NONE} when none were
 */
public record AppendResult(int appended, int dropped, DropReason reason) {

    /** Why an entry did not reach the journal. */
    public enum DropReason {
        /** Nothing was dropped. */
        NONE,
        /** The journal's size cap would have been exceeded. */
        CAP,
        /** The entry alone is larger than a frame may be (its key or its payload is too long). */
        TOO_LARGE,
        /** Writing or forcing the segment failed (disk full, I/O error); the batch was rolled back. */
        IO_ERROR,
        /** The journal is closed. */
        CLOSED
    }

    public AppendResult {
        if (appended < 0 || dropped < 0 || (dropped == 0) != (reason == DropReason.NONE)) {
            throw new IllegalArgumentException("inconsistent append result " + appended + "/" + dropped + "/" + reason);
        }
    }

    static AppendResult all(int appended) {
        return new AppendResult(appended, 0, DropReason.NONE);
    }
}
