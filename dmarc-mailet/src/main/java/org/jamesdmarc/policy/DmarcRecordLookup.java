package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.TxtAnswer;

/**
 * The {@code _dmarc.<domain>} lookups of one evaluation, each made at most once: the policy
 * discovery and the Organizational Domain tree walks of the authenticated identifiers share
 * them (RFC 9989 §4.10.2 may need several walks over the same names). Not thread-safe: create
 * one per message evaluation.
 */
public final class DmarcRecordLookup {

    /** What one {@code _dmarc.<domain>} TXT query gave, after RFC 9989 §4.10 step 2 selection. */
    public sealed interface Outcome {
        String domain();
    }

    /** Exactly one valid DMARC Policy Record at the name. */
    public record Found(String domain, DmarcRecord record, List<RecordWarning> warnings) implements Outcome {
        public Found {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(record, "record");
            warnings = List.copyOf(warnings);
        }
    }

    /** No usable DMARC Policy Record at the name. */
    public record Absent(String domain, AbsentReason reason) implements Outcome {
        public Absent {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The query failed temporarily (SERVFAIL, timeout...). */
    public record TempFail(String domain, String detail) implements Outcome {
        public TempFail {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(detail, "detail");
        }
    }

    public enum AbsentReason {
        /** {@code _dmarc.<domain>} does not exist. */
        NXDOMAIN,
        /** The name exists but has no TXT record. */
        NODATA,
        /** TXT records, none of them starting with {@code v=DMARC1} (RFC 9989 §4.10 step 2: discarded). */
        NO_DMARC_RECORD,
        /** RFC 9989 §4.10 step 2: more than one DMARC record; all discarded. */
        MULTIPLE_RECORDS,
        /** One record that starts with {@code v=DMARC1} but cannot be parsed. */
        MALFORMED_RECORD
    }

    private final DnsClient dns;
    private final Function<String, RecordParseResult> parser;
    private final Map<String, Outcome> cache = new HashMap<>();
    private final List<String> queried = new ArrayList<>();

    public DmarcRecordLookup(DnsClient dns) {
        this(dns, RecordParser::parse);
    }

    DmarcRecordLookup(DnsClient dns, Function<String, RecordParseResult> parser) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    /** The outcome for {@code _dmarc.<domain>} ({@code domain} normalised, not the root). */
    public Outcome lookup(String domain) {
        Outcome cached = cache.get(domain);
        if (cached != null) {
            return cached;
        }
        String name = "_dmarc." + domain;
        queried.add(name);
        TxtAnswer answer = dns.txt(name);
        Outcome outcome = switch (answer.status()) {
            case TEMPFAIL -> new TempFail(domain, answer.detail());
            case NXDOMAIN -> new Absent(domain, AbsentReason.NXDOMAIN);
            case NODATA -> new Absent(domain, AbsentReason.NODATA);
            case FOUND -> select(domain, answer.texts());
        };
        cache.put(domain, outcome);
        return outcome;
    }

    /** RFC 9989 §4.10 step 2: keep records starting with v=DMARC1; several of them means none. */
    private Outcome select(String domain, List<String> texts) {
        RecordParseResult.Valid valid = null;
        int dmarcRecords = 0;
        for (String text : texts) {
            RecordParseResult r = parseSafely(text);
            if (r instanceof RecordParseResult.Valid v) {
                dmarcRecords++;
                valid = v;
            } else if (r instanceof RecordParseResult.Invalid inv
                    && inv.error().kind() == RecordSyntaxError.Kind.MALFORMED) {
                // Starts with v=DMARC1 (else the kind would be NOT_DMARC1) but unreadable:
                // it still counts as a DMARC record for the "multiple records" rule.
                dmarcRecords++;
                valid = null;
            }
        }
        if (dmarcRecords == 0) {
            return new Absent(domain, AbsentReason.NO_DMARC_RECORD);
        }
        if (dmarcRecords > 1) {
            return new Absent(domain, AbsentReason.MULTIPLE_RECORDS);
        }
        if (valid == null) {
            return new Absent(domain, AbsentReason.MALFORMED_RECORD);
        }
        return new Found(domain, valid.record(), valid.warnings());
    }

    private RecordParseResult parseSafely(String text) {
        try {
            RecordParseResult r = parser.apply(text);
            return r != null ? r : new RecordParseResult.Invalid(
                    new RecordSyntaxError(RecordSyntaxError.Kind.MALFORMED, "parser returned nothing"));
        } catch (RuntimeException e) {
            // The parser promises never to throw; a bug there must not break mail flow.
            return new RecordParseResult.Invalid(
                    new RecordSyntaxError(RecordSyntaxError.Kind.MALFORMED, "parser failure: " + e));
        }
    }

    /** Number of DNS queries actually sent (cache hits excluded). */
    public int queries() {
        return queried.size();
    }

    /** The names queried, in order. */
    public List<String> queriedNames() {
        return List.copyOf(queried);
    }
}
