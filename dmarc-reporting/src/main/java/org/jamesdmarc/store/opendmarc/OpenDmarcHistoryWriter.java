package org.jamesdmarc.store.opendmarc;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.Policy;

/**
 * Appends {@link EvaluationRecord}s to a file in the history format of OpenDMARC 1.4.x ({@code HistoryFile}), for
 * tools built on it ({@code opendmarc-import}, scripts). What {@link OpenDmarcHistoryReader} and
 * {@link HistoryRecordMapper} read back (the round trip is tested).
 *
 * <p><b>Lines, in OpenDMARC's order:</b> {@code job} (the record's {@link org.jamesdmarc.check.MessageKey}: unique
 * per message, as a queue id is), {@code reporter}, {@code received} (epoch seconds), {@code ipaddr}, {@code from},
 * {@code mfrom}, {@code spf}, one {@code dkim domain selector result} per signature ({@code -} for a missing
 * domain or selector), {@code pdomain}, {@code policy}, one {@code rua} per URI ({@code rua -} for none),
 * {@code pct}, {@code adkim}, {@code aspf}, {@code p}, {@code sp}, {@code align_dkim}, {@code align_spf},
 * {@code arc}, {@code arc_policy} and {@code action}, with the numeric codes of this package's enums.
 *
 * <p><b>What the format cannot say</b> is left out or approximated: recipients, {@code np}, {@code psd}, {@code t},
 * {@code fo}, {@code ruf}, how the policy was found, override reasons; a DMARC {@code temperror} or
 * {@code permerror} is written as "no policy" (14); a tagged message as accepted (2); an absent {@code pct} as
 * 100 (the record's default); no ARC evaluation as what OpenDMARC writes for a message without ARC sets
 * ({@code arc 7}, {@code arc_policy 2 json:[]}). Control characters in text become {@code ?} (and spaces in the
 * space-separated {@code dkim} line), so one record is always one entry.
 *
 * <p>Thread-safe: each record is built whole, then written with one call to the file, opened for appending, under
 * a lock; records of several threads (or of OpenDMARC itself appending to the same file) never interleave.
 * Nothing is buffered in the JVM between records. I/O errors are {@link UncheckedIOException}s: the caller (the
 * mail path) decides to log them and go on.
 */
public final class OpenDmarcHistoryWriter implements Closeable {

    /** A line's value is cut after this many characters (the reader takes lines of up to 64 KiB). */
    private static final int MAX_VALUE = 4000;
    /** The reader takes entries of up to 1,000 lines: keep DKIM lines well under it. */
    private static final int MAX_DKIM_LINES = 500;

    private final Path file;
    private final String reporter;
    private final FileChannel channel;
    private boolean closed;

    private OpenDmarcHistoryWriter(Path file, String reporter, FileChannel channel) {
        this.file = file;
        this.reporter = reporter;
        this.channel = channel;
    }

    /**
     * Opens {@code file} for appending, creating it if absent (not its directory).
     *
     * @param reporter the {@code reporter} line: this host's name, one word
     * @throws IllegalArgumentException when {@code reporter} is empty or holds a space or a control character
     * @throws UncheckedIOException     when the file cannot be opened (its message names the file)
     */
    public static OpenDmarcHistoryWriter open(Path file, String reporter) {
        Objects.requireNonNull(file, "file");
        checkReporter(reporter);
        try {
            return new OpenDmarcHistoryWriter(file, reporter, FileChannel.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the OpenDMARC history file " + file + " for appending: " + e,
                    e);
        }
    }

    /** @throws IllegalArgumentException when {@code reporter} is empty or holds a space or a control character */
    static void checkReporter(String reporter) {
        Objects.requireNonNull(reporter, "reporter");
        if (reporter.isEmpty() || reporter.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("the reporter must be one word without control characters: '"
                    + clean(reporter) + "'");
        }
    }

