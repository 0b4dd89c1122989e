package org.jamesdmarc.store.opendmarc;

/**
 * Bounds on what one history file may cost, whatever it holds.
 *
 * @param maxLineBytes       longest line kept; longer ones are skipped (with their entry) without being buffered
 * @param maxLinesPerEntry   most lines one entry may have (OpenDMARC writes about 22, plus one per DKIM result
 *                           and {@code rua} URI); the rest of a longer entry is skipped
 * @param maxEntryBytes      most bytes the lines of one entry may add up to (so that many long lines cannot add up
 *                           to {@code maxLinesPerEntry × maxLineBytes}); a larger entry is skipped
 * @param maxTrackedJobIds   most job ids remembered for the duplicate check (a hash and a line number, 16 bytes
 *                           a slot, in a table kept at most half full); past it, duplicates of later ids are no
 *                           longer noticed
 */
public record HistoryReadLimits(int maxLineBytes, int maxLinesPerEntry, int maxEntryBytes, int maxTrackedJobIds) {

    /** 64 KiB lines, 1,000 lines and 1 MiB per entry, 2 million job ids (at most 64 MiB). */
    public static final HistoryReadLimits DEFAULTS = new HistoryReadLimits(64 * 1024, 1000, 1024 * 1024, 2_000_000);

    public HistoryReadLimits {
        if (maxLineBytes < 64 || maxLinesPerEntry < 1 || maxEntryBytes < maxLineBytes || maxTrackedJobIds < 0) {
            throw new IllegalArgumentException("limits too small: " + maxLineBytes + ", " + maxLinesPerEntry
                    + ", " + maxEntryBytes + ", " + maxTrackedJobIds);
        }
    }
}
