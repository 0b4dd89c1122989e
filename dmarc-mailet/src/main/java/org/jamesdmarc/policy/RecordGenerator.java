package org.jamesdmarc.policy;

import org.jamesdmarc.dns.DomainName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Builds a DMARC Policy Record to publish (CLI {@code dmarc record generate}). Options arrive as the
 * words a user typed; every problem found is reported as a {@link GenerationError} (all of them, not
 * only the first). A generated record always parses with {@link RecordParser} as Valid without warnings:
 * only RFC 9989 tags are written (no retired pct/rf/ri), report URIs must be {@code mailto:} without the
 * obsolete size suffix, and {@code fo} needs {@code ruf}.
 */
public final class RecordGenerator {

    private RecordGenerator() {
    }

    /**
     * What to generate. Optional fields left empty are not written (their RFC 9989 default applies).
     *
     * @param domain the domain the policy is for; the record is published at {@code _dmarc.<domain>}
     * @param p      required policy word: none, quarantine or reject
     */
    public record Request(
            String domain,
            String p,
            Optional<String> sp,
            Optional<String> np,
            Optional<String> psd,
            Optional<String> t,
            Optional<String> adkim,
            Optional<String> aspf,
            List<String> rua,
            List<String> ruf,
            Optional<String> fo) {

        public Request {
            Objects.requireNonNull(sp, "sp");
            Objects.requireNonNull(np, "np");
            Objects.requireNonNull(psd, "psd");
            Objects.requireNonNull(t, "t");
            Objects.requireNonNull(adkim, "adkim");
            Objects.requireNonNull(aspf, "aspf");
            Objects.requireNonNull(fo, "fo");
            rua = List.copyOf(Objects.requireNonNull(rua, "rua"));
            ruf = List.copyOf(Objects.requireNonNull(ruf, "ruf"));
        }

        public static Builder builder(String domain, String p) {
            return new Builder(domain, p);
        }
    }

    /** Fluent construction of a {@link Request}; unset options stay empty. */
    public static final class Builder {
        private final String domain;
        private final String p;
        private Optional<String> sp = Optional.empty();
        private Optional<String> np = Optional.empty();
        private Optional<String> psd = Optional.empty();
        private Optional<String> t = Optional.empty();
        private Optional<String> adkim = Optional.empty();
        private Optional<String> aspf = Optional.empty();
        private final List<String> rua = new ArrayList<>();
        private final List<String> ruf = new ArrayList<>();
        private Optional<String> fo = Optional.empty();

        private Builder(String domain, String p) {
            this.domain = domain;
            this.p = p;
        }

        public Builder sp(String v) { sp = Optional.ofNullable(v); return this; }
        public Builder np(String v) { np = Optional.ofNullable(v); return this; }
        public Builder psd(String v) { psd = Optional.ofNullable(v); return this; }
        public Builder t(String v) { t = Optional.ofNullable(v); return this; }
        public Builder adkim(String v) { adkim = Optional.ofNullable(v); return this; }
        public Builder aspf(String v) { aspf = Optional.ofNullable(v); return this; }
        public Builder rua(String uri) { rua.add(uri); return this; }
        public Builder ruf(String uri) { ruf.add(uri); return this; }
        public Builder fo(String v) { fo = Optional.ofNullable(v); return this; }

        public Request build() {
            return new Request(domain, p, sp, np, psd, t, adkim, aspf, rua, ruf, fo);
        }
    }

    /** One thing wrong with a {@link Request}. */
    public record GenerationError(Kind kind, String option, String message) {
        public enum Kind {
            /** Not a valid domain name (LDH labels, at least two unless psd=y). */
            INVALID_DOMAIN,
            /** p absent or not none/quarantine/reject. */
            INVALID_POLICY,
            /** sp/np not none/quarantine/reject. */
            INVALID_SUBDOMAIN_POLICY,
            /** psd not y/n/u, or t not y/n. */
            INVALID_FLAG,
            /** adkim/aspf not r/s. */
            INVALID_ALIGNMENT,
            /** A report URI that is not a URI, or carries the obsolete {@code !size} suffix. */
            INVALID_URI,
            /** A report URI whose scheme is not mailto: (the only one receivers must support). */
            NON_MAILTO_URI,
            /** fo not a dmarc-fo value (e.g. both 0 and 1). */
            INVALID_FAILURE_OPTIONS,
            /** fo given without any ruf (RFC 9989 §4.7: fo is then ignored). */
            FO_WITHOUT_RUF,
            /** The record would be longer than {@link RecordParser#MAX_RECORD_LENGTH}. */
            RECORD_TOO_LONG
        }

