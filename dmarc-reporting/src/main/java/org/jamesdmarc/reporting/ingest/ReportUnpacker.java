package org.jamesdmarc.reporting.ingest;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Opens the XML of a report as sent: gzip (RFC 9990 §5.2 {@code .xml.gz}), zip (one XML file, as several big
 * senders send it) or plain XML, told apart by their first bytes, whatever the file is called. Refused: anything
 * else, an archive inside the archive (a nested bomb), a zip with more than one file or an entry name that climbs
 * out of its directory (zip slip; we never write the entries, but such a file is not a report), a truncated gzip.
 * The XML is bounded ({@link IngestLimits#maxXmlBytes}, the decompression ratio).
 */
final class ReportUnpacker {

    /** The kinds of content, by their first bytes. */
    enum Kind {
        GZIP, ZIP, XML, OTHER;

        static Kind of(byte[] head, int n) {
            if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                return GZIP;
            }
            if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                return ZIP;
            }
            int i = 0;
            if (n >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
                i = 3; // UTF-8 byte order mark
            }
            while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
                i++;
            }
            return i < n && head[i] == '<' ? XML : OTHER;
        }
    }

    private static final int HEAD = 64;

    private ReportUnpacker() {
    }

    /** The first bytes' kind of {@code in}, which must support mark/reset. */
    static Kind peek(InputStream in) throws IOException {
        in.mark(HEAD);
        byte[] head = new byte[HEAD];
        int n = in.readNBytes(head, 0, HEAD);
        in.reset();
        return Kind.of(head, n);
    }

    /**
     * The report's XML from {@code received} (already bounded as received). Read it to its end: a zip's "one file
     * only" is checked there.
     */
    static InputStream open(LimitedInputStream received, IngestLimits limits) throws IOException {
        BufferedInputStream in = new BufferedInputStream(received, 64 * 1024);
        InputStream xml;
        switch (peek(in)) {
            case XML -> {
                return new LimitedInputStream(in, limits.maxXmlBytes(), "the report's XML");
            }
            case GZIP -> xml = new TruncationAware(new GZIPInputStream(in, 64 * 1024), "gzip");
            case ZIP -> xml = new SingleEntryZip(new ZipInputStream(in));
            default -> throw new IngestRefusal("neither XML, gzip nor zip");
        }
        BufferedInputStream inner = new BufferedInputStream(
                new LimitedInputStream(xml, limits.maxXmlBytes(), "the decompressed report", received,
                        limits.maxRatio()), 64 * 1024);
        Kind k;
        try {
            k = peek(inner);
        } catch (IngestRefusal r) {
            throw r;
        }
        if (k == Kind.GZIP || k == Kind.ZIP) {
            throw new IngestRefusal("an archive inside the archive: refused (nested archives are not reports)");
        }
        if (k != Kind.XML) {
            throw new IngestRefusal("the archive does not hold XML");
        }
        return inner;
    }

    /** Turns a gzip's early end into a refusal that says so. */
    private static final class TruncationAware extends java.io.FilterInputStream {
        private final String what;

        TruncationAware(InputStream in, String what) {
            super(in);
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (EOFException e) {
                throw new IngestRefusal("truncated " + what + " (it ends before its data does)");
            } catch (ZipException e) {
                throw new IngestRefusal("corrupt " + what + ": " + e.getMessage());
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (EOFException e) {
                throw new IngestRefusal("truncated " + what + " (it ends before its data does)");
            } catch (ZipException e) {
                throw new IngestRefusal("corrupt " + what + ": " + e.getMessage());
            }
        }
    }

    /** The one file of a zip; refuses a second file, a name that climbs out, a truncated entry. */
    private static final class SingleEntryZip extends InputStream {
        private static final int MAX_ENTRIES = 16;
        private final ZipInputStream zip;
        private boolean started;
        private boolean ended;

        SingleEntryZip(ZipInputStream zip) {
            this.zip = zip;
        }

        private void start() throws IOException {
            if (started) {
                return;
            }
            started = true;
            ZipEntry e = nextFile(0);
            if (e == null) {
                throw new IngestRefusal("the zip holds no file");
            }
        }

        /** The next entry that is a file (directories skipped); null at the end. */
        private ZipEntry nextFile(int seen) throws IOException {
            for (int n = seen; ; n++) {
                ZipEntry e;
                try {
                    e = zip.getNextEntry();
                } catch (ZipException | EOFException x) {
                    throw new IngestRefusal("corrupt zip: " + x.getMessage());
                }
                if (e == null) {
                    return null;
                }
                if (n >= MAX_ENTRIES) {
                    throw new IngestRefusal("the zip holds more than " + MAX_ENTRIES + " entries");
                }
                String name = e.getName().replace('\\', '/');
                if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || ("/" + name + "/").contains("/../")) {
                    throw new IngestRefusal("the zip entry '" + clip(e.getName()) + "' climbs out of its directory "
                            + "(zip slip): refused");
                }
                if (!e.isDirectory()) {
                    return e;
                }
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            start();
            if (ended) {
                return -1;
            }
            int n;
            try {
                n = zip.read(b, off, len);
            } catch (ZipException | EOFException x) {
                throw new IngestRefusal("corrupt or truncated zip: " + x.getMessage());
            }
            if (n < 0) {
                ended = true;
                if (nextFile(1) != null) {
                    throw new IngestRefusal("the zip holds more than one file: refused (a report is one XML file)");
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }

        private static String clip(String s) {
            return s.length() <= 100 ? s : s.substring(0, 100) + "...";
        }
    }
}
