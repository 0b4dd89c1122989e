package org.jamesdmarc.reporting.ingest;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import org.jamesdmarc.store.InboundReportStore;

/**
 * Keeps a gzip'd copy of the XML read through it (fast compression), for {@code /dmarc/reports/inbound/{id}}; gives
 * up once the copy passes {@link InboundReportStore#MAX_RAW_GZIP_BYTES} (the report is then stored without it).
 */
final class RawKeeper extends FilterInputStream {

    private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private GZIPOutputStream gzip;
    private long xmlBytes;

    RawKeeper(InputStream in) {
        super(in);
        try {
            gzip = new GZIPOutputStream(buffer, 64 * 1024) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            copy(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            copy(b, off, n);
        }
        return n;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void copy(byte[] b, int off, int n) throws IOException {
        xmlBytes += n;
        if (gzip == null) {
            return;
        }
        gzip.write(b, off, n);
        if (buffer.size() > InboundReportStore.MAX_RAW_GZIP_BYTES) {
            discard(); // too big to keep
        }
    }

    /** The gzip'd XML, unless it grew too big. */
    Optional<InboundReportStore.RawXml> raw() throws IOException {
        if (gzip == null) {
            return Optional.empty();
        }
        gzip.close(); // finishes, and frees the compressor's native memory now rather than at a later GC
        gzip = null;
        if (buffer.size() > InboundReportStore.MAX_RAW_GZIP_BYTES) {
            buffer = null;
            return Optional.empty();
        }
        byte[] kept = buffer.toByteArray();
        buffer = null;
        return Optional.of(new InboundReportStore.RawXml(kept, xmlBytes));
    }

    /**
     * Gives the copy up and frees the compressor (its native memory, a few hundred KB, would otherwise wait for a
     * GC: thousands of small reports ingested in a row would pile it up). Idempotent; the stream read stays open.
     */
    void discard() {
        if (gzip != null) {
            try {
                gzip.close();
            } catch (IOException ignored) {
                // a ByteArrayOutputStream does not fail
            }
        }
        gzip = null;
        buffer = null;
    }
}
