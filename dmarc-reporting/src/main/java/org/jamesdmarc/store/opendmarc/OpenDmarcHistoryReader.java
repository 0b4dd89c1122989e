package org.jamesdmarc.store.opendmarc;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.jamesdmarc.store.opendmarc.HistoryWarning.Effect;
import org.jamesdmarc.store.opendmarc.HistoryWarning.Kind;

/**
 * Reads an OpenDMARC 1.4.x history file as a stream of {@link HistoryEntry}, one {@link #next()} at a time.
 *
 * <p>Unlike OpenDMARC's own importer, which stops at the first bad or duplicate entry, a problem costs at most its
 * entry: the reader reports it as a {@link HistoryWarning} with the line number, skips to the next {@code job}
 * line and goes on. It never throws on content (only the stream's own {@link IOException}s pass), and its memory
 * is bounded by {@link HistoryReadLimits}: one buffer of about {@code maxLineBytes}, one entry of at most
 * {@code maxLinesPerEntry} lines and {@code maxEntryBytes}, and at most 32 bytes per remembered job id.
 *
 * <p>It works on bytes (lines are split, keys matched and numbers parsed without decoding), so that only the
 * values kept as strings are decoded, as UTF-8. Not thread-safe.
 */
public final class OpenDmarcHistoryReader implements Closeable {

    /** OpenDMARC's job id when the MTA gave none ({@code JOBIDUNKNOWN}); never a duplicate. */
    static final String UNKNOWN_JOB_ID = "(unknown-jobid)";
    private static final int MIN_READ = 64 * 1024;
    private static final int MAX_DETAIL = 80;

    private final InputStream in;
    private final HistoryReadLimits limits;
    private final Consumer<HistoryWarning> warnings;
    private final byte[] buf;
    private int pos;
    private int end;
    private boolean eof;
    /** Bytes taken from the stream before buf[0]. */
    private long consumedBeforeBuffer;

    // the current line: buf[lineStart, lineEnd), or a too-long line whose first bytes are buf[lineStart, lineEnd)
    private int lineStart;
    private int lineEnd;
    private boolean lineTooLong;
    private boolean lineHasControl;
    private long lineNumber;

    private final HistoryEntryBuilder entry;
    private boolean inEntry;
    private boolean outsideRun;
    private boolean endSeen;
    private final JobIdSet seen;
    private long entriesRead;
    private long entriesSkipped;
    private long warningCount;

    /**
     * @param in       the history file's bytes (closed by {@link #close()})
     * @param limits   bounds on memory
     * @param warnings told of every problem, in file order
     */
    public OpenDmarcHistoryReader(InputStream in, HistoryReadLimits limits, Consumer<HistoryWarning> warnings) {
        this.in = Objects.requireNonNull(in);
        this.limits = Objects.requireNonNull(limits);
        this.warnings = Objects.requireNonNull(warnings);
        this.buf = new byte[limits.maxLineBytes() + 2 + MIN_READ];
        this.seen = new JobIdSet(limits.maxTrackedJobIds());
        this.entry = new HistoryEntryBuilder(this);
    }

