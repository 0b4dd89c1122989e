package org.jamesdmarc.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationSink;
import org.jamesdmarc.store.journal.HistoryCounters;
import org.jamesdmarc.store.journal.HistoryListener;
import org.jamesdmarc.store.journal.HistoryPipeline;
import org.jamesdmarc.store.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation history of a running James: the {@link EvaluationSink} the mailets and the SMTP hook hand their
 * records to, one per process. A {@link HistoryPipeline} over the local {@link Journal} in
 * {@link DmarcSettings#journalDir()} delivers them to the {@link JdbcHistoryStore} of {@link DmarcSettings#store()}.
 *
 * <ul>
 *   <li>{@link #accept} never throws and never waits on the database: with {@code history.durability=journal} it
 *       returns once the record is written into the journal (a group commit shared by concurrent mails; also
 *       fsync'd first with {@code history.journalSync=always}, else fsync'd by a background thread within
 *       {@code history.journalSyncInterval}), with {@code queue} once it is in the in-memory queue.</li>
 *   <li>The store is opened (and migrated) in the background at start, so the first record does not wait for it,
 *       and again by the writer after a failure. A database that is down, unknown or refuses
 *       the credentials when James starts does not stop James: the pipeline logs one line naming the URL (without
 *       password) and the reason, journals every record, and retries with backoff (0.5 s doubling to 30 s),
 *       opening the store anew each time; when it works, the journal is replayed in order. The store is idempotent
 *       by {@link org.jamesdmarc.check.MessageKey}, so a replay stores nothing twice.</li>
 *   <li>{@link #close} flushes the queue and the journal's backlog to the database when it works (else leaves them
 *       in the journal, replayed at the next start) and closes the store. Idempotent.</li>
 * </ul>
 */
public final class EvaluationHistory implements EvaluationSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationHistory.class);

    private final DmarcSettings settings;
    private final HistoryPipeline<EvaluationRecord> pipeline;
    private final LazyStoreSink sink;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** {@link System#nanoTime()} of the last {@link #accept}: how {@link #awaitQuiet} tells mail is still flowing. */
    private volatile long lastAcceptNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    private EvaluationHistory(DmarcSettings settings, HistoryPipeline<EvaluationRecord> pipeline, LazyStoreSink sink) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.sink = sink;
    }

    /**
     * Opens the journal and starts delivering to the database of {@code settings} (opened in the background).
     *
     * @param listener hears the counters change (metrics)
     * @throws SettingsException when the journal directory cannot be created, read or locked (another process
     *                           uses it)
     */
    public static EvaluationHistory start(DmarcSettings settings, HistoryListener listener) {
        return start(settings, listener, JdbcHistoryStore::open, settings.pipelineSettings());
    }

    /** {@link #start(DmarcSettings, HistoryListener)} with another store opener and pipeline tuning (tests). */
    static EvaluationHistory start(DmarcSettings settings, HistoryListener listener,
            Function<StoreConfig, HistoryStore> opener, HistoryPipeline.Settings pipelineSettings) {
        Objects.requireNonNull(settings, "settings");
        Journal journal;
        try {
            journal = Journal.open(settings.journalDir(), settings.journalMaxBytes());
        } catch (IOException | RuntimeException e) {
            throw new SettingsException(settings.file() + ": " + DmarcSettings.JOURNAL_DIR
                    + ": cannot open the history journal " + settings.journalDir() + ": "
                    + DatabaseErrors.firstLine(e), e);
        }
        long backlog = journal.pendingEntries();
        LazyStoreSink sink = new LazyStoreSink(settings.store(), opener);
        HistoryPipeline<EvaluationRecord> pipeline = HistoryPipeline.start(journal, sink,
                EvaluationJournalCodec.INSTANCE, pipelineSettings, listener);
        LOG.info("DMARC history: recording into {} ({} durability, {} writer{}, journal {} fsync'd {}{})",
                settings.store().redactedUrl(), settings.durability().keyword(), pipelineSettings.writers(),
                pipelineSettings.writers() == 1 ? "" : "s", settings.journalDir(),
                pipelineSettings.journalSync() == org.jamesdmarc.store.journal.JournalSync.ALWAYS ? "before each mail goes on"
                        : "every " + pipelineSettings.syncInterval().toMillis() + " ms",
                backlog > 0 ? ", " + backlog + " journaled records to replay" : "");
        openInBackground(sink);
        return new EvaluationHistory(settings, pipeline, sink);
    }

    /**
     * Opens (and migrates) the store now rather than with the first record, so the first mail's record is not
     * delayed by it. A failure here is left to the writer, which logs it once and retries with backoff.
     */
    private static void openInBackground(LazyStoreSink sink) {
        Thread t = new Thread(() -> {
            try {
                sink.store();
            } catch (RuntimeException e) {
                LOG.debug("DMARC history: store not opened at start-up, the writer retries: {}", e.toString());
            }
        }, "dmarc-history-open");
        t.setDaemon(true);
        t.start();
    }

    /** Takes {@code record} for the history without waiting on the database; never throws. */
    @Override
    public void accept(EvaluationRecord record) {
        if (record == null) {
            return;
        }
        lastAcceptNanos = System.nanoTime();
        try {
            pipeline.offer(record);
        } catch (RuntimeException e) {
            // The pipeline does not throw; should it ever, history must not fail the mail.
            LOG.warn("DMARC history: record {} not taken: {}", record.key().value(), e.toString());
        }
    }

    /**
     * Waits, at most {@code max}, until no record has been accepted for {@code quiet}; returns whether it got quiet.
     * At JVM shutdown James's own hook finishes the mails in flight while ours runs: waiting for the records to stop
     * before {@link #close} keeps the last mails' records instead of dropping them (a record accepted after close is
     * dropped and counted).
     */
    public boolean awaitQuiet(Duration quiet, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() - lastAcceptNanos < quiet.toNanos()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(50, quiet.toMillis() / 4)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The counters since start: queued, written, journaled, dropped, replayed. */
    public HistoryCounters counters() {
        return pipeline.counters();
    }

    /** The journal's appends since start (how many entries an fsync carries; benchmarks). */
    public HistoryPipeline.AppendStats journalAppends() {
        return pipeline.journalAppends();
    }

    /** Records waiting in the journal for the database. */
    public long journalBacklog() {
        return pipeline.journalBacklog();
    }

    /** Whether the store is open (it is opened in the background at start, and again after a failure). */
    boolean storeOpen() {
        return sink.opened().isPresent();
    }

    /** The settings this history runs with. */
    public DmarcSettings settings() {
        return settings;
    }

    /**
     * Deletes the records evaluated before {@code cutoff} ({@link HistoryStore#expireBefore}), opening the store
     * if it is not open yet.
     *
     * @throws StoreException when the database cannot be opened or fails
     */
    public long expireBefore(Instant cutoff, int batchSize) {
        return sink.store().expireBefore(cutoff, batchSize);
    }

    /**
     * Deletes the report delivery ledger's periods that ended by {@code cutoff} ({@link ReportLedger#expireBefore}),
     * opening the store if it is not open yet; 0 on a store that is not a database's.
     *
     * @throws StoreException when the database cannot be opened or fails
     */
    public long expireLedgerBefore(Instant cutoff, int batchSize) {
        return sink.store() instanceof JdbcHistoryStore jdbc ? new ReportLedger(jdbc).expireBefore(cutoff, batchSize)
                : 0;
    }

    /**
     * Deletes the inbound reports older than {@code cutoff} ({@link InboundReportStore#expireBefore}), opening the
     * store if it is not open yet; the aggregate reports deleted, 0 on a store that is not a database's.
     *
     * @throws StoreException when the database cannot be opened or fails
     */
    public long expireInboundBefore(Instant cutoff, int batchSize) {
        return sink.store() instanceof JdbcHistoryStore jdbc
                ? new InboundReportStore(jdbc).expireBefore(cutoff, batchSize).reports() : 0;
    }

    /**
     * Rolls the messages stored so far up into the report counters, keyed by {@code slice} (the report period;
     * {@link ReportRollup}), opening the store if it is not open yet. Nothing to do for a store without counters.
     *
     * @throws StoreException when the database cannot be opened or fails
     */
    public ReportRollup.Result rollUp(java.time.Duration slice) {
        if (sink.store() instanceof JdbcHistoryStore jdbc) {
            return new ReportRollup(jdbc, slice).rollUp();
        }
        return new ReportRollup.Result(0, 0, 0, java.time.Duration.ZERO);
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Flushes what it can to the database, leaves the rest in the journal, and closes the store. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            pipeline.close();
        } finally {
            sink.close();
        }
        HistoryCounters c = pipeline.counters();
        LOG.info("DMARC history closed: {} written, {} journaled, {} dropped; {} records left in the journal {}",
                c.written(), c.journaled(), c.dropped(), pipeline.journalBacklog(), settings.journalDir());
    }
}
