package org.jamesdmarc.reporting.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read through it and refuses ({@link IngestRefusal}) past {@code max}; optionally also past a
 * ratio to the bytes another counter read (the compressed side of a decompressing stream).
 */
final class LimitedInputStream extends FilterInputStream {

    private final long max;
    private final String what;
    private final LimitedInputStream compressed;
    private final long maxRatio;
    private long count;

    LimitedInputStream(InputStream in, long max, String what) {
        this(in, max, what, null, 0);
    }

    LimitedInputStream(InputStream in, long max, String what, LimitedInputStream compressed, long maxRatio) {
        super(in);
        this.max = max;
        this.what = what;
        this.compressed = compressed;
        this.maxRatio = maxRatio;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        if (s > 0) {
            counted(s);
        }
        return s;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void counted(long n) throws IngestRefusal {
        count += n;
        if (count > max) {
            throw new IngestRefusal(what + " is larger than " + Sizes.human(max) + ": refused");
        }
        if (compressed != null && count > IngestLimits.RATIO_GRACE_BYTES
                && count / Math.max(1, compressed.count()) > maxRatio) {
            throw new IngestRefusal("decompressing " + Sizes.human(compressed.count()) + " gave " + Sizes.human(count)
                    + ", a ratio above " + maxRatio + ": a decompression bomb, refused");
        }
    }
}
