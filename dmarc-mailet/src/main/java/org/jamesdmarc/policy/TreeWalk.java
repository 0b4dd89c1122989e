package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * RFC 9989 §4.10 DNS Tree Walk from one starting domain, and the §4.10.2 selection of the
 * Organizational Domain from the records it found. At most {@value #MAX_QUERIES} queries.
 */
final class TreeWalk {

    /** RFC 9989 §4.10 step 4: names with 8 or more labels are cut to this many after the first query. */
    static final int SHORTENED_LABELS = 7;
    /** RFC 9989 §4.10: the walk never makes more than eight queries. */
    static final int MAX_QUERIES = 8;

    /**
     * @param start    the starting domain
     * @param targets  the domains whose {@code _dmarc} name was looked at, in order
     * @param records  the valid records found, longest name first
     * @param tempFail the first temporary failure, which ended the walk
     * @param shortened true when step 4 skipped labels
     * @param absent   the names that gave no record, with why (for warnings)
     */
    record Result(DomainName start, List<DomainName> targets, List<DmarcRecordLookup.Found> records,
                  Optional<DmarcRecordLookup.TempFail> tempFail, boolean shortened,
                  List<DmarcRecordLookup.Absent> absent) {

        Optional<DmarcRecordLookup.Found> recordAt(DomainName domain) {
            return records.stream().filter(f -> f.domain().equals(domain)).findFirst();
        }

        /** The PSD record ({@code psd=y}) found above the start, if any. */
        Optional<DmarcRecordLookup.Found> publicSuffixRecord() {
            return records.stream()
                    .filter(f -> f.record().psd() == PsdFlag.YES && !f.domain().equals(start))
                    .findFirst();
        }

        /**
         * RFC 9989 §4.10.2: pick the Organizational Domain from the records found, longest to
         * shortest name: (1) psd=n is the Organizational Domain; (2) psd=y, on a name other than the
         * start, makes the name one label below it the Organizational Domain; (3) otherwise the
         * record with the fewest labels. With no record at all, the start is its own Organizational
         * Domain ("If this process does not determine the Organizational Domain, then the initial
         * target domain is the Organizational Domain").
         */
        DomainName organizationalDomain() {
            for (DmarcRecordLookup.Found f : records) {
                if (f.record().psd() == PsdFlag.NO) {
                    return f.domain();
                }
                if (f.record().psd() == PsdFlag.YES && !f.domain().equals(start)) {
                    // the name one label below the PSD on the way to the start
                    return start.lastLabels(f.domain().labelCount() + 1);
                }
            }
            if (!records.isEmpty()) {
                return records.get(records.size() - 1).domain();
            }
            return start;
        }
    }

    private TreeWalk() {
    }

    static Result walk(DomainName start, DmarcRecordLookup lookup) {
        List<DomainName> targets = new ArrayList<>(MAX_QUERIES);
        List<DmarcRecordLookup.Found> records = new ArrayList<>(2);
        List<DmarcRecordLookup.Absent> absent = new ArrayList<>(MAX_QUERIES);
        boolean shortened = false;
        Optional<DomainName> next = Optional.of(start);
        boolean first = true;
        // Never query _dmarc. at the root: the loop ends when no label is left.
        while (next.isPresent() && targets.size() < MAX_QUERIES) {
            DomainName target = next.get();
            targets.add(target);
            DmarcRecordLookup.Outcome outcome = lookup.lookup(target);
            if (outcome instanceof DmarcRecordLookup.TempFail tf) {
                return new Result(start, targets, records, Optional.of(tf), shortened, absent);
            }
            if (outcome instanceof DmarcRecordLookup.Found f) {
                records.add(f);
                // RFC 9989 §4.10 steps 2 and 6: a single record with psd=n or psd=y stops the walk.
                if (f.record().psd() != PsdFlag.UNSPECIFIED) {
                    break;
                }
            } else if (outcome instanceof DmarcRecordLookup.Absent a) {
                absent.add(a);
            }
            int labels = target.labelCount();
            if (first && labels >= SHORTENED_LABELS + 1) {
                // RFC 9989 §4.10 step 4: x >= 8, remove left-most labels until 7 remain.
                next = Optional.of(target.lastLabels(SHORTENED_LABELS));
                shortened = labels > SHORTENED_LABELS + 1;
            } else {
                // RFC 9989 §4.10 steps 4 (x < 8) and 7: remove the left-most label.
                next = target.parent();
            }
            first = false;
        }
        return new Result(start, targets, records, Optional.empty(), shortened, absent);
    }
}
