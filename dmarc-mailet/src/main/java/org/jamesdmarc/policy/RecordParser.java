package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parses DMARC Policy Records (RFC 9989 §4.7–4.8; the RFC 7489 §6.3 tags {@code pct}, {@code rf},
 * {@code ri} are kept for legacy use).
 *
 * <h2>Leniency choices</h2>
 * RFC 9989 §4.8 says syntax errors in the remainder of a record (after {@code v=DMARC1}) are discarded in
 * favour of defaults. So, once the version is established, this parser never rejects the record for
 * a bad tag; it skips the offending part and reports a {@link RecordWarning}:
 * <ul>
 *   <li>a segment without {@code =}, a tag name that is not 1*ALPHA, or an empty segment between two
 *       separators ({@code ;;}) → {@link RecordWarning.Code#MALFORMED_TAG}, segment ignored;</li>
 *   <li>a known tag with a value that does not match its ABNF → {@link RecordWarning.Code#INVALID_VALUE},
 *       the tag's default applies;</li>
 *   <li>an unknown tag → {@link RecordWarning.Code#UNKNOWN_TAG}; a repeated tag →
 *       {@link RecordWarning.Code#DUPLICATE_TAG} and the first occurrence is used (even if its value was
 *       invalid).</li>
 * </ul>
 * The record is rejected ({@link RecordParseResult.Invalid}) only when it is empty, when it does not
 * start with the version tag {@code v=DMARC1} ({@link RecordSyntaxError.Kind#NOT_DMARC1}, RFC 9989 §4.7),
 * or as {@link RecordSyntaxError.Kind#MALFORMED} when it is not a tag-value list at all: text follows
 * {@code v=DMARC1} without a {@code ;} separator (e.g. {@code "v=DMARC1 p=reject"}), or the text is longer
 * than {@link #MAX_RECORD_LENGTH} characters (a bound on the work done for hostile DNS data).
 *
 * <p>Whitespace: RFC 9989 §4.7 says the record follows the DKIM tag-value syntax, whose FWS allows
 * whitespace and line folding around tags, so SP, HTAB, CR and LF are tolerated before the record, around
 * {@code =}, {@code ;}, {@code ,} and at the end (a superset of the {@code *WSP} of dmarc-sep and equals). The version value {@code DMARC1} is case-sensitive; tag
 * names and keyword values are not.
 */
public final class RecordParser {

    /** Longest record text parsed; anything longer is {@link RecordSyntaxError.Kind#MALFORMED}. */
    public static final int MAX_RECORD_LENGTH = 8192;

    private static final String VERSION = "DMARC1";
    private static final Set<String> KNOWN_TAGS =
            Set.of("v", "p", "sp", "np", "psd", "t", "adkim", "aspf", "rua", "ruf", "fo", "pct", "rf", "ri");
    private static final Set<String> RETIRED_TAGS = Set.of("pct", "rf", "ri");

    private RecordParser() {
    }

    /**
     * Parses one record: the TXT strings of one resource record already concatenated (RFC 9989 §4.5).
     * Never throws; bad input gives {@link RecordParseResult.Invalid}.
     */
    public static RecordParseResult parse(String txt) {
        try {
            return doParse(txt);
        } catch (RuntimeException unexpected) {
            // Defensive: the parser is total by construction, but a bug must not escape into mail handling.
            return invalid(RecordSyntaxError.Kind.MALFORMED, "unreadable record: " + unexpected.getClass().getSimpleName());
        }
    }

    /**
     * RFC 9989 §4.10 steps 2 and 6: does this TXT record start with the {@code v} tag that identifies
     * DMARC version 1? That is: {@code v} (any case) as the very first character, equals ({@code *WSP "=" *WSP}),
     * {@code DMARC1} (case-sensitive), then end of text, whitespace or {@code ;}. {@code "v=DMARC10"} and
     * {@code "v=dmarc1"} do not qualify; {@code "v=DMARC1 p=reject"} does (and then parses as MALFORMED).
     */
    public static boolean startsWithDmarc1(String txt) {
        return txt != null && versionEnd(txt) >= 0;
    }

    /**
     * RFC 9989 §4.10: chooses the DMARC Policy Record among the TXT records found at one name (each
     * already concatenated). Records that do not {@linkplain #startsWithDmarc1 start with v=DMARC1} are
     * discarded; if exactly one remains it is selected (and parsed); none, or more than one, means no
     * DMARC Policy Record at that name.
     */
    public static RecordSelection select(List<String> txtRecordsAtName) {
        if (txtRecordsAtName == null) {
            return new RecordSelection.NoRecord(RecordSelection.Reason.NO_DMARC_RECORD, 0);
        }
        String candidate = null;
        int count = 0;
        for (String txt : txtRecordsAtName) {
            if (startsWithDmarc1(txt)) {
                count++;
                candidate = txt;
            }
        }
        if (count == 0) {
            return new RecordSelection.NoRecord(RecordSelection.Reason.NO_DMARC_RECORD, 0);
        }
        if (count > 1) {
            // RFC 9989 §4.10: "If multiple DMARC Policy Records are returned for a single target, they are all discarded."
            return new RecordSelection.NoRecord(RecordSelection.Reason.MULTIPLE_DMARC_RECORDS, count);
        }
        return new RecordSelection.Selected(candidate, parse(candidate));
    }

    /**
     * Index just after {@code DMARC1} when the text starts with the version tag, else -1. Also -1 when
     * {@code DMARC1} is immediately followed by something other than whitespace or ";" (e.g. "DMARC10").
     */
    private static int versionEnd(String txt) {
        int n = txt.length();
        int i = 0;
        // RFC 9989 §4.8: dmarc-record = dmarc-version ...: the record's first character is the "v" of the version
        // tag, so " v=DMARC1" (leading whitespace) is not a DMARC record. RFC 9989 §4.7: v MUST be the first tag.
        if (i >= n || (txt.charAt(i) != 'v' && txt.charAt(i) != 'V')) {
            return -1;
        }
        i = skipWsp(txt, i + 1);
        if (i >= n || txt.charAt(i) != '=') {
            return -1;
        }
        i = skipWsp(txt, i + 1);
        if (!txt.startsWith(VERSION, i)) {
            return -1; // RFC 9989 §4.8: dmarc-version = "v" equals %s"DMARC1" (case-sensitive)
        }
        int end = i + VERSION.length();
        if (end < n && !TagValueSyntax.isFws(txt.charAt(end)) && txt.charAt(end) != ';') {
            return -1;
        }
        return end;
    }

    private static int skipWsp(String s, int from) {
        int i = from;
        while (i < s.length() && TagValueSyntax.isFws(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static RecordParseResult doParse(String txt) {
        if (txt == null || txt.isBlank()) {
            return invalid(RecordSyntaxError.Kind.EMPTY, "empty DMARC record");
        }
        int afterVersion = versionEnd(txt);
        if (afterVersion < 0) {
            // RFC 9989 §4.7: v absent, not first, or not "DMARC1": the entire record MUST be ignored
            return invalid(RecordSyntaxError.Kind.NOT_DMARC1, !txt.isEmpty() && Character.isWhitespace(txt.charAt(0))
                    ? "record starts with whitespace; a DMARC record starts with v=DMARC1 (RFC 9989 §4.8)"
                    : "record does not start with v=DMARC1");
        }
        if (txt.length() > MAX_RECORD_LENGTH) {
            return invalid(RecordSyntaxError.Kind.MALFORMED,
                    "record longer than " + MAX_RECORD_LENGTH + " characters");
        }
        int sep = skipWsp(txt, afterVersion);
        if (sep < txt.length() && txt.charAt(sep) != ';') {
            // RFC 9989 §4.8: dmarc-record = dmarc-version *(dmarc-sep dmarc-tag) [dmarc-sep]
            return invalid(RecordSyntaxError.Kind.MALFORMED, "text after v=DMARC1 is not separated by ';'");
        }
        Builder b = new Builder();
        b.tags.put("v", VERSION);
        if (sep < txt.length()) {
            String[] segments = txt.substring(sep + 1).split(";", -1);
            for (int k = 0; k < segments.length; k++) {
                String segment = TagValueSyntax.trimWsp(segments[k]);
                boolean last = k == segments.length - 1;
                if (segment.isEmpty()) {
                    if (!last) { // a trailing ";" is allowed ([dmarc-sep]); ";;" is not, but harmless
                        b.warn(RecordWarning.Code.MALFORMED_TAG, null, "empty tag between ';' separators ignored");
                    }
                    continue;
                }
                b.segment(segment);
            }
        }
        return b.finish();
    }

    private static RecordParseResult invalid(RecordSyntaxError.Kind kind, String message) {
        return new RecordParseResult.Invalid(new RecordSyntaxError(kind, message));
    }

    /** Accumulates the tags of one record. */
    private static final class Builder {
        final Map<String, String> tags = new LinkedHashMap<>();
        final List<RecordWarning> warnings = new ArrayList<>();
        Optional<Policy> p = Optional.empty();
        Optional<Policy> sp = Optional.empty();
        Optional<Policy> np = Optional.empty();
        PsdFlag psd = PsdFlag.UNSPECIFIED;
        boolean testing;
        AlignmentMode adkim = AlignmentMode.RELAXED;
        AlignmentMode aspf = AlignmentMode.RELAXED;
        List<ReportUri> rua = List.of();
        List<ReportUri> ruf = List.of();
        List<String> fo = List.of("0"); // RFC 9989 §4.7: default is "0"
        OptionalInt pct = OptionalInt.empty();
        List<String> rf = List.of();
        OptionalLong ri = OptionalLong.empty();

        void warn(RecordWarning.Code code, String tag, String message) {
            warnings.add(new RecordWarning(code, tag, message));
        }

        void segment(String segment) {
            int eq = segment.indexOf('=');
            if (eq < 0) {
                warn(RecordWarning.Code.MALFORMED_TAG, null, "ignored text without '=': \"" + abbreviate(segment) + "\"");
                return;
            }
            String rawName = TagValueSyntax.trimWsp(segment.substring(0, eq));
            String value = TagValueSyntax.trimWsp(segment.substring(eq + 1));
            if (!TagValueSyntax.isTagName(rawName)) {
                // RFC 9989 §4.8: dmarc-tag = 1*ALPHA equals 1*dmarc-value
                warn(RecordWarning.Code.MALFORMED_TAG, null, "ignored tag with an invalid name: \"" + abbreviate(rawName) + "\"");
                return;
            }
            String name = rawName.toLowerCase(Locale.ROOT);
            if (!KNOWN_TAGS.contains(name)) {
                // RFC 9989 §4.7: unknown tags MUST be ignored
                String shown = abbreviate(name);
                warn(RecordWarning.Code.UNKNOWN_TAG, shown, "unknown tag '" + shown + "' ignored");
                return;
            }
            if (tags.containsKey(name)) {
                warn(RecordWarning.Code.DUPLICATE_TAG, name, "duplicate tag '" + name + "' ignored; the first one is used");
                return;
            }
            tags.put(name, value);
            if (RETIRED_TAGS.contains(name)) {
                warn(RecordWarning.Code.RETIRED_TAG, name, "tag '" + name + "' is from RFC 7489 and retired by RFC 9989");
            }
            if (!TagValueSyntax.isDmarcValue(value)) {
                // RFC 9989 §4.8: 1*dmarc-value, printing characters but ';'
                invalidValue(name, value);
                return;
            }
            knownTag(name, value);
        }

        private void knownTag(String name, String value) {
            switch (name) {
                case "p" -> p = policy(name, value);
                case "sp" -> sp = policy(name, value);
                case "np" -> np = policy(name, value);
                case "psd" -> PsdFlag.fromTagValue(value).ifPresentOrElse(v -> psd = v, () -> invalidValue(name, value));
                case "t" -> TagValueSyntax.yesOrNo(value).ifPresentOrElse(v -> testing = v, () -> invalidValue(name, value));
                case "adkim" -> AlignmentMode.fromTagValue(value).ifPresentOrElse(v -> adkim = v, () -> invalidValue(name, value));
                case "aspf" -> AlignmentMode.fromTagValue(value).ifPresentOrElse(v -> aspf = v, () -> invalidValue(name, value));
                case "rua" -> rua = uriList(name, value);
                case "ruf" -> ruf = uriList(name, value);
                case "fo" -> TagValueSyntax.failureOptions(value).ifPresentOrElse(v -> fo = v, () -> invalidValue(name, value));
                case "pct" -> {
                    pct = TagValueSyntax.percent(value);
                    if (pct.isEmpty()) {
                        invalidValue(name, value);
                    }
                }
                case "rf" -> TagValueSyntax.reportFormats(value).ifPresentOrElse(v -> rf = v, () -> invalidValue(name, value));
                case "ri" -> {
                    ri = TagValueSyntax.reportInterval(value);
                    if (ri.isEmpty()) {
                        invalidValue(name, value);
                    }
                }
                default -> { // "v" repeated is caught as a duplicate; nothing else reaches here
                }
            }
        }

        private Optional<Policy> policy(String name, String value) {
            // RFC 9989 §4.8: dmarc-request = "none" / "quarantine" / "reject"; the ABNF is case-insensitive
            Optional<Policy> policy = Policy.fromTagValue(value);
            if (policy.isEmpty()) {
                invalidValue(name, value);
            }
            return policy;
        }

        /** RFC 9989 §4.8 dmarc-urilist: URIs separated by *WSP "," *WSP (CR/LF tolerated too). Bad entries are dropped. */
        private List<ReportUri> uriList(String name, String value) {
            List<ReportUri> uris = new ArrayList<>();
            for (String raw : value.split(",", -1)) {
                String entry = TagValueSyntax.trimWsp(raw);
                ReportUriSyntax.ParseResult outcome = ReportUriSyntax.parseEntry(entry);
                if (outcome instanceof ReportUriSyntax.ParseResult.Invalid rejected) {
                    warn(RecordWarning.Code.INVALID_URI, name,
                            name + ": \"" + abbreviate(entry) + "\" dropped: " + rejected.reason());
                } else if (outcome instanceof ReportUriSyntax.ParseResult.Parsed accepted) {
                    ReportUri uri = accepted.uri();
                    if (uri.legacySizeLimit().isPresent()) {
                        warn(RecordWarning.Code.LEGACY_SIZE_LIMIT, name,
                                name + ": size limit '!" + uri.legacySizeLimit().get() + "' is obsolete (RFC 9989 §4.8)");
                    }
                    if (!uri.isMailto()) {
                        // RFC 9989 §4.7: receivers MUST ignore schemes they do not support; only mailto: is mandatory
                        warn(RecordWarning.Code.NON_MAILTO_URI, name,
                                name + ": \"" + abbreviate(uri.uri()) + "\" is not a mailto: URI and may be ignored");
                    }
                    uris.add(uri);
                }
            }
            return List.copyOf(uris);
        }

        private void invalidValue(String name, String value) {
            // RFC 9989 §4.8: syntax errors MUST be discarded in favour of default values
            warn(RecordWarning.Code.INVALID_VALUE, name,
                    "invalid value \"" + abbreviate(value) + "\" for tag '" + name + "' ignored; the default applies");
        }

        RecordParseResult finish() {
            if (p.isEmpty()) {
                // RFC 9989 §4.7: without p the record is treated as if it included p=none
                warn(RecordWarning.Code.MISSING_POLICY, "p", "no valid 'p' tag: treated as p=none");
            }
            if (tags.containsKey("fo") && ruf.isEmpty()) {
                // RFC 9989 §4.7: the fo tag's content MUST be ignored if a ruf tag is not also specified
                warn(RecordWarning.Code.FO_WITHOUT_RUF, "fo", "'fo' is ignored without a usable 'ruf'");
            }
            DmarcRecord record = new DmarcRecord(p, sp, np, psd, testing, adkim, aspf, rua, ruf, fo, pct, rf, ri, tags);
            return new RecordParseResult.Parsed(record, warnings);
        }
    }

    /** Keeps warning messages bounded whatever the input. */
    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
