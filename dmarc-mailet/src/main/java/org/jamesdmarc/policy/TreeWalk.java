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
            for (DmarcRecordLookup.Found f : records) {
                if (f.domain().equals(domain)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }

        /** The PSD record ({@code psd=y}) found above the start, if any. */
        Optional<DmarcRecordLookup.Found> publicSuffixRecord() {
            for (DmarcRecordLookup.Found f : records) {
                if (f.record().psd() == PsdFlag.YES && !f.domain().equals(start)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }

        /** The {@code _dmarc} names looked at, in order (made when read). */
        List<String> queriedNames() {
            return new DmarcNames(targets);
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
        List<DmarcRecordLookup.Found> records = List.of();
        List<DmarcRecordLookup.Absent> absent = List.of();
        boolean shortened = false;
        DomainName target = start;
        boolean first = true;
        // Never query _dmarc. at the root: the loop ends when no label is left.
        while (target != null && targets.size() < MAX_QUERIES) {
            targets.add(target);
            DmarcRecordLookup.Outcome outcome = lookup.lookup(target);
            if (outcome instanceof DmarcRecordLookup.TempFail tf) {
                return new Result(start, targets, records, Optional.of(tf), shortened, absent);
            }
            if (outcome instanceof DmarcRecordLookup.Found f) {
                records = added(records, f);
                // RFC 9989 §4.10 steps 2 and 6: a single record with psd=n or psd=y stops the walk.
                if (f.record().psd() != PsdFlag.UNSPECIFIED) {
                    break;
                }
            } else if (outcome instanceof DmarcRecordLookup.Absent a) {
                absent = added(absent, a);
            }
            int labels = target.labelCount();
            if (first && labels >= SHORTENED_LABELS + 1) {
                // RFC 9989 §4.10 step 4: x >= 8, remove left-most labels until 7 remain.
                target = target.lastLabels(SHORTENED_LABELS);
                shortened = labels > SHORTENED_LABELS + 1;
            } else {
                // RFC 9989 §4.10 steps 4 (x < 8) and 7: remove the left-most label.
                target = target.parent().orElse(null);
            }
            first = false;
        }
        return new Result(start, targets, records, Optional.empty(), shortened, absent);
    }

    /** {@code list} with {@code element} added: most walks find few records, so lists start empty and immutable. */
    private static <T> List<T> added(List<T> list, T element) {
        List<T> out = list.isEmpty() ? new ArrayList<>(4) : list;
        out.add(element);
        return out;
    }

    /**
     * The Organizational Domain of {@code start} alone: the same queries, in the same order, and the same
     * answer as {@code walk(start, lookup).organizationalDomain()} (or its temporary failure), without the
     * walk's lists, and without making the names this evaluation already looked up (alignment checks need
     * nothing else, and mostly ask names the policy discovery already walked).
     */
    static OrgDomainResult organizationalDomain(DomainName start, DmarcRecordLookup lookup) {
        String name = start.name();
        DmarcRecordLookup.Found fewestLabels = null; // records come longest name first
        int labels = start.labelCount(); // the current target: the right-most `labels` labels of start,
        int from = 0;                    // which begin at index `from` of its text
        for (int queries = 0; labels > 0 && queries < MAX_QUERIES; queries++) {
            DmarcRecordLookup.Outcome outcome = lookup.lookup(start, from, labels);
            if (outcome instanceof DmarcRecordLookup.TempFail tf) {
                return new OrgDomainResult.TempError("_dmarc." + tf.domain().name() + ": " + tf.detail());
            }
            if (outcome instanceof DmarcRecordLookup.Found f) {
                // RFC 9989 §4.10 steps 2 and 6: a record with psd=n or psd=y ends the walk, and §4.10.2
                // picks the Organizational Domain from it (as Result.organizationalDomain does).
                if (f.record().psd() == PsdFlag.NO) {
                    return new OrgDomainResult.Known(f.domain());
                }
                if (f.record().psd() == PsdFlag.YES) {
                    return new OrgDomainResult.Known(from == 0 ? start : start.lastLabels(f.domain().labelCount() + 1));
                }
                fewestLabels = f;
            }
            if (queries == 0 && labels >= SHORTENED_LABELS + 1) {
                // RFC 9989 §4.10 step 4: x >= 8, remove left-most labels until 7 remain.
                labels = SHORTENED_LABELS;
                from = name.length() - start.lastLabels(SHORTENED_LABELS).name().length();
            } else {
                // RFC 9989 §4.10 steps 4 (x < 8) and 7: remove the left-most label.
                labels--;
                from = name.indexOf('.', from) + 1;
            }
        }
        return new OrgDomainResult.Known(fewestLabels != null ? fewestLabels.domain() : start);
    }
}