    /**
     * Opens a file with {@link HistoryReadLimits#DEFAULTS}; a gzip-compressed one (as log rotation leaves old
     * history files) is decompressed, and then {@link #position()} counts decompressed bytes; corrupt compressed
     * data ends the file with a {@link Kind#CORRUPT_COMPRESSION} warning.
     */
    public static OpenDmarcHistoryReader open(Path file, Consumer<HistoryWarning> warnings) throws IOException {
        boolean gzip;
        try (InputStream head = Files.newInputStream(file)) {
            gzip = head.read() == 0x1f && head.read() == 0x8b; // RFC 1952 §2.3.1: ID1, ID2
        }
        InputStream in = Files.newInputStream(file);
        if (gzip) {
            try {
                in = new TolerantGzipInputStream(in);
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }
        return new OpenDmarcHistoryReader(in, HistoryReadLimits.DEFAULTS, warnings);
    }

    /** The next well-formed entry, empty at the end of the file. */
    public Optional<HistoryEntry> next() throws IOException {
        while (nextLine()) {
            HistoryEntry finished = acceptLine();
            if (finished != null) {
                return Optional.of(finished);
            }
        }
        if (!endSeen) {
            endSeen = true;
            if (in instanceof TolerantGzipInputStream gzip && gzip.corrupt()) {
                warn(Kind.CORRUPT_COMPRESSION, inEntry ? Effect.ENTRY_SKIPPED : Effect.NOTED,
                        inEntry ? entry.jobId() : "", "corrupt or truncated gzip data: the file ends here");
                if (inEntry) {
                    inEntry = false;
                    entriesSkipped++;
                }
            }
        }
        if (inEntry) {
            inEntry = false;
            HistoryEntry last = finishEntry();
            if (last != null) {
                return Optional.of(last);
            }
        }
        return Optional.empty();
    }

    /** Reads every remaining entry into {@code sink}; returns how many. */
    public long forEachRemaining(Consumer<HistoryEntry> sink) throws IOException {
        long n = 0;
        for (Optional<HistoryEntry> e = next(); e.isPresent(); e = next()) {
            sink.accept(e.get());
            n++;
        }
        return n;
    }

    /** Lines read so far. */
    public long lines() {
        return lineNumber;
    }

    /**
     * Bytes of the stream consumed so far (up to the end of the last line read): with the file's size, the
     * progress of an import.
     */
    public long position() {
        return consumedBeforeBuffer + pos;
    }

    /** Entries returned so far. */
    public long entriesRead() {
        return entriesRead;
    }

    /** Entries left out so far for a problem (each with its warning). */
    public long entriesSkipped() {
        return entriesSkipped;
    }

    /** Warnings given so far. */
    public long warnings() {
        return warningCount;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ---- lines ----

    /** Advances to the next line; false at the end of the input. */
    private boolean nextLine() throws IOException {
        int max = limits.maxLineBytes();
        int scanFrom = pos;
        boolean control = false;
        boolean sawCr = false;
        while (true) {
            int i = scanFrom;
            int stop = end;
            byte[] b = buf;
            for (; i < stop; i++) {
                byte c = b[i];
                if (c < 0x20 && c >= 0) { // a control character (bytes >= 0x80 are negative: UTF-8, fine)
                    if (c == '\n') {
                        break;
                    }
                    if (c == '\r') {
                        sawCr = true;
                    } else if (c != '\t') {
                        control = true;
                    }
                }
            }
            if (i < stop) {
                if (i - pos > max) {
                    setLine(pos, pos + Math.min(MAX_DETAIL, i - pos), true, false);
                    pos = i + 1;
                    return true;
                }
                setLine(pos, i, false, control || sawCr && lineHasControlAt(pos, i));
                pos = i + 1;
                return true;
            }
            if (end - pos > max) {
                skipRestOfLongLine();
                return true;
            }
            if (eof) {
                if (pos < end) {
                    setLine(pos, end, false, control || sawCr && lineHasControlAt(pos, end));
                    pos = end;
                    return true;
                }
                return false;
            }
            int scanned = end - pos;
            fill();
            scanFrom = pos + scanned;
        }
    }

    private void setLine(int start, int stop, boolean tooLong, boolean control) {
        lineNumber++;
        lineStart = start;
        lineEnd = stop > start && buf[stop - 1] == '\r' ? stop - 1 : stop;
        lineTooLong = tooLong;
        lineHasControl = control;
    }

    /** A carriage return anywhere but at the end also counts as a control character. */
    private boolean lineHasControlAt(int start, int stop) {
        int last = stop > start && buf[stop - 1] == '\r' ? stop - 1 : stop;
        for (int i = start; i < last; i++) {
            if (buf[i] == '\r') {
                return true;
            }
        }
        return false;
    }

    /** Keeps the long line's first bytes at the start of the buffer (for its key) and discards the rest. */
    private void skipRestOfLongLine() throws IOException {
        int keep = Math.min(MAX_DETAIL, end - pos);
        consumedBeforeBuffer += end - keep; // all buffered bytes are consumed; the kept prefix counts from 0
        System.arraycopy(buf, pos, buf, 0, keep);
        lineNumber++;
        lineStart = 0;
        lineEnd = keep;
        lineTooLong = true;
        lineHasControl = false;
        pos = keep;
        end = keep;
        while (true) {
            int n = in.read(buf, keep, buf.length - keep);
            if (n < 0) {
                eof = true;
                pos = end = keep;
                return;
            }
            for (int i = keep; i < keep + n; i++) {
                if (buf[i] == '\n') {
                    pos = i + 1;
                    end = keep + n;
                    return;
                }
            }
            consumedBeforeBuffer += n; // a chunk of the long line, discarded: buf[keep] is the next one's start
        }
    }

    private void fill() throws IOException {
        if (pos > 0) {
            consumedBeforeBuffer += pos;
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    // ---- entries ----

    /** Handles the current line; returns the entry it finished, if any. */
    private HistoryEntry acceptLine() {
        int s = lineStart;
        int e = lineEnd;
        int sp = indexOf(' ', s, e);
        int keyEnd = sp < 0 ? e : sp;
        LineKey key = LineKey.of(buf, s, keyEnd - s);
        if (key == LineKey.JOB) {
            HistoryEntry finished = inEntry ? finishEntry() : null;
            inEntry = true;
            outsideRun = false;
            entry.start(lineNumber);
            if (lineTooLong) {
                entry.fail(Kind.LINE_TOO_LONG, "a job line longer than " + limits.maxLineBytes() + " bytes");
            } else if (lineHasControl) {
                entry.fail(Kind.CONTROL_CHARACTER, "a control character in the job line");
            } else {
                String job = sp < 0 ? "" : string(sp + 1, e);
                if (job.isEmpty() || job.indexOf(' ') >= 0) {
                    entry.fail(Kind.BAD_VALUE, "a job line without one job id");
                } else {
                    entry.job(job);
                }
            }
            return finished;
        }
        if (!inEntry) {
            if (e > s && !outsideRun) {
                outsideRun = true;
                warn(Kind.OUTSIDE_ENTRY, Effect.LINE_IGNORED, "", "text before the first job line");
            }
            return null;
        }
        if (entry.failed()) {
            return null;
        }
        if (entry.countLine() > limits.maxLinesPerEntry()) {
            entry.fail(Kind.ENTRY_TOO_LONG, "more than " + limits.maxLinesPerEntry() + " lines in one entry");
            return null;
        }
        if (lineTooLong) {
            entry.fail(Kind.LINE_TOO_LONG, "a line longer than " + limits.maxLineBytes() + " bytes");
            return null;
        }
        if (entry.countBytes(e - s) > limits.maxEntryBytes()) {
            entry.fail(Kind.ENTRY_TOO_LONG, "more than " + limits.maxEntryBytes() + " bytes in one entry");
            return null;
        }
        if (lineHasControl) {
            entry.fail(Kind.CONTROL_CHARACTER, "a control character in the line");
            return null;
        }
        if (e == s) {
            return null; // a blank line carries nothing
        }
        int vs = sp < 0 ? e : sp + 1;
        if (key == null) {
            String k = string(s, Math.min(keyEnd, s + MAX_DETAIL));
            entry.unknown(new HistoryEntry.UnknownLine(lineNumber, string(s, keyEnd), string(vs, e)));
            warn(Kind.UNKNOWN_KEY, Effect.NOTED, entry.jobId(), "unknown line type '" + k + "' kept");
            return null;
        }
        entry.accept(key, vs, e);
        return null;
    }

    private HistoryEntry finishEntry() {
        HistoryEntry built = entry.build();
        if (built == null) {
            entriesSkipped++;
            return null;
        }
        if (!built.jobId().equals(UNKNOWN_JOB_ID)) {
            long earlier = seen.addOrGetLine(jobKey(built.reporter(), built.jobId()), built.line());
            if (earlier > 0) {
                warnAt(built.line(), Kind.DUPLICATE_JOB_ID, Effect.NOTED, built.jobId(),
                        "job id already seen at line " + earlier + " for the same reporter");
            }
        }
        entriesRead++;
        return built;
    }

    private static long jobKey(String reporter, String jobId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < reporter.length(); i++) {
            h = (h ^ reporter.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ '\n') * 0x100000001b3L;
        for (int i = 0; i < jobId.length(); i++) {
            h = (h ^ jobId.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    // ---- helpers for the builder ----

    byte[] buffer() {
        return buf;
    }

    long lineNumber() {
        return lineNumber;
    }

    String string(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    void warn(Kind kind, Effect effect, String jobId, String detail) {
        warnAt(lineNumber, kind, effect, jobId, detail);
    }

    /** A warning about a whole entry that is left out, at its job line. */
    void warnAtEntry(long line, Kind kind, String jobId, String detail) {
        warnAt(line, kind, Effect.ENTRY_SKIPPED, jobId, detail);
    }

    private void warnAt(long line, Kind kind, Effect effect, String jobId, String detail) {
        warningCount++;
        warnings.accept(new HistoryWarning(line, kind, effect, jobId, detail));
    }

    /** The line types OpenDMARC 1.4.2 writes, matched on bytes. */
    enum LineKey {
        JOB("job"), REPORTER("reporter"), RECEIVED("received"), IPADDR("ipaddr"), FROM("from"), MFROM("mfrom"),
        SPF("spf"), PDOMAIN("pdomain"), POLICY("policy"), RUA("rua"), PCT("pct"), ADKIM("adkim"), ASPF("aspf"),
        P("p"), SP("sp"), ALIGN_DKIM("align_dkim"), ALIGN_SPF("align_spf"), DKIM("dkim"), ARC("arc"),
        ARC_POLICY("arc_policy"), ACTION("action");

        private static final LineKey[][] BY_LENGTH = new LineKey[11][];

        static {
            for (int len = 0; len < BY_LENGTH.length; len++) {
                int l = len;
                BY_LENGTH[len] = Arrays.stream(values()).filter(k -> k.bytes.length == l).toArray(LineKey[]::new);
            }
        }

        final String text;
        private final byte[] bytes;

        LineKey(String text) {
            this.text = text;
            this.bytes = text.getBytes(StandardCharsets.US_ASCII);
        }

        /** The key spelled by {@code b[from, from + len)}, or null for one OpenDMARC does not write. */
        static LineKey of(byte[] b, int from, int len) {
            if (len <= 0 || len >= BY_LENGTH.length) {
                return null;
            }
            for (LineKey k : BY_LENGTH[len]) {
                if (Arrays.equals(b, from, from + len, k.bytes, 0, len)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** Bit per line type, for the check that an entry has every line OpenDMARC always writes. */
    static int bit(LineKey k) {
        return 1 << k.ordinal();
    }
}
