package org.jamesdmarc.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes history records older than {@code history.retentionDays}, once a day inside James (issue 9 item 5), on a
 * single daemon thread of its own, in batches of {@code history.batchSize} ({@link HistoryStore#expireBefore}) so
 * writers are never locked out; and, when given a {@link Ledger}, the report delivery ledger's periods older than
 * the longer of that retention and the ledger's ({@code report.ledgerRetention}; {@link ReportLedger#expireBefore}),
 * in the same batches; and, when given an {@link Inbound}, the reports other receivers sent us older than
 * {@code report.inboundRetention} ({@link InboundReportStore#expireBefore}), whether or not the history itself
 * expires. A failure (database down) is one log line; the next day tries again.
 */
public final class HistoryRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryRetention.class);

    /** What is expired: {@link EvaluationHistory#expireBefore} in James. */
    @FunctionalInterface
    public interface Expiry {
        long expireBefore(Instant cutoff, int batchSize);
    }

    /**
     * The report delivery ledger's part of the job.
     *
     * @param expiry    {@link EvaluationHistory#expireLedgerBefore} in James
     * @param retention {@code report.ledgerRetention}: the ledger keeps a period at least this long after it ended
     *                  (and never less than the history's retention)
     */
    public record Ledger(Expiry expiry, Duration retention) {
        public Ledger {
            Objects.requireNonNull(expiry, "expiry");
            Objects.requireNonNull(retention, "retention");
        }
    }

    /**
     * The inbound reports' part of the job.
     *
     * @param expiry    {@link EvaluationHistory#expireInboundBefore} in James (returns the reports deleted)
     * @param retention {@code report.inboundRetention}
     */
    public record Inbound(Expiry expiry, Duration retention) {
        public Inbound {
            Objects.requireNonNull(expiry, "expiry");
            Objects.requireNonNull(retention, "retention");
        }
    }

    private final Expiry expiry;
    private final Optional<Ledger> ledger;
    private final Optional<Inbound> inbound;
    private final Duration retention;
    private final int batchSize;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    private HistoryRetention(Expiry expiry, Optional<Ledger> ledger, Optional<Inbound> inbound, Duration retention,
                             int batchSize, Clock clock) {
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        this.retention = retention;
        this.batchSize = batchSize;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dmarc-history-retention");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@link #expireNow()} after {@code firstDelay}, then every {@code period}.
     *
     * @param retentionDays days to keep, at least 1
     */
    public static HistoryRetention schedule(Expiry expiry, int retentionDays, int batchSize, Clock clock,
            Duration firstDelay, Duration period) {
        return schedule(expiry, Optional.empty(), retentionDays, batchSize, clock, firstDelay, period);
    }

    /**
     * Runs {@link #expireNow()} and then {@link #expireLedgerNow()} after {@code firstDelay}, then every
     * {@code period}.
     *
     * @param retentionDays days to keep, at least 1
     */
    public static HistoryRetention schedule(Expiry expiry, Optional<Ledger> ledger, int retentionDays, int batchSize,
            Clock clock, Duration firstDelay, Duration period) {
        if (retentionDays < 1) {
            throw new IllegalArgumentException("retentionDays must be at least 1");
        }
        return schedule(expiry, ledger, Optional.empty(), retentionDays, batchSize, clock, firstDelay, period);
    }

    /**
     * Runs {@link #expireNow()}, {@link #expireLedgerNow()} and {@link #expireInboundNow()} after {@code firstDelay},
     * then every {@code period}.
     *
     * @param retentionDays days the history keeps its records; 0: forever (then neither it nor the ledger expires)
     */
    public static HistoryRetention schedule(Expiry expiry, Optional<Ledger> ledger, Optional<Inbound> inbound,
            int retentionDays, int batchSize, Clock clock, Duration firstDelay, Duration period) {
        if (retentionDays < 0 || batchSize < 1) {
            throw new IllegalArgumentException("retentionDays must be at least 0 and batchSize at least 1");
        }
        HistoryRetention retention = new HistoryRetention(expiry, ledger, inbound, Duration.ofDays(retentionDays),
                batchSize, clock);
        retention.executor.scheduleWithFixedDelay(() -> {
            retention.expireNow();
            retention.expireLedgerNow();
            retention.expireInboundNow();
        }, firstDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return retention;
    }

    /** Deletes what is older than the retention now; returns how many records, or -1 when it failed (logged). */
    public long expireNow() {
        if (retention.isZero()) {
            return 0; // history.retentionDays=0: kept forever
        }
        Instant cutoff = clock.instant().minus(retention);
        try {
            long deleted = expiry.expireBefore(cutoff, batchSize);
            if (deleted > 0) {
                LOG.info("DMARC history retention: {} records evaluated before {} deleted", deleted, cutoff);
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.warn("DMARC history retention: expiring records before {} failed ({}); trying again in a day", cutoff,
                    DatabaseErrors.firstLine(e));
            return -1;
        }
    }

    /**
     * Deletes the ledger's periods that ended before now minus the longer of the history's and the ledger's
     * retention; returns how many delivery rows, 0 without a {@link Ledger}, or -1 when it failed (logged).
     */
    public long expireLedgerNow() {
        if (ledger.isEmpty() || retention.isZero()) {
            return 0;
        }
        Duration keep = ledger.get().retention().compareTo(retention) > 0 ? ledger.get().retention() : retention;
        Instant cutoff = clock.instant().minus(keep);
        try {
            long deleted = ledger.get().expiry().expireBefore(cutoff, batchSize);
            if (deleted > 0) {
                LOG.info("DMARC report ledger retention: {} delivery rows of periods ended by {} deleted", deleted,
                        cutoff);
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.warn("DMARC report ledger retention: expiring periods ended by {} failed ({}); trying again in a day",
                    cutoff, DatabaseErrors.firstLine(e));
            return -1;
        }
    }

    /**
     * Deletes the inbound reports older than {@code report.inboundRetention}; returns how many aggregate reports, 0
     * without an {@link Inbound}, or -1 when it failed (logged).
     */
    public long expireInboundNow() {
        if (inbound.isEmpty()) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(inbound.get().retention());
        try {
            long deleted = inbound.get().expiry().expireBefore(cutoff, batchSize);
            if (deleted > 0) {
                LOG.info("DMARC inbound report retention: {} aggregate reports begun before the day of {} deleted",
                        deleted, cutoff);
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.warn("DMARC inbound report retention: expiring reports before {} failed ({}); trying again in a day",
                    cutoff, DatabaseErrors.firstLine(e));
            return -1;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