        public GenerationError {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(option, "option");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Result of {@link #generate(Request)}. */
    public sealed interface Result {
        /**
         * @param dnsName    where to publish the TXT record: {@code _dmarc.<domain>} (RFC 9989 §4.5)
         * @param recordText the record text
         * @param record     the record as a parser would read it
         */
        record Generated(String dnsName, String recordText, DmarcRecord record) implements Result {
            /** The record split into TXT character-strings of at most 255 octets (RFC 1035 §3.3.14). */
            public List<String> txtStrings() {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < recordText.length(); i += 255) {
                    parts.add(recordText.substring(i, Math.min(recordText.length(), i + 255)));
                }
                return parts;
            }

            /** A zone-file line, e.g. {@code _dmarc.example.com. IN TXT "v=DMARC1; p=reject"}. */
            public String zoneFileLine() {
                StringBuilder sb = new StringBuilder(dnsName).append(". IN TXT");
                for (String part : txtStrings()) {
                    sb.append(" \"").append(part.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
                return sb.toString();
            }
        }

        record Rejected(List<GenerationError> errors) implements Result {
            public Rejected {
                errors = List.copyOf(errors);
            }
        }
    }

    public static Result generate(Request request) {
        Objects.requireNonNull(request, "request");
        List<GenerationError> errors = new ArrayList<>();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("v", "DMARC1");

        Optional<PsdFlag> psd = keyword(request.psd(), "psd", PsdFlag::fromTagValue, PsdFlag::tagValue,
                GenerationError.Kind.INVALID_FLAG, "y, n or u", new LinkedHashMap<>(), errors);
        boolean psdYes = psd.orElse(PsdFlag.UNSPECIFIED) == PsdFlag.YES;
        // A PSO publishes at a public suffix, possibly a single label such as "_dmarc.example"
        Optional<DomainName> domain = DomainName.parse(request.domain(), psdYes);
        if (domain.isEmpty()) {
            errors.add(new GenerationError(GenerationError.Kind.INVALID_DOMAIN, "domain",
                    "not a valid domain name: \"" + RecordParser.abbreviate(String.valueOf(request.domain())) + "\""));
        }

        Optional<Policy> p = keyword(Optional.ofNullable(request.p()), "p", Policy::fromTagValue, Policy::tagValue,
                GenerationError.Kind.INVALID_POLICY, "none, quarantine or reject", tags, errors);
        if (request.p() == null) {
            errors.add(new GenerationError(GenerationError.Kind.INVALID_POLICY, "p", "p is required"));
        }
        Optional<Policy> sp = keyword(request.sp(), "sp", Policy::fromTagValue, Policy::tagValue,
                GenerationError.Kind.INVALID_SUBDOMAIN_POLICY, "none, quarantine or reject", tags, errors);
        Optional<Policy> np = keyword(request.np(), "np", Policy::fromTagValue, Policy::tagValue,
                GenerationError.Kind.INVALID_SUBDOMAIN_POLICY, "none, quarantine or reject", tags, errors);
        psd.ifPresent(flag -> tags.put("psd", flag.tagValue())); // in RecordWriter's tag order
        Optional<Boolean> testing = keyword(request.t(), "t", TagValueSyntax::yesOrNo, b -> b ? "y" : "n",
                GenerationError.Kind.INVALID_FLAG, "y or n", tags, errors);
        Optional<AlignmentMode> adkim = keyword(request.adkim(), "adkim", AlignmentMode::fromTagValue,
                AlignmentMode::tagValue, GenerationError.Kind.INVALID_ALIGNMENT, "r or s", tags, errors);
        Optional<AlignmentMode> aspf = keyword(request.aspf(), "aspf", AlignmentMode::fromTagValue,
                AlignmentMode::tagValue, GenerationError.Kind.INVALID_ALIGNMENT, "r or s", tags, errors);
        List<ReportUri> rua = uris("rua", request.rua(), errors);
        List<ReportUri> ruf = uris("ruf", request.ruf(), errors);

        List<String> fo = List.of("0");
        if (request.fo().isPresent()) {
            Optional<List<String>> parsed = TagValueSyntax.failureOptions(TagValueSyntax.trimWsp(request.fo().get()));
            if (parsed.isEmpty()) {
                errors.add(new GenerationError(GenerationError.Kind.INVALID_FAILURE_OPTIONS, "fo",
                        "fo must be a ':'-list of 0, 1, d, s, each at most once, not both 0 and 1"));
            } else {
                fo = parsed.get();
                tags.put("fo", String.join(":", fo));
            }
            if (request.ruf().isEmpty()) {
                // RFC 9989 §4.7: fo MUST be ignored if no ruf tag is specified
                errors.add(new GenerationError(GenerationError.Kind.FO_WITHOUT_RUF, "fo",
                        "fo has no effect without ruf"));
            }
        }
        if (!errors.isEmpty()) {
            return new Result.Rejected(errors);
        }
        DmarcRecord record = new DmarcRecord(p, sp, np, psd.orElse(PsdFlag.UNSPECIFIED), testing.orElse(false),
                adkim.orElse(AlignmentMode.RELAXED), aspf.orElse(AlignmentMode.RELAXED), rua, ruf, fo,
                OptionalInt.empty(), List.of(), OptionalLong.empty(), tags);
        String text = record.toRecordString();
        if (text.length() > RecordParser.MAX_RECORD_LENGTH) {
            return new Result.Rejected(List.of(new GenerationError(GenerationError.Kind.RECORD_TOO_LONG, "record",
                    "record longer than " + RecordParser.MAX_RECORD_LENGTH + " characters")));
        }
        return new Result.Generated("_dmarc." + domain.orElseThrow().name(), text, record);
    }

    private static <T> Optional<T> keyword(Optional<String> word, String option, Function<String, Optional<T>> parse,
            Function<T, String> write, GenerationError.Kind kind, String expected, Map<String, String> tags,
            List<GenerationError> errors) {
        if (word.isEmpty()) {
            return Optional.empty();
        }
        String w = word.get().strip().toLowerCase(Locale.ROOT);
        Optional<T> value = parse.apply(w);
        if (value.isEmpty()) {
            errors.add(new GenerationError(kind, option, option + " must be " + expected + ", not \""
                    + RecordParser.abbreviate(word.get()) + "\""));
        } else {
            tags.put(option, write.apply(value.get()));
        }
        return value;
    }

    private static List<ReportUri> uris(String option, List<String> raw, List<GenerationError> errors) {
        List<ReportUri> uris = new ArrayList<>();
        for (String entry : raw) {
            String e = entry == null ? "" : entry.strip();
            ReportUriSyntax.ParseResult outcome = ReportUriSyntax.parseEntry(e);
            if (outcome instanceof ReportUriSyntax.ParseResult.Invalid rejected) {
                errors.add(new GenerationError(GenerationError.Kind.INVALID_URI, option,
                        option + ": \"" + RecordParser.abbreviate(e) + "\" is not a valid report URI: " + rejected.reason()));
            } else if (outcome instanceof ReportUriSyntax.ParseResult.Parsed accepted) {
                ReportUri uri = accepted.uri();
                if (uri.legacySizeLimit().isPresent()) {
                    // RFC 9989 §4.8: obs-dmarc-report-size is obsolete syntax; do not publish it
                    errors.add(new GenerationError(GenerationError.Kind.INVALID_URI, option,
                            option + ": the '!size' suffix is obsolete (RFC 9989 §4.8)"));
                } else if (!uri.isMailto()) {
                    errors.add(new GenerationError(GenerationError.Kind.NON_MAILTO_URI, option,
                            option + ": \"" + RecordParser.abbreviate(e) + "\" is not a mailto: URI"));
                } else {
                    uris.add(uri);
                }
            }
        }
        return uris;
    }
}
