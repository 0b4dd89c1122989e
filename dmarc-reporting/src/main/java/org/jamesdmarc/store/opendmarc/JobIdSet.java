package org.jamesdmarc.store.opendmarc;

/**
 * The job ids seen so far, as 64-bit hashes with the line each was first seen at: an open-addressing table of
 * longs, grown by doubling and kept at most half full (16 bytes a slot), holding at most a fixed number of ids.
 * A hash collision between two different ids (odds about n²/2⁶⁵) only gives a needless duplicate warning.
 */
final class JobIdSet {

    private final int capacity;
    private long[] keys = new long[1024];
    private long[] lines = new long[1024];
    private int size;

    JobIdSet(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Remembers {@code hash}, first seen at {@code line}; returns the line it was first seen at if it was already
     * there, else 0. Past the capacity new ids are no longer remembered.
     */
    long addOrGetLine(long hash, long line) {
        long k = mix(hash);
        if (k == 0) {
            k = 1; // 0 marks a free slot
        }
        int mask = keys.length - 1;
        int i = (int) k & mask;
        while (keys[i] != 0) {
            if (keys[i] == k) {
                return lines[i];
            }
            i = (i + 1) & mask;
        }
        if (size >= capacity) {
            return 0;
        }
        keys[i] = k;
        lines[i] = line;
        if (++size * 2 > keys.length) {
            grow();
        }
        return 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldLines = lines;
        keys = new long[oldKeys.length * 2];
        lines = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            long k = oldKeys[j];
            if (k != 0) {
                int i = (int) k & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                lines[i] = oldLines[j];
            }
        }
    }

    /** MurmurHash3's 64-bit finalizer: spreads the FNV hash's bits over the low ones used as the index. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb33ea7b7a0a9L;
        h ^= h >>> 33;
        return h;
    }
}
