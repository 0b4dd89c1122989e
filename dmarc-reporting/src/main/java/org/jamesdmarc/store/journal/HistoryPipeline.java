package org.jamesdmarc.store.journal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands entries from the mail path to a {@link BatchSink} (the database) without ever making mail wait for it.
 *
 * <ul>
 *   <li>{@link #offer} (default, queue-first mode) only takes a short lock: the entry goes into a bounded
 *       in-memory queue; when that is full, into the {@link Journal} (a local append and fsync, never the sink,
 *       shared by the mail threads overflowing at the same time);
 *       when the journal is at its cap, it is dropped, counted and logged (rate-limited). It never throws.</li>
 *   <li>One background writer thread drains the queue in batches of at most {@code batchSize} and writes them
 *       to the sink. When the sink throws, the batch is journaled and the sink is retried with exponential
 *       backoff ({@code minBackoff} doubling up to {@code maxBackoff}).</li>
 *   <li>While the journal holds entries (at start-up, after a failure, after an overflow), it is replayed to
 *       the sink oldest first, so journaled entries reach the sink in the order they reached the journal.
 *       Queued entries are journaled only while the sink is failing (in backoff); with a working sink they go
 *       straight to it even while a backlog exists, so they may overtake journaled entries (and an entry
 *       journaled because the queue was full may overtake entries still in the queue): order is promised
 *       among journaled entries only. The writer replays the whole backlog before it takes the queue, except
 *       when the queue is at least half full: then it writes one queue batch after each replayed batch, so the
 *       queue keeps room and offers do not all overflow into the (slower, fsync'd) journal.</li>
 *   <li>{@link #close} stops taking entries into the queue, replays the journal's backlog and flushes the queue
 *       to the sink (or, if the sink fails, to the journal) and closes the journal; what is left in the journal
 *       is replayed at the next start.</li>
 * </ul>
 *
 * <p><b>Delivery contract</b>: at least once. A replayed batch is acknowledged in the journal only after the
 * sink's {@code write} returned, so a crash or failure in between delivers it again; the sink is idempotent by
 * {@link HistoryCodec#key key} (see {@link BatchSink}), so each entry is stored once. A sink that throws is
 * assumed to have stored nothing it reports as stored; entries it stored anyway are absorbed the same way.
 *
 * <p><b>Journal-first mode</b> ({@link Settings#journalFirst()}): {@link #offer} appends to the journal through a
 * group commit (concurrent offers share one write and one fsync) and returns once the entry is on disk; the
 * writer only replays the journal. A {@code kill -9} then loses nothing that {@code offer} accepted — the price is
 * a local fsync on the mail path (never the database). The default, queue-first mode, loses the queued entries
 * to a {@code kill -9} but costs the mail path nothing but a short lock.
 *
 * <p>Counters: {@link #counters()} and a {@link HistoryListener}.
 *
 * @param <T> the entry type
 */
public final class HistoryPipeline<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryPipeline.class);
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(5);

    /**
     * Tuning.
     *
     * @param queueCapacity   entries the in-memory queue holds
     * @param batchSize       the most entries per sink write (and per journal replay step)
     * @param minBackoff      the first wait after the sink failed
     * @param maxBackoff      the longest wait between attempts while the sink keeps failing
     * @param shutdownTimeout how long {@link #close} waits for the writer to flush
     * @param journalFirst    {@code false} (the default): {@link #offer} queues in memory, and a {@code kill -9}
     *                        loses what was still queued. {@code true}: {@link #offer} returns only once the entry
     *                        is fsync'd in the journal (group commit: concurrent offers share one fsync), and the
     *                        writer replays the journal to the sink — nothing offered is lost to a crash, at the
     *                        price of a local fsync (never the database) on the mail path
     */
    public record Settings(int queueCapacity, int batchSize, Duration minBackoff, Duration maxBackoff,
            Duration shutdownTimeout, boolean journalFirst) {

        public static final Settings DEFAULTS = new Settings(100_000, 500, Duration.ofMillis(500),
                Duration.ofSeconds(30), Duration.ofSeconds(10), false);

        public Settings {
            if (queueCapacity <= 0 || batchSize <= 0) {
                throw new IllegalArgumentException("queue capacity and batch size must be positive");
            }
            if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0
                    || shutdownTimeout.isNegative()) {
                throw new IllegalArgumentException("need 0 < minBackoff <= maxBackoff and shutdownTimeout >= 0");
            }
        }

        /** In-memory queue first ({@code journalFirst = false}). */
        public Settings(int queueCapacity, int batchSize, Duration minBackoff, Duration maxBackoff,
                Duration shutdownTimeout) {
            this(queueCapacity, batchSize, minBackoff, maxBackoff, shutdownTimeout, false);
        }

        public Settings withJournalFirst(boolean value) {
            return new Settings(queueCapacity, batchSize, minBackoff, maxBackoff, shutdownTimeout, value);
        }
    }

    private final Journal journal;
    private final BatchSink<T> sink;
    private final HistoryCodec<T> codec;
    private final Settings settings;
    private final HistoryListener listener;
    private final Thread writer;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<T> queue;
    private boolean stopping;

    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong journaled = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);

    private final GroupCommit groupCommit = new GroupCommit();

    // Writer-thread state.
    private long retryAtNanos;
    private long backoffNanos;
    private long failuresInARow;
    private long lastFailureLogNanos;

    private HistoryPipeline(Journal journal, BatchSink<T> sink, HistoryCodec<T> codec, Settings settings,
            HistoryListener listener, String threadName) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.queue = new ArrayDeque<>(Math.min(settings.queueCapacity(), 1024));
        this.writer = new Thread(this::run, threadName);
        this.writer.setDaemon(true);
        this.retryAtNanos = System.nanoTime();
    }

    /**
     * Starts a pipeline: its writer thread replays what {@code journal} holds, then delivers new entries. The
     * pipeline owns the journal from now on and closes it in {@link #close}.
     */
    public static <T> HistoryPipeline<T> start(Journal journal, BatchSink<T> sink, HistoryCodec<T> codec,
            Settings settings, HistoryListener listener) {
        HistoryPipeline<T> pipeline = new HistoryPipeline<>(journal, sink, codec, settings, listener,
                "dmarc-history-writer");
        pipeline.writer.start();
        return pipeline;
    }

    /** Takes {@code entry} without waiting for the sink; see the class comment. Never throws. */
    public OfferResult offer(T entry) {
        Objects.requireNonNull(entry, "entry");
        if (settings.journalFirst()) {
            return offerDurably(entry);
        }
        boolean inQueue = false;
        lock.lock();
        try {
            if (!stopping && queue.size() < settings.queueCapacity()) {
                queue.addLast(entry);
                work.signal();
                inQueue = true;
            }
        } finally {
            lock.unlock();
        }
        if (inQueue) {
            queued.incrementAndGet();
            listener.onQueued(1);
            return OfferResult.QUEUED;
        }
        // Queue full (or closing): to the journal, sharing the fsync with other mail threads overflowing now.
        return offerDurably(entry);
    }

    /** Appends through the group commit (journal-first mode, or queue overflow), then wakes the writer. */
    private OfferResult offerDurably(T entry) {
        JournalEntry encoded;
        try {
            encoded = new JournalEntry(codec.key(entry), codec.encode(entry));
        } catch (RuntimeException e) {
            LOG.warn("DMARC history entry cannot be encoded, dropped: {}", e.toString());
            countDropped(1);
            return OfferResult.DROPPED;
        }
        if (!groupCommit.commit(encoded)) {
            return OfferResult.DROPPED;
        }
        wakeWriter(); // it may be idle with an empty queue: the journaled entry is its work now
        return OfferResult.JOURNALED;
    }

    private void wakeWriter() {
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The counters now. */
    public HistoryCounters counters() {
        return new HistoryCounters(queued.get(), written.get(), journaled.get(), dropped.get(), replayed.get());
    }

    /** Entries waiting in the journal. */
    public long journalBacklog() {
        return journal.pendingEntries();
    }

    /**
     * Stops the queue, lets the writer flush it (to the sink, or to the journal) within the shutdown timeout,
     * then closes the journal. Entries offered from now on are journaled until the journal is closed, then
     * dropped. A sink still busy after the timeout is interrupted and the queue is journaled by the caller; the
     * batch in the sink's hands is journaled if the sink gives up within a second, else counted as dropped
     * when it does.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            stopping = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(settings.shutdownTimeout().toMillis() + 1);
            if (writer.isAlive()) {
                LOG.warn("DMARC history writer still busy after {}; interrupting it and journaling the queue",
                        settings.shutdownTimeout());
                writer.interrupt();
                journalAll(drainAll());
                writer.join(TimeUnit.SECONDS.toMillis(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            journalAll(drainAll());
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("DMARC history journal {} did not close cleanly: {}", journal.directory(), e.toString());
        }
    }

    // --- writer thread --------------------------------------------------------------------------------------

    private void run() {
        try {
            while (true) {
                if (journal.pendingEntries() > 0 && System.nanoTime() - retryAtNanos >= 0) {
                    replayJournal();
                }
                List<T> batch = awaitBatch();
                if (batch == null) {
                    break;
                }
                if (!batch.isEmpty()) {
                    deliver(batch, inBackoff());
                }
            }
            if (!inBackoff()) {
                // Shutdown with a working sink: the backlog first (within the timeout), then the queue.
                replayJournal(true);
            }
            // Shutdown: one last attempt at the sink unless it is failing or a backlog must go first.
            List<T> rest = drainAll();
            for (int from = 0; from < rest.size(); from += settings.batchSize()) {
                deliver(rest.subList(from, Math.min(rest.size(), from + settings.batchSize())), inBackoff());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("DMARC history writer failed; journaling what is queued", e);
            journalAll(drainAll());
        }
    }

    /** The next batch; empty when woken for a retry; {@code null} when stopping. */
    private List<T> awaitBatch() {
        lock.lock();
        try {
            while (queue.isEmpty() && !stopping) {
                if (journal.pendingEntries() > 0) {
                    long wait = retryAtNanos - System.nanoTime();
                    if (wait <= 0) {
                        return List.of();
                    }
                    work.awaitNanos(wait);
                } else {
                    work.await();
                }
            }
            if (stopping) {
                return null;
            }
            List<T> batch = new ArrayList<>(Math.min(queue.size(), settings.batchSize()));
            while (!queue.isEmpty() && batch.size() < settings.batchSize()) {
                batch.add(queue.pollFirst());
            }
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** A batch from the queue when it is at least half full, else nothing. */
    private List<T> drainIfHalfFull() {
        lock.lock();
        try {
            if (stopping || queue.size() < Math.max(1, settings.queueCapacity() / 2)) {
                return List.of();
            }
            List<T> batch = new ArrayList<>(Math.min(queue.size(), settings.batchSize()));
            while (!queue.isEmpty() && batch.size() < settings.batchSize()) {
                batch.add(queue.pollFirst());
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private List<T> drainAll() {
        lock.lock();
        try {
            List<T> all = new ArrayList<>(queue);
            queue.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    private void deliver(List<T> batch, boolean journalOnly) {
        if (!journalOnly) {
            try {
                sink.write(batch);
                written.addAndGet(batch.size());
                listener.onWritten(batch.size());
                recovered();
                return;
            } catch (Exception e) {
                failed(e);
            }
        }
        journalAll(batch);
    }

    /** Replays the journal until it is empty, the sink fails, or shutdown begins. */
    private void replayJournal() {
        replayJournal(false);
    }

    private void replayJournal(boolean evenWhenStopping) {
        while (journal.pendingEntries() > 0 && (evenWhenStopping || !isStopping())) {
            ReadBatch read;
            try {
                read = journal.read(settings.batchSize());
            } catch (IOException e) {
                failed(e);
                return;
            }
            if (read.isEmpty() && read.end().equals(read.start())) {
                LOG.warn("DMARC history journal {} counts {} pending entries but has none to read",
                        journal.directory(), journal.pendingEntries());
                return;
            }
            List<T> decoded = new ArrayList<>(read.entries().size());
            for (JournalEntry entry : read.entries()) {
                try {
                    decoded.add(codec.decode(entry.payload()));
                } catch (Exception e) {
                    LOG.warn("DMARC history journal entry {} cannot be decoded, dropped: {}", entry.key(), e.toString());
                    countDropped(1);
                }
            }
            try {
                if (!decoded.isEmpty()) {
                    sink.write(decoded);
                }
            } catch (Exception e) {
                failed(e);
                return;
            }
            written.addAndGet(decoded.size());
            replayed.addAndGet(decoded.size());
            listener.onWritten(decoded.size());
            listener.onReplayed(decoded.size());
            recovered();
            try {
                journal.acknowledge(read);
            } catch (IOException | IllegalStateException e) {
                // Stored but not acknowledged: delivered again later, which the sink's idempotent keys absorb.
                failed(e);
                return;
            }
            if (!evenWhenStopping) {
                List<T> pressing = drainIfHalfFull();
                if (!pressing.isEmpty()) {
                    // A long backlog must not keep the queue full: offers would all overflow to the journal.
                    deliver(pressing, inBackoff());
                }
            }
        }
        if (journal.pendingEntries() == 0 && replayed.get() > 0) {
            LOG.debug("DMARC history journal replayed; {} entries replayed so far", replayed.get());
        }
    }

    private void failed(Exception e) {
        long min = settings.minBackoff().toNanos();
        boolean first = backoffNanos == 0;
        backoffNanos = first ? min : Math.min(settings.maxBackoff().toNanos(), backoffNanos * 2);
        retryAtNanos = System.nanoTime() + backoffNanos;
        failuresInARow++;
        long now = System.nanoTime();
        // One line when the sink starts failing, then one every few minutes while it keeps failing (the database
        // may stay down for hours; a line per retry would bury the log).
        if (first || now - lastFailureLogNanos >= FAILURE_LOG_INTERVAL_NANOS) {
            lastFailureLogNanos = now;
            LOG.warn("DMARC history store failed{} ({}); journaling ({} entries waiting), next attempt in {} ms",
                    failuresInARow > 1 ? " " + failuresInARow + " times in a row" : "", describe(e),
                    journal.pendingEntries(), TimeUnit.NANOSECONDS.toMillis(backoffNanos));
        } else {
            LOG.debug("DMARC history store failed again ({})", describe(e));
        }
    }

    /** The sink works again after failures: say so once. */
    private void recovered() {
        if (failuresInARow > 0) {
            LOG.info("DMARC history store works again after {} failed attempts; replaying the journal ({} entries)",
                    failuresInARow, journal.pendingEntries());
            failuresInARow = 0;
        }
        backoffNanos = 0;
    }

    /** An exception's message (its first line), or its class when it has none: store errors are one line already. */
    private static String describe(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.toString();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private boolean inBackoff() {
        return backoffNanos > 0 && retryAtNanos - System.nanoTime() > 0;
    }

    private boolean isStopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    // --- shared ---------------------------------------------------------------------------------------------

    /** Appends entries to the journal, counting journaled and dropped; returns how many were journaled. */
    private int journalAll(List<T> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        List<JournalEntry> encoded = new ArrayList<>(entries.size());
        try {
            for (T entry : entries) {
                encoded.add(new JournalEntry(codec.key(entry), codec.encode(entry)));
            }
        } catch (RuntimeException e) {
            LOG.warn("DMARC history entry cannot be encoded, dropped: {}", e.toString());
            countDropped(entries.size());
            return 0;
        }
        return appendCounted(encoded).appended();
    }

    /** Appends encoded entries, counting journaled and dropped (dropped ones also logged, rate-limited). */
    private AppendResult appendCounted(List<JournalEntry> encoded) {
        AppendResult result = journal.append(encoded);
        if (result.appended() > 0) {
            journaled.addAndGet(result.appended());
            listener.onJournaled(result.appended());
        }
        if (result.dropped() > 0) {
            countDropped(result.dropped());
            long now = System.nanoTime();
            long last = lastDropLog.get();
            if (now - last >= DROP_LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
                LOG.warn("DMARC history: {} entries dropped ({}; journal {} holds {} of {} bytes); {} dropped in total",
                        result.dropped(), result.reason(), journal.directory(), journal.sizeBytes(),
                        journal.capBytes(), dropped.get());
            }
        }
        return result;
    }

    /**
     * Leader-based group commit: the first caller with no append in progress becomes the leader, appends every
     * entry waiting (its own first among them) with one fsync, and tells each waiter whether its entry made it.
     */
    private final class GroupCommit {
        private final Object monitor = new Object();
        private List<JournalEntry> waiting = new ArrayList<>();
        private List<boolean[]> outcomes = new ArrayList<>();
        private boolean appending;

        /** Whether {@code entry} was appended and fsync'd. */
        boolean commit(JournalEntry entry) {
            boolean[] outcome = new boolean[2]; // [done, appended]
            List<JournalEntry> batch;
            List<boolean[]> batchOutcomes;
            boolean interrupted = false;
            synchronized (monitor) {
                waiting.add(entry);
                outcomes.add(outcome);
                while (appending && !outcome[0]) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // finish: the entry may already be on its way to disk
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (outcome[0]) {
                    return outcome[1];
                }
                appending = true;
                batch = waiting;
                batchOutcomes = outcomes;
                waiting = new ArrayList<>();
                outcomes = new ArrayList<>();
            }
            int appended = 0;
            try {
                appended = appendCounted(batch).appended();
            } finally {
                synchronized (monitor) {
                    for (int i = 0; i < batchOutcomes.size(); i++) {
                        batchOutcomes.get(i)[1] = i < appended;
                        batchOutcomes.get(i)[0] = true;
                    }
                    appending = false;
                    monitor.notifyAll();
                }
            }
            return outcome[1];
        }
    }

    private void countDropped(int count) {
        dropped.addAndGet(count);
        listener.onDropped(count);
    }
}
