package org.jamesdmarc.reporting.james;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.jamesdmarc.store.journal.HistoryListener;

/**
 * The evaluation history's counters as James metrics (named like the check's {@code dmarc_evaluations_*}):
 * {@value #QUEUED}, {@value #WRITTEN} (stored in the database, replays included), {@value #JOURNALED} (into the
 * local journal: journal-first durability, queue overflow, database down), {@value #DROPPED} (lost: journal at its
 * cap) and {@value #REPLAYED} (stored from the journal).
 */
final class HistoryMetrics implements HistoryListener {

    static final String QUEUED = "dmarc_history_queued";
    static final String WRITTEN = "dmarc_history_written";
    static final String JOURNALED = "dmarc_history_journaled";
    static final String DROPPED = "dmarc_history_dropped";
    static final String REPLAYED = "dmarc_history_replayed";

    private final Metric queued;
    private final Metric written;
    private final Metric journaled;
    private final Metric dropped;
    private final Metric replayed;

    HistoryMetrics(MetricFactory factory) {
        this.queued = factory.generate(QUEUED);
        this.written = factory.generate(WRITTEN);
        this.journaled = factory.generate(JOURNALED);
        this.dropped = factory.generate(DROPPED);
        this.replayed = factory.generate(REPLAYED);
    }

    @Override
    public void onQueued(int count) {
        add(queued, count);
    }

    @Override
    public void onWritten(int count) {
        add(written, count);
    }

    @Override
    public void onJournaled(int count) {
        add(journaled, count);
    }

    @Override
    public void onDropped(int count) {
        add(dropped, count);
    }

    @Override
    public void onReplayed(int count) {
        add(replayed, count);
    }

    /** Counts; a metrics failure must never reach the mail path or the writer. */
    private static void add(Metric metric, int count) {
        try {
            metric.add(count);
        } catch (RuntimeException e) {
            // nothing to do: metrics are best effort
        }
    }
}
