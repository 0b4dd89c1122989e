package org.jamesdmarc.reporting.james;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.jamesdmarc.store.DmarcProperties;
import org.jamesdmarc.store.DmarcSettings;
import org.jamesdmarc.store.EvaluationHistory;
import org.jamesdmarc.store.HistoryRetention;
import org.jamesdmarc.store.ReportRollup;
import org.jamesdmarc.store.ReportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops what {@link DmarcHistoryModule} binds, with James: created with the extension injector (so the
 * history starts, and replays its journal, at James's start-up), closed by James's own lifecycle when it stops.
 *
 * <p><b>Order at shutdown.</b> James 3.8.1 ({@code GuiceJamesServer.stop()}, run from its JVM shutdown hook) calls
 * the {@code @PreDestroy} methods of the objects its injectors built, last built first (its {@code PreDestroyModule}
 * stages them first-in-last-out; the type listener that registers them is inherited by the child injector of the
 * extension modules). The extension injector is built while James builds the mailet container and the SMTP
 * server (their mailet, matcher and hook loaders need it), so this object is registered before them and
 * {@link #close} runs after the mailet spooler and the SMTP servers were stopped: the records of the mails they
 * finish while stopping are kept.
 *
 * <p><b>Fallback.</b> A JVM shutdown hook waits (at most {@value #FALLBACK_WAIT_SECONDS} s) for that close and
 * closes the history itself when James's path did not run (a James that does not stage {@code @PreDestroy}):
 * nothing is lost then either, the rest stays in the journal for the next start.
 *
 * <p><b>Roll-up.</b> Every {@value #ROLLUP_INTERVAL_SECONDS} s a background thread rolls the messages the writers
 * stored up into the report counters ({@link ReportRollup}, keyed by {@code report.period}), so that the pending
 * table stays small and a report run has little left to roll up.
 *
 * <p>{@link #close} is idempotent and safe from any thread.
 */
@Singleton
final class HistoryLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryLifecycle.class);

    static final long RETENTION_FIRST_DELAY_MINUTES = 10;
    static final long FALLBACK_WAIT_SECONDS = 10;
    static final long ROLLUP_INTERVAL_SECONDS = 60;

    private final EvaluationHistory history;
    private final HistoryFiles historyFiles;
    private final Optional<HistoryRetention> retention;
    private final ScheduledExecutorService rollup;
    private final Duration rollupSlice;
    private volatile boolean rollupFailing;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    @Inject
    HistoryLifecycle(EvaluationHistory history, HistoryFiles historyFiles, DmarcProperties properties) {
        this.history = Objects.requireNonNull(history, "history");
        this.historyFiles = Objects.requireNonNull(historyFiles, "historyFiles");
        DmarcSettings settings = history.settings();
        // The ledger's retention is a report setting: a wrong report.* value stops James here, at start-up.
        ReportSettings reports = properties.reports();
        // The inbound reports expire by report.inboundRetention even when the history is kept forever (0 days).
        this.retention = Optional.of(HistoryRetention.schedule(history::expireBefore,
                Optional.of(new HistoryRetention.Ledger(history::expireLedgerBefore, reports.ledgerRetention())),
                Optional.of(new HistoryRetention.Inbound(history::expireInboundBefore, reports.inboundRetention())),
                settings.retentionDays(), settings.batchSize(), Clock.systemUTC(),
                Duration.ofMinutes(RETENTION_FIRST_DELAY_MINUTES), Duration.ofDays(1)));
        this.rollupSlice = reports.period();
        this.rollup = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dmarc-report-rollup");
            t.setDaemon(true);
            return t;
        });
        rollup.scheduleWithFixedDelay(this::rollUp, ROLLUP_INTERVAL_SECONDS, ROLLUP_INTERVAL_SECONDS, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(this::fallback, "dmarc-history-shutdown"));
    }

    private void rollUp() {
        try {
            ReportRollup.Result r = history.rollUp(rollupSlice);
            if (r.messages() > 0) {
                LOG.debug("DMARC history: {} messages rolled up into the report counters in {} ms", r.messages(),
                        r.took().toMillis());
            }
            if (rollupFailing) {
                rollupFailing = false;
                LOG.info("DMARC history: rolling up the report counters works again");
            }
        } catch (RuntimeException e) {
            if (!rollupFailing) {
                rollupFailing = true;
                LOG.warn("DMARC history: rolling up the report counters failed ({}); retrying every {} s", e.getMessage(),
                        ROLLUP_INTERVAL_SECONDS);
            }
        }
    }

    /**
     * Stops the retention task, writes what is queued for the OpenDMARC history files ({@link HistoryFiles}) and
     * flushes the history (to the database, or leaves the rest in the journal). Called
     * by James's lifecycle; idempotent.
     */
    @PreDestroy
    void close() {
        closeOnce("James is stopping, its mail processing stopped");
    }

    boolean isClosed() {
        return closed.get();
    }

    private void closeOnce(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("DMARC history: {}; closing the history", why);
        try {
            retention.ifPresent(HistoryRetention::close);
            rollup.shutdownNow();
            historyFiles.close();
            history.close();
        } catch (RuntimeException e) {
            LOG.warn("DMARC history: closing failed: {}", e.toString());
        } finally {
            done.countDown();
        }
    }

    /** The JVM hook: James's lifecycle normally closes first; if it has not within the wait, close here. */
    private void fallback() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FALLBACK_WAIT_SECONDS);
        try {
            while (!closed.get() && !history.isClosed() && System.nanoTime() < deadline) {
                done.await(50, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeOnce(history.isClosed() ? "JVM shutdown" : "James's lifecycle did not close the history within "
                + FALLBACK_WAIT_SECONDS + " s of the JVM shutdown (fallback)");
    }
}