    /**
     * Appends {@code record} as one history entry, written through to the file before returning.
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws UncheckedIOException  when the file cannot be written (its message names the file)
     */
    public void append(EvaluationRecord record) {
        ByteBuffer bytes = ByteBuffer.wrap(entry(record).getBytes(StandardCharsets.UTF_8));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the OpenDMARC history file " + file + " is closed");
            }
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the OpenDMARC history file " + file + ": " + e, e);
            }
        }
    }

    /** The entry's text: one line per fact, each ending in a newline. */
    String entry(EvaluationRecord r) {
        StringBuilder s = new StringBuilder(512);
        line(s, "job", r.key().value());
        line(s, "reporter", reporter);
        line(s, "received", Long.toString(r.time().getEpochSecond()));
        line(s, "ipaddr", r.sourceIp().getHostAddress());
        line(s, "from", name(r.headerFrom()));
        line(s, "mfrom", name(r.envelopeFrom()));
        line(s, "spf", Integer.toString(spf(r.spf().result()).code()));
        List<EvaluationRecord.Dkim> dkim = r.dkim();
        for (EvaluationRecord.Dkim d : dkim.subList(0, Math.min(dkim.size(), MAX_DKIM_LINES))) {
            line(s, "dkim", word(d.domain().map(DomainName::name).orElse("")) + " " + word(d.selector()) + " "
                    + dkim(d.result()).code());
        }
        Optional<EvaluationRecord.PublishedPolicy> pub = r.published();
        line(s, "pdomain", name(r.policyDomain().or(r::headerFrom)));
        line(s, "policy", Integer.toString(policy(r).code()));
        List<String> rua = pub.map(EvaluationRecord.PublishedPolicy::rua).orElse(List.of());
        if (rua.isEmpty()) {
            line(s, "rua", "-");
        }
        for (String uri : rua) {
            line(s, "rua", uri.isBlank() ? "-" : uri);
        }
        line(s, "pct", Integer.toString(pub.map(p -> p.pct().orElse(100)).orElse(0)));
        line(s, "adkim", Integer.toString(pub.map(p -> mode(p.adkim())).orElse(AlignmentMode.UNSPECIFIED).code()));
        line(s, "aspf", Integer.toString(pub.map(p -> mode(p.aspf())).orElse(AlignmentMode.UNSPECIFIED).code()));
        line(s, "p", Integer.toString(requested(pub.flatMap(EvaluationRecord.PublishedPolicy::p)).code()));
        line(s, "sp", Integer.toString(requested(pub.flatMap(EvaluationRecord.PublishedPolicy::sp)).code()));
        line(s, "align_dkim", Integer.toString(alignment(dkim.stream().map(EvaluationRecord.Dkim::alignment)
                .toList()).code()));
        line(s, "align_spf", Integer.toString(alignment(List.of(r.spf().alignment())).code()));
        line(s, "arc", Integer.toString(AuthResultCode.FAIL.code()));
        line(s, "arc_policy", ArcPolicyResult.FAIL.code() + " json:[]");
        line(s, "action", Integer.toString(action(r).code()));
        return s.toString();
    }

    private static void line(StringBuilder s, String key, String value) {
        s.append(key).append(' ').append(clean(value)).append('\n');
    }

    private static String name(Optional<DomainName> domain) {
        return domain.map(DomainName::name).orElse("");
    }

    /** A field of the space-separated {@code dkim} line: {@code -} when empty, no space inside. */
    private static String word(String text) {
        return text.isEmpty() ? "-" : text.replace(' ', '?');
    }

    /** Control characters become {@code ?}; a value longer than {@link #MAX_VALUE} is cut. */
    private static String clean(String text) {
        String cut = text.length() > MAX_VALUE ? text.substring(0, MAX_VALUE) : text;
        StringBuilder b = null;
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (c < ' ' || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(cut);
                }
                b.setCharAt(i, '?');
            }
        }
        return b == null ? cut : b.toString();
    }

    static AuthResultCode spf(SpfResult result) {
        return switch (result) {
            case PASS -> AuthResultCode.PASS;
            case FAIL -> AuthResultCode.FAIL;
            case SOFTFAIL -> AuthResultCode.SOFTFAIL;
            case NEUTRAL -> AuthResultCode.NEUTRAL;
            case TEMPERROR -> AuthResultCode.TEMPERROR;
            case PERMERROR -> AuthResultCode.PERMERROR;
            case NONE -> AuthResultCode.NONE;
        };
    }

    static AuthResultCode dkim(DkimResult result) {
        return switch (result) {
            case PASS -> AuthResultCode.PASS;
            case FAIL -> AuthResultCode.FAIL;
            case POLICY -> AuthResultCode.POLICY;
            case NEUTRAL -> AuthResultCode.NEUTRAL;
            case TEMPERROR -> AuthResultCode.TEMPERROR;
            case PERMERROR -> AuthResultCode.PERMERROR;
            case NONE -> AuthResultCode.NONE;
        };
    }

    /** The {@code policy} line: the DMARC result and, for a failure, the disposition applied. */
    static PolicyOutcome policy(EvaluationRecord r) {
        return switch (r.result()) {
            case PASS -> PolicyOutcome.PASS;
            case FAIL -> switch (r.disposition()) {
                case REJECT -> PolicyOutcome.REJECT;
                case QUARANTINE -> PolicyOutcome.QUARANTINE;
                case NONE -> PolicyOutcome.NONE;
            };
            // OpenDMARC has no code for a policy it could not get: no policy.
            case NONE, TEMPERROR, PERMERROR -> PolicyOutcome.ABSENT;
        };
    }

    static MilterAction action(EvaluationRecord r) {
        return switch (r.action()) {
            case DELIVERED, TAGGED -> MilterAction.ACCEPT;
            case QUARANTINED -> MilterAction.QUARANTINE;
            case REJECTED_AT_SMTP -> MilterAction.REJECT;
        };
    }

    private static AlignmentMode mode(org.jamesdmarc.policy.AlignmentMode mode) {
        return mode == org.jamesdmarc.policy.AlignmentMode.STRICT ? AlignmentMode.STRICT : AlignmentMode.RELAXED;
    }

    private static RequestedPolicy requested(Optional<Policy> policy) {
        return policy.map(p -> switch (p) {
            case NONE -> RequestedPolicy.NONE;
            case QUARANTINE -> RequestedPolicy.QUARANTINE;
            case REJECT -> RequestedPolicy.REJECT;
        }).orElse(RequestedPolicy.UNSPECIFIED);
    }

    /** Pass when any of them aligned, fail when one was checked and none aligned, else not evaluated. */
    private static AlignmentOutcome alignment(List<AlignmentStatus> statuses) {
        if (statuses.contains(AlignmentStatus.ALIGNED)) {
            return AlignmentOutcome.PASS;
        }
        return statuses.contains(AlignmentStatus.NOT_ALIGNED) ? AlignmentOutcome.FAIL : AlignmentOutcome.NOT_EVALUATED;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the OpenDMARC history file " + file + ": " + e, e);
        }
    }
}
