package org.jamesdmarc.reporting.ingest;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.jamesdmarc.store.InboundReportStore;

/**
 * The content of a report as received, as it is read: its SHA-256, its size and its first
 * {@link InboundReportStore#MAX_REJECTED_CONTENT} bytes, so that a refused report can be kept aside without holding
 * more than that in memory.
 */
final class ContentCapture extends FilterInputStream {

    private final MessageDigest digest;
    private final ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    private long size;

    ContentCapture(InputStream in) {
        super(in);
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digest.update((byte) b);
            keep(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            keep(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void keep(byte[] b, int off, int n) {
        size += n;
        int room = InboundReportStore.MAX_REJECTED_CONTENT + 1 - prefix.size();
        if (room > 0) {
            prefix.write(b, off, Math.min(room, n));
        }
    }

    /** What was read so far, for {@link InboundReportStore#reject}. */
    InboundReportStore.RejectedContent content() {
        byte[] kept = prefix.toByteArray();
        boolean whole = kept.length <= InboundReportStore.MAX_REJECTED_CONTENT;
        MessageDigest copy;
        try {
            copy = (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        return new InboundReportStore.RejectedContent(HexFormat.of().formatHex(copy.digest(), 0, 16), size,
                whole ? Optional.of(kept) : Optional.empty());
    }
}
