package org.jamesdmarc.reporting.ingest;

/**
 * Totals of an ingest: reports stored (aggregate and failure reports), their records and messages (the sum of the
 * records' counts, saturating at 2^63-1), duplicates (stored already, nothing written) and rejected (kept aside).
 */
public record IngestCounts(long reports, long records, long messages, long duplicates, long rejected) {

    public static final IngestCounts ZERO = new IngestCounts(0, 0, 0, 0, 0);

    /** These counts plus {@code outcome}. */
    public IngestCounts plus(IngestOutcome outcome) {
        if (outcome instanceof IngestOutcome.Stored s) {
            return new IngestCounts(reports + 1, records + s.records(), saturated(messages, s.messages()), duplicates,
                    rejected);
        }
        if (outcome instanceof IngestOutcome.FailureStored) {
            return new IngestCounts(reports + 1, records, messages, duplicates, rejected);
        }
        if (outcome instanceof IngestOutcome.Duplicate || outcome instanceof IngestOutcome.FailureDuplicate) {
            return new IngestCounts(reports, records, messages, duplicates + 1, rejected);
        }
        return new IngestCounts(reports, records, messages, duplicates, rejected + 1); // Rejected
    }

    /** These counts plus every outcome of {@code outcomes}. */
    public IngestCounts plus(Iterable<IngestOutcome> outcomes) {
        IngestCounts c = this;
        for (IngestOutcome o : outcomes) {
            c = c.plus(o);
        }
        return c;
    }

    private static long saturated(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
