package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

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

    /**
     * What one TXT answer says, whatever the domain: RFC 9989 §4.10 step 2 selection and the parse of
     * the selected record. A pure function of the answer, so a caching {@link DnsClient} keeps it with
     * the cached answer ({@link DnsClient#readTxt}): each record is parsed once per cached answer, not
     * once per message.
     */
    private sealed interface Reading {
        Outcome at(DomainName domain);
    }

    private record ReadRecord(DmarcRecord record, List<RecordWarning> warnings) implements Reading {
        @Override
        public Outcome at(DomainName domain) {
            return new Found(domain, record, warnings);
        }
    }

    private record ReadAbsent(AbsentReason reason) implements Reading {
        @Override
        public Outcome at(DomainName domain) {
            return new Absent(domain, reason);
        }
    }

    private record ReadTempFail(String detail) implements Reading {
        @Override
        public Outcome at(DomainName domain) {
            return new TempFail(domain, detail);
        }
    }

    private static final Reading NXDOMAIN = new ReadAbsent(AbsentReason.NXDOMAIN);
    private static final Reading NODATA = new ReadAbsent(AbsentReason.NODATA);
    private static final Reading NO_DMARC_RECORD = new ReadAbsent(AbsentReason.NO_DMARC_RECORD);
    private static final Reading MULTIPLE_RECORDS = new ReadAbsent(AbsentReason.MULTIPLE_RECORDS);
    private static final Reading MALFORMED_RECORD = new ReadAbsent(AbsentReason.MALFORMED_RECORD);

    /** The one reader instance (readings are kept per reader identity). */
    private static final Function<TxtAnswer, Reading> READER = DmarcRecordLookup::read;

    private final DnsClient dns;
    /** Domains looked up so far and their outcomes, in query order. */
    private final ByDomain<Outcome> outcomes = new ByDomain<>();

    public DmarcRecordLookup(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** The outcome for {@code _dmarc.<domain>}. */
    public Outcome lookup(DomainName domain) {
        Outcome known = outcomes.get(domain);
        return known != null ? known : query(domain);
    }

    /**
     * {@link #lookup} of the right-most {@code labels} labels of {@code start}, which begin at index
     * {@code from} of its text: that name is only made when this evaluation did not look it up before.
     */
    Outcome lookup(DomainName start, int from, int labels) {
        Outcome known = outcomes.get(start.name(), from);
        return known != null ? known : query(start.lastLabels(labels));
    }

    private Outcome query(DomainName domain) {
        Outcome outcome = dns.readTxt("_dmarc." + domain.name(), READER).at(domain);
        outcomes.add(domain, outcome);
        return outcome;
    }

    private static Reading read(TxtAnswer answer) {
        return switch (answer.status()) {
            case TEMPFAIL -> new ReadTempFail(answer.detail());
            case NXDOMAIN -> NXDOMAIN;
            case NODATA -> NODATA;
            case FOUND -> select(answer.texts());
        };
    }

    /** RFC 9989 §4.10 step 2: keep records starting with v=DMARC1; several of them means none. */
    private static Reading select(List<String> texts) {
        RecordSelection selection = RecordParser.select(texts);
        if (selection instanceof RecordSelection.NoRecord none) {
            return none.reason() == RecordSelection.Reason.MULTIPLE_DMARC_RECORDS ? MULTIPLE_RECORDS : NO_DMARC_RECORD;
        }
        RecordParseResult result = ((RecordSelection.Selected) selection).result();
        if (result instanceof RecordParseResult.Parsed v) {
            return new ReadRecord(v.record(), v.warnings());
        }
        // Starts with v=DMARC1 but is not a readable tag-value list: no usable record here.
        return MALFORMED_RECORD;
    }

    /** Number of DNS queries actually sent (cache hits excluded). */
    public int queries() {
        return outcomes.size();
    }

    /** The names queried, in order. */
    public List<String> queriedNames() {
        List<String> names = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            names.add("_dmarc." + outcomes.domain(i).name());
        }
        return List.copyOf(names);
    }
}
