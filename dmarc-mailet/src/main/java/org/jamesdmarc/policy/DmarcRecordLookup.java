package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainName;
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
        DomainName domain();
    }

    /** Exactly one valid DMARC Policy Record at the name. */
    public record Found(DomainName domain, DmarcRecord record, List<RecordWarning> warnings) implements Outcome {
        public Found {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(record, "record");
            warnings = List.copyOf(warnings);
        }
    }

    /** No usable DMARC Policy Record at the name. */
    public record Absent(DomainName domain, AbsentReason reason) implements Outcome {
        public Absent {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The query failed temporarily (SERVFAIL, timeout...). */
    public record TempFail(DomainName domain, String detail) implements Outcome {
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
    private final Map<DomainName, Outcome> cache = new HashMap<>();
    private final List<String> queried = new ArrayList<>();

    public DmarcRecordLookup(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** The outcome for {@code _dmarc.<domain>}. */
    public Outcome lookup(DomainName domain) {
        Outcome cached = cache.get(domain);
        if (cached != null) {
            return cached;
        }
        String name = "_dmarc." + domain.name();
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
    private static Outcome select(DomainName domain, List<String> texts) {
        RecordSelection selection = RecordParser.select(texts);
        if (selection instanceof RecordSelection.NoRecord none) {
            return new Absent(domain, none.reason() == RecordSelection.Reason.MULTIPLE_DMARC_RECORDS
                    ? AbsentReason.MULTIPLE_RECORDS : AbsentReason.NO_DMARC_RECORD);
        }
        RecordParseResult result = ((RecordSelection.Selected) selection).result();
        if (result instanceof RecordParseResult.Parsed v) {
            return new Found(domain, v.record(), v.warnings());
        }
        // Starts with v=DMARC1 but is not a readable tag-value list: no usable record here.
        return new Absent(domain, AbsentReason.MALFORMED_RECORD);
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
