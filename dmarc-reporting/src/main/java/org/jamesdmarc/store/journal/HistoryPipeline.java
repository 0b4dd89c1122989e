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
 *       in-memory queue; when that is full, into the {@link Journal} (a local append — fsync'd as {@link Settings#journalSync()} says — never the sink,
 *       shared by the mail threads overflowing at the same time);
 *       when the journal is at its cap, it is dropped, counted and logged (rate-limited). It never throws.</li>
 *   <li>{@link Settings#writers()} background writer threads (default {@value Settings#DEFAULT_WRITERS}) each take
 *       a whole batch of at most {@code batchSize} entries and write it to the sink, concurrently with the others
 *       (one database connection each: the database works on several batches at once). When the sink throws, a
 *       queued batch is journaled and the sink is retried with exponential backoff ({@code minBackoff} doubling up
 *       to {@code maxBackoff}), shared by all writers.</li>
 *   <li>While the journal holds entries (at start-up, after a failure, after an overflow), it is replayed to the
 *       sink oldest first: one writer at a time reads the next batch, so batches are handed out in journal order;
 *       with several writers, up to that many consecutive batches are written at once and may commit in any order
 *       among themselves. Queued entries are journaled only while the sink is failing (in backoff); with a working
 *       sink they go straight to it even while a backlog exists, so they may overtake journaled entries (and an
 *       entry journaled because the queue was full may overtake entries still in the queue): order is promised
 *       among journaled entries only, batch by batch. The writers take journal work before the queue, except when
 *       the queue is at least half full: then it gets a batch first, so offers do not all overflow into the
 *       (slower, fsync'd) journal.</li>
 *   <li><b>Acknowledging</b>: the journal's checkpoint only moves over a run of batches that are all written
 *       (a batch written early waits for the ones before it), to the end of the longest such run from the
 *       checkpoint; at most every {@value #ACK_INTERVAL_MILLIS} ms (the checkpoint costs fsyncs), by a writer that
 *       has just written a batch or has nothing else to do. A segment is deleted only when every entry in it
 *       is acknowledged.</li>
 *   <li>{@link #close} stops taking entries into the queue, lets the writers replay the journal's backlog and
 *       flush the queue to the sink (or, if the sink fails, to the journal), acknowledges what was written and
 *       closes the journal; what is left in the journal is replayed at the next start.</li>
 * </ul>
 *
 * <p><b>Delivery contract</b>: at least once. A journaled batch is acknowledged in the journal only after the
 * sink's {@code write} returned for it and for every batch before it, so a crash or failure in between delivers it
 * again; the sink is idempotent by {@link HistoryCodec#key key} (see {@link BatchSink}), so each entry is stored
 * once. A sink that throws is assumed to have stored nothing it reports as stored; entries it stored anyway are
 * absorbed the same way. After a failed journal batch the writers forget what they hold from the journal and
 * read it again from the end of the written run, once the backoff is over.
 *
 * <p><b>Journal-first mode</b> ({@link Settings#journalFirst()}): {@link #offer} appends to the journal through a
 * group commit (concurrent offers share one write) and returns once the entry is written. The
 * appended entries are also kept in memory (up to {@code queueCapacity} of them, in journal order), and the
 * writers store them from there — no read or decode of the journal — acknowledging their journal positions once
 * written; the journal is read back only for what memory could not hold, after a failure, and at start-up. A
 * {@code kill -9} then loses nothing that {@code offer} accepted. The default, queue-first mode, loses the queued
 * entries to a {@code kill -9} but costs the mail path nothing but a short lock.
 *
 * <p><b>fsync</b> ({@link Settings#journalSync()}): with {@link JournalSync#INTERVAL} (the default) an append is a
 * {@code write()} only — in the kernel, so it survives the death of this process — and a syncer thread fsyncs the
 * journal at most every {@link Settings#syncInterval()} (one fsync per batch of appends, off the mail path), and
 * always before the checkpoint moves and at close; a power loss or OS crash may lose the entries of the last
 * interval not yet stored. With {@link JournalSync#ALWAYS} each group commit is fsync'd before {@code offer}
 * returns: with {@code T} mail threads offering at once, at most {@code T} entries share an fsync, so the mail
 * path accepts at most about {@code T} / (fsync latency) entries per second.
 *
 * <p>Counters: {@link #counters()} and a {@link HistoryListener}; {@code replayed} counts the journaled entries
 * stored (from memory or read back), a part of {@code written}.
 *
 * @param <T> the entry type
 */
public final class HistoryPipeline<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryPipeline.class);
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(5);
    /**
     * While batches keep coming, the journal's checkpoint (a file write, an fsync, a rename and a directory fsync)
     * is moved at most this often (also when the writers have nothing else to do). A crash replays what was
     * written since (duplicates the sink's keys absorb).
     */
    static final long ACK_INTERVAL_MILLIS = 100;
    /** How long a writer waits for a fuller batch while another writer is busy. */
    static final long LINGER_MILLIS = 20;
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
    /**
     * A partial batch is taken at most this often while no writer is busy: the first entry after a pause is written
     * at once, but a steady stream (one mail every few ms) is written in batches gathered over this time instead of
     * one transaction per one or two entries (which cost the database and the writer ~1.5 ms of CPU per entry in
     * the whole-James benchmark). Bounds the added delay of an entry.
     */
    static final long GATHER_MILLIS = 100;
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(GATHER_MILLIS);
    private static final long ACK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(ACK_INTERVAL_MILLIS);

    /**
     * Tuning.
     *
     * @param queueCapacity   entries the in-memory queue holds (journal-first mode: the journaled entries also
     *                        kept in memory for the writers; past it they are read back from the journal)
     * @param batchSize       the most entries per sink write (and per journal replay step)
     * @param minBackoff      the first wait after the sink failed
     * @param maxBackoff      the longest wait between attempts while the sink keeps failing
     * @param shutdownTimeout how long {@link #close} waits for the writers to flush
     * @param journalFirst    {@code false} (the default): {@link #offer} queues in memory, and a {@code kill -9}
     *                        loses what was still queued. {@code true}: {@link #offer} returns only once the entry
     *                        is written to the journal (group commit: concurrent offers share one write, and with
     *                        {@link JournalSync#ALWAYS} one fsync), and the writers store the journaled entries —
     *                        nothing offered is lost to a process crash, at the price of a local write (never the
     *                        database) on the mail path
     * @param writers         writer threads, each writing whole batches to the sink concurrently (1 to
     *                        {@value #MAX_WRITERS}); the shorter constructors give one
     * @param journalSync     whether an append is fsync'd before {@code offer} returns ({@link JournalSync#ALWAYS})
     *                        or by a syncer thread ({@link JournalSync#INTERVAL}, the shorter constructors' choice)
     * @param syncInterval    with {@link JournalSync#INTERVAL}, how long at most between an append and its fsync
     *                        (about; the syncer's fsync itself takes time)
     */
    public record Settings(int queueCapacity, int batchSize, Duration minBackoff, Duration maxBackoff,
            Duration shutdownTimeout, boolean journalFirst, int writers, JournalSync journalSync,
            Duration syncInterval) {

        public static final int DEFAULT_WRITERS = 2;
        public static final int MAX_WRITERS = 64;
        /** How often, at most, the syncer fsyncs the journal with {@link JournalSync#INTERVAL}. */
        public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(50);

        public static final Settings DEFAULTS = new Settings(100_000, 500, Duration.ofMillis(500),
                Duration.ofSeconds(30), Duration.ofSeconds(10), false, DEFAULT_WRITERS);

        public Settings {
            if (queueCapacity <= 0 || batchSize <= 0) {
                throw new IllegalArgumentException("queue capacity and batch size must be positive");
            }
            if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0
                    || shutdownTimeout.isNegative()) {
                throw new IllegalArgumentException("need 0 < minBackoff <= maxBackoff and shutdownTimeout >= 0");
            }
            if (writers < 1 || writers > MAX_WRITERS) {
                throw new IllegalArgumentException("writers must be from 1 to " + MAX_WRITERS + ": " + writers);
            }
            Objects.requireNonNull(journalSync, "journalSync");
            if (syncInterval.isNegative() || syncInterval.isZero()) {
                throw new IllegalArgumentException("syncInterval must be positive: " + syncInterval);
            }
        }

        /** {@link JournalSync#INTERVAL} every {@link #DEFAULT_SYNC_INTERVAL}: the journal fsync'd off the mail path. */
        public Settings(int queueCapacity, int batchSize, Duration minBackoff, Duration maxBackoff,
                Duration shutdownTimeout, boolean journalFirst, int writers) {
            this(queueCapacity, batchSize, minBackoff, maxBackoff, shutdownTimeout, journalFirst, writers,
                    JournalSync.INTERVAL, DEFAULT_SYNC_INTERVAL);
        }

        /** One writer. */
        public Settings(int queueCapacity, int batchSize, Duration minBackoff, Duration maxBackoff,
                Duration shutdownTimeout, boolean journalFirst) {
            this(queueCapacity, batchSize, minBackoff, maxBackoff, shutdownTimeout, journalFirst, 1);
        }

        /** In-memory queue first ({@code journalFirst = false}), one writer. */
        public Settings(int queueCapacity, int batchSize, Duration minBackoff, Duration maxBackoff,
                Duration shutdownTimeout) {
            this(queueCapacity, batchSize, minBackoff, maxBackoff, shutdownTimeout, false, 1);
        }

        public Settings withJournalFirst(boolean value) {
            return new Settings(queueCapacity, batchSize, minBackoff, maxBackoff, shutdownTimeout, value, writers,
                    journalSync, syncInterval);
        }

        public Settings withWriters(int value) {
            return new Settings(queueCapacity, batchSize, minBackoff, maxBackoff, shutdownTimeout, journalFirst, value,
                    journalSync, syncInterval);
        }

        public Settings withJournalSync(JournalSync value, Duration interval) {
            return new Settings(queueCapacity, batchSize, minBackoff, maxBackoff, shutdownTimeout, journalFirst,
                    writers, value, interval);
        }
    }

    private final Journal journal;
    private final BatchSink<T> sink;
    private final HistoryCodec<T> codec;
    private final Settings settings;
    private final HistoryListener listener;
    private final List<Thread> writers = new ArrayList<>();
    /** Fsyncs the journal every {@link Settings#syncInterval()} ({@link JournalSync#INTERVAL}); else {@code null}. */
    private final Thread syncer;
    private volatile boolean syncerStop;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong lastSyncFailureLog = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);

    /** Guards the queue, the journal cursor below and {@code stopping}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<T> queue;
    private boolean stopping;

    // --- the journal cursor (guarded by lock) ---
    /** Journaled entries also held in memory (journal-first mode), in journal order, all before {@link #readPosition}. */
    private final ArrayDeque<Kept<T>> kept = new ArrayDeque<>();
    /** Everything before it is handed to a writer or in {@link #kept}; the journal is read from here. */
    private JournalPosition readPosition;
    /**
     * The journal's end as far as the writers know: the pipeline is the journal's only appender and moves it after
     * each append, so deciding what to do next never waits on the journal's lock (held during fsyncs).
     */
    private JournalPosition knownEnd;
    /** A writer is reading the journal from {@link #readPosition} (one at a time, so batches keep journal order). */
    private boolean reading;
    /** Journal batches handed to writers and not yet acknowledged, in journal order. */
    private final ArrayDeque<Ticket> inFlight = new ArrayDeque<>();
    /** Everything before it is written (the end of the longest run of written batches from the checkpoint). */
    private JournalPosition doneEnd;
    /** Journal entries before {@link #doneEnd} not yet acknowledged in the journal. */
    private long doneEntries;
    /** What the journal's checkpoint is (or is being moved to). */
    private JournalPosition ackedEnd;
    private boolean acking;
    /** Writers busy with a task. */
    private int busy;
    private long lastAckNanos;
    /** When a writer last took a batch from memory (kept or queued), for {@link #GATHER_MILLIS}. */
    private long lastBatchNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    /**
     * Writers waiting to gather a fuller batch (an exact count: several may, and one leaving does not clear the
     * others'): while any does, offers need not wake a writer for every entry.
     */
    private int gatheringWriters;
    /** Bumped when the cursor is reset after a failure: tickets of an older generation are ignored. */
    private long generation;

    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong journaled = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong appendNanos = new AtomicLong();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);

    private final GroupCommit groupCommit = new GroupCommit();
    private final Backoff backoff = new Backoff();

    /** A journaled entry kept in memory, and the journal position just after it. */
    private record Kept<T>(T entry, JournalPosition end) {
    }

    /** A journal batch in a writer's hands: where it ends, how many journal entries it holds, whether written. */
    private static final class Ticket {
        final long generation;
        JournalPosition end;
        long entries;
        boolean done;

        Ticket(long generation, JournalPosition end, long entries) {
            this.generation = generation;
            this.end = end;
            this.entries = entries;
        }
    }

    /** What a writer does next. */
    private sealed interface Task<T> {
    }

    /** Queued entries: to the sink, or (sink in backoff) to the journal. */
    private record QueueBatch<T>(List<T> entries, boolean journalOnly) implements Task<T> {
    }

    /** Journaled entries kept in memory. */
    private record KeptBatch<T>(List<T> entries, Ticket ticket) implements Task<T> {
    }

    /** Move the journal's checkpoint over what is written. */
    private record Acknowledge<T>() implements Task<T> {
    }

    /** Read the next batch from the journal at {@code from}. */
    private record JournalRead<T>(JournalPosition from, Ticket ticket) implements Task<T> {
    }

    private HistoryPipeline(Journal journal, BatchSink<T> sink, HistoryCodec<T> codec, Settings settings,
            HistoryListener listener) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.queue = new ArrayDeque<>(Math.min(settings.queueCapacity(), 1024));
        this.readPosition = journal.checkpoint();
        this.knownEnd = journal.end();
        this.doneEnd = readPosition;
        this.ackedEnd = readPosition;
        this.lastAckNanos = System.nanoTime();
        for (int i = 0; i < settings.writers(); i++) {
            Thread t = new Thread(this::run, settings.writers() == 1 ? "dmarc-history-writer"
                    : "dmarc-history-writer-" + (i + 1));
            t.setDaemon(true);
            writers.add(t);
        }
        if (settings.journalSync() == JournalSync.INTERVAL) {
            syncer = new Thread(this::syncLoop, "dmarc-history-journal-sync");
            syncer.setDaemon(true);
        } else {
            syncer = null;
        }
    }

    /**
     * Starts a pipeline: its writer threads replay what {@code journal} holds, then deliver new entries. The
     * pipeline owns the journal from now on and closes it in {@link #close}.
     */
    public static <T> HistoryPipeline<T> start(Journal journal, BatchSink<T> sink, HistoryCodec<T> codec,
            Settings settings, HistoryListener listener) {
        HistoryPipeline<T> pipeline = new HistoryPipeline<>(journal, sink, codec, settings, listener);
        pipeline.writers.forEach(Thread::start);
        if (pipeline.syncer != null) {
            pipeline.syncer.start();
        }
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
                if (gatheringWriters == 0 || gathered()) {
                    work.signal(); // a gathering writer wakes by itself, unless its batch is full now
                }
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

    /** Appends through the group commit (journal-first mode, or queue overflow), then wakes a writer. */
    private OfferResult offerDurably(T entry) {
        JournalEntry encoded;
        try {
            encoded = new JournalEntry(codec.key(entry), codec.encode(entry));
        } catch (RuntimeException e) {
            LOG.warn("DMARC history entry cannot be encoded, dropped: {}", e.toString());
            countDropped(1);
            return OfferResult.DROPPED;
        }
        if (!groupCommit.commit(entry, encoded)) {
            return OfferResult.DROPPED;
        }
        return OfferResult.JOURNALED;
    }

    /**
     * Enough is waiting in memory to stop gathering (caller holds the lock): a full batch, or half of what memory
     * holds, so the kept entries never overflow to the journal while a writer waits.
     */
    private boolean gathered() {
        int enough = Math.max(1, Math.min(settings.batchSize(), settings.queueCapacity() / 2));
        return kept.size() >= enough || queue.size() >= enough;
    }

    /** The counters now. */
    public HistoryCounters counters() {
        return new HistoryCounters(queued.get(), written.get(), journaled.get(), dropped.get(), replayed.get());
    }

    /**
     * Journal appends so far (each one write, and with {@link JournalSync#ALWAYS} one fsync, shared by the entries
     * of a group commit), the nanoseconds spent in them and the syncer's fsyncs (benchmarks).
     */
    public AppendStats journalAppends() {
        return new AppendStats(appends.get(), journaled.get(), appendNanos.get(), syncs.get());
    }

    /**
     * Journal appends since start.
     *
     * @param appends each one write (and one fsync with {@link JournalSync#ALWAYS})
     * @param entries entries appended by them
     * @param nanos   time spent appending (writing, and fsyncing with {@link JournalSync#ALWAYS})
     * @param syncs   fsyncs by the syncer thread ({@link JournalSync#INTERVAL})
     */
    public record AppendStats(long appends, long entries, long nanos, long syncs) {
        @Override
        public String toString() {
            long n = Math.max(1, appends);
            return String.format(java.util.Locale.ROOT,
                    "%,d journal appends, %.1f entries and %.2f ms each; %,d syncer fsyncs",
                    appends, entries / (double) n, nanos / 1e6 / n, syncs);
        }
    }

    /** Entries waiting in the journal (not yet acknowledged: written ones leave it within about 100 ms). */
    public long journalBacklog() {
        return journal.pendingEntries();
    }

    /**
     * Stops the queue, lets the writers flush it (to the sink, or to the journal) within the shutdown timeout,
     * then closes the journal. Entries offered from now on are journaled until the journal is closed, then
     * dropped. A sink still busy after the timeout is interrupted and the queue is journaled by the caller; the
     * batches in the sink's hands are journaled if the sink gives up within a second, else counted as dropped
     * when it does (journal batches stay in the journal either way).
     */
    @Override
    public void close() {
        lock.lock();
        try {
            stopping = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
            for (Thread writer : writers) {
                writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1));
            }
            if (writers.stream().anyMatch(Thread::isAlive)) {
                LOG.warn("DMARC history writer still busy after {}; interrupting it and journaling the queue",
                        settings.shutdownTimeout());
                writers.forEach(Thread::interrupt);
                journalAll(drainAll());
                for (Thread writer : writers) {
                    writer.join(TimeUnit.SECONDS.toMillis(1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            journalAll(drainAll());
        }
        acknowledgeDone(true);
        stopSyncer();
        try {
            journal.close(); // fsyncs what is left
        } catch (IOException e) {
            LOG.warn("DMARC history journal {} did not close cleanly: {}", journal.directory(), e.toString());
        }
    }

    // --- writer threads -------------------------------------------------------------------------------------

    private void run() {
        try {
            Task<T> task;
            while ((task = nextTask()) != null) {
                try {
                    if (task instanceof QueueBatch<T> q) {
                        deliver(q.entries(), q.journalOnly());
                    } else if (task instanceof KeptBatch<T> k) {
                        writeJournaled(k.entries(), k.ticket());
                    } else if (task instanceof JournalRead<T> r) {
                        readAndWrite(r);
                    } else if (task instanceof Acknowledge<T>) {
                        acknowledgeDone(true);
                    }
                } finally {
                    lock.lock();
                    try {
                        busy--;
                        work.signal(); // a writer waiting for a fuller batch may take what there is now
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("DMARC history writer failed; journaling what is queued", e);
            journalAll(drainAll());
        }
    }

    /**
     * The next thing to do, waiting for it; {@code null} when stopping and nothing is left for this writer. Order:
     * while the sink is in backoff, queued entries go to the journal and journal work waits; else a queue at least
     * half full gets a batch (so offers do not overflow into the slower journal), then journal work (kept entries,
     * then the journal's backlog, oldest first), then the queue.
     */
    private Task<T> nextTask() {
        lock.lock();
        try {
            Task<T> task = chooseTask();
            if (task != null) {
                busy++;
            }
            return task;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #nextTask}'s choice (caller holds the lock). A batch smaller than {@code batchSize} is taken only when
     * no other writer is busy, when stopping, or after waiting {@value #LINGER_MILLIS} ms for more: under load the writers write full batches, one transaction per
     * {@code batchSize} entries, instead of racing each other for a few entries each; at a trickle one writer
     * takes what there is at once.
     */
    private Task<T> chooseTask() {
        long waitingSince = 0; // when this writer began waiting for a fuller batch
        try {
            while (true) {
                long now = System.nanoTime();
                boolean lingered = waitingSince != 0 && now - waitingSince >= LINGER_NANOS;
                long gatherLeft = GATHER_NANOS - (now - lastBatchNanos);
                boolean takePartial = busy == 0 && (gatherLeft <= 0 || gathered()) || stopping || lingered;
                long wait = backoff.remainingNanos();
                if (wait > 0) {
                    if (!queue.isEmpty()) {
                        return new QueueBatch<>(takeQueued(), true);
                    }
                    if (stopping) {
                        return null; // the sink is failing: the journal keeps the rest for the next start
                    }
                    work.awaitNanos(wait);
                    continue;
                }
                if (!stopping && !queue.isEmpty() && queue.size() >= Math.max(1, settings.queueCapacity() / 2)) {
                    return signalMore(new QueueBatch<>(takeQueued(), false));
                }
                if (!kept.isEmpty() && (kept.size() >= settings.batchSize() || takePartial)) {
                    lastBatchNanos = now;
                    List<T> batch = new ArrayList<>(Math.min(kept.size(), settings.batchSize()));
                    JournalPosition end = null;
                    while (!kept.isEmpty() && batch.size() < settings.batchSize()) {
                        Kept<T> k = kept.pollFirst();
                        batch.add(k.entry());
                        end = k.end();
                    }
                    Ticket ticket = new Ticket(generation, end, batch.size());
                    inFlight.addLast(ticket);
                    return signalMore(new KeptBatch<>(batch, ticket));
                }
                if (!reading && readPosition.compareTo(knownEnd) < 0) {
                    reading = true;
                    Ticket ticket = new Ticket(generation, null, 0);
                    inFlight.addLast(ticket);
                    return new JournalRead<>(readPosition, ticket);
                }
                if (!queue.isEmpty() && (queue.size() >= settings.batchSize() || takePartial)) {
                    lastBatchNanos = now;
                    return signalMore(new QueueBatch<>(takeQueued(), false));
                }
                if (stopping && kept.isEmpty() && queue.isEmpty()) {
                    return null;
                }
                if (busy == 0 && gatherLeft > 0 && !lingered && (!kept.isEmpty() || !queue.isEmpty()) && !gathered()) {
                    // A partial batch soon after the last one: gather more first (GATHER_MILLIS).
                    gatheringWriters++;
                    try {
                        work.awaitNanos(gatherLeft);
                    } finally {
                        gatheringWriters--;
                    }
                    continue;
                }
                if (!kept.isEmpty() || !queue.isEmpty()) {
                    // A partial batch while another writer is busy: wait for more, or for it, a little at most.
                    if (waitingSince == 0) {
                        waitingSince = System.nanoTime();
                    }
                    work.awaitNanos(LINGER_NANOS);
                    continue;
                }
                waitingSince = 0;
                if (!acking && doneEnd.compareTo(ackedEnd) > 0) {
                    // Nothing to write: the checkpoint's turn, at most every ACK_INTERVAL.
                    long due = ACK_INTERVAL_NANOS - (System.nanoTime() - lastAckNanos);
                    if (due <= 0) {
                        return new Acknowledge<>();
                    }
                    work.awaitNanos(due);
                    continue;
                }
                work.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Wakes another writer when work is left after this task (caller holds the lock). */
    private Task<T> signalMore(Task<T> task) {
        if (!queue.isEmpty() || !kept.isEmpty()) {
            work.signal();
        }
        return task;
    }

    private List<T> takeQueued() {
        List<T> batch = new ArrayList<>(Math.min(queue.size(), settings.batchSize()));
        while (!queue.isEmpty() && batch.size() < settings.batchSize()) {
            batch.add(queue.pollFirst());
        }
        return batch;
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
                backoff.recovered();
                return;
            } catch (Exception e) {
                backoff.failed(e);
            }
        }
        journalAll(batch);
    }

    /** Reads the next journal batch (this writer alone reads), hands on the rest of the journal, writes the batch. */
    private void readAndWrite(JournalRead<T> task) {
        ReadBatch read;
        try {
            read = journal.readFrom(task.from(), settings.batchSize());
        } catch (IOException | RuntimeException e) {
            lock.lock();
            try {
                reading = false;
            } finally {
                lock.unlock();
            }
            backoff.failed(e);
            resetCursor();
            return;
        }
        if (read.isEmpty() && read.end().compareTo(task.from()) <= 0 && read.end().compareTo(knownEnd()) < 0) {
            // Should not happen (a read always moves on); never spin on it.
            lock.lock();
            try {
                reading = false;
            } finally {
                lock.unlock();
            }
            backoff.failed(new IOException("journal " + journal.directory() + " has entries after " + task.from()
                    + " that cannot be read"));
            resetCursor();
            return;
        }
        lock.lock();
        try {
            reading = false;
            if (task.ticket().generation == generation) {
                task.ticket().end = read.end();
                task.ticket().entries = read.entries().size();
                readPosition = read.end();
            }
            work.signal(); // the next read may go on in another writer while this one writes
        } finally {
            lock.unlock();
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
        writeJournaled(decoded, task.ticket());
    }

    private JournalPosition knownEnd() {
        lock.lock();
        try {
            return knownEnd;
        } finally {
            lock.unlock();
        }
    }

    /** Writes journaled entries; once written, their batch may be acknowledged in the journal. */
    private void writeJournaled(List<T> batch, Ticket ticket) {
        try {
            if (!batch.isEmpty()) {
                sink.write(batch);
            }
        } catch (Exception e) {
            backoff.failed(e);
            resetCursor();
            return;
        }
        written.addAndGet(batch.size());
        replayed.addAndGet(batch.size());
        listener.onWritten(batch.size());
        listener.onReplayed(batch.size());
        backoff.recovered();
        lock.lock();
        try {
            if (ticket.generation == generation) {
                ticket.done = true;
                while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
                    Ticket head = inFlight.pollFirst();
                    doneEnd = head.end;
                    doneEntries += head.entries;
                }
            }
        } finally {
            lock.unlock();
        }
        acknowledgeDone(false);
    }

    /**
     * A journal batch failed (or could not be read): forget what is kept in memory and what is in flight, and read
     * the journal again from the end of what is known to be written, once the backoff is over. Batches other
     * writers store meanwhile are delivered again (the sink's keys absorb it).
     */
    private void resetCursor() {
        lock.lock();
        try {
            generation++;
            kept.clear();
            inFlight.clear();
            readPosition = doneEnd;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the journal's checkpoint to the end of the longest run of written batches: at most every
     * {@value #ACK_INTERVAL_MILLIS} ms (a writer with nothing else to do does it when due), or at once ({@code force}).
     * One writer at a time; the others go on writing.
     */
    private void acknowledgeDone(boolean force) {
        // Again after each acknowledgement: batches written meanwhile, whose writer found this one acking, are
        // acknowledged by it.
        while (acknowledgeOnce(force)) {
            force = false;
        }
    }

    /** One checkpoint move, if due; whether one was made. */
    private boolean acknowledgeOnce(boolean force) {
        JournalPosition end;
        long entries;
        lock.lock();
        try {
            if (acking || doneEnd.compareTo(ackedEnd) <= 0) {
                return false;
            }
            if (!force && System.nanoTime() - lastAckNanos < ACK_INTERVAL_NANOS) {
                return false;
            }
            acking = true;
            end = doneEnd;
            entries = doneEntries;
            doneEntries = 0;
        } finally {
            lock.unlock();
        }
        JournalPosition checkpoint = null;
        try {
            // The entries the checkpoint passes are stored; still, the checkpoint file never gets ahead of the
            // journal's own data on disk (this fsync runs outside the journal's lock: appends go on meanwhile).
            journal.sync();
            checkpoint = journal.acknowledgeTo(end, entries);
        } catch (IOException | RuntimeException e) {
            // Stored but not acknowledged: delivered again later, which the sink's idempotent keys absorb.
            LOG.warn("DMARC history journal {}: cannot move the checkpoint to {}: {}", journal.directory(), end,
                    e.toString());
        }
        lock.lock();
        try {
            acking = false;
            lastAckNanos = System.nanoTime();
            if (checkpoint == null) {
                doneEntries += entries;
                return false;
            }
            ackedEnd = end;
            if (checkpoint.compareTo(end) > 0) {
                // Everything was acknowledged and the journal started a fresh segment: follow it.
                if (doneEnd.equals(end)) {
                    doneEnd = checkpoint;
                    ackedEnd = checkpoint;
                }
                if (readPosition.equals(end)) {
                    readPosition = checkpoint;
                }
                if (knownEnd.compareTo(checkpoint) < 0) {
                    knownEnd = checkpoint;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The syncer ({@link JournalSync#INTERVAL}): fsyncs what was appended, at most every {@code syncInterval}. */
    private void syncLoop() {
        long intervalNanos = settings.syncInterval().toNanos();
        while (!syncerStop) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, intervalNanos);
            if (syncerStop) {
                return;
            }
            syncNow();
        }
    }

    private void syncNow() {
        try {
            if (journal.unsynced()) {
                journal.sync();
                syncs.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            // The entries are in the kernel (a process crash does not lose them); a power loss might.
            long now = System.nanoTime();
            long last = lastSyncFailureLog.get();
            if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastSyncFailureLog.compareAndSet(last, now)) {
                LOG.warn("DMARC history journal {}: fsync failed ({}); journaled records may not survive a power loss",
                        journal.directory(), describe(e));
            }
        }
    }

    private void stopSyncer() {
        if (syncer == null) {
            return;
        }
        syncerStop = true;
        java.util.concurrent.locks.LockSupport.unpark(syncer);
        try {
            syncer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Backoff shared by the writers: the sink failed, when to try again, and the rate-limited log of it. */
    private final class Backoff {
        private long retryAtNanos = System.nanoTime();
        private long backoffNanos;
        private long failuresInARow;
        private long lastFailureLogNanos;

        synchronized void failed(Exception e) {
            long min = settings.minBackoff().toNanos();
            boolean first = backoffNanos == 0;
            long now = System.nanoTime();
            if (!first && retryAtNanos - now > 0) {
                return; // another writer failed at the same time: one backoff step, one line
            }
            backoffNanos = first ? min : Math.min(settings.maxBackoff().toNanos(), backoffNanos * 2);
            retryAtNanos = now + backoffNanos;
            failuresInARow++;
            // One line when the sink starts failing, then one every few minutes while it keeps failing (the
            // database may stay down for hours; a line per retry would bury the log).
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
        synchronized void recovered() {
            if (failuresInARow > 0) {
                LOG.info("DMARC history store works again after {} failed attempts; replaying the journal ({} entries)",
                        failuresInARow, journal.pendingEntries());
                failuresInARow = 0;
            }
            backoffNanos = 0;
        }

        /** How long until the next attempt; 0 when not in backoff. */
        synchronized long remainingNanos() {
            if (backoffNanos == 0) {
                return 0;
            }
            return Math.max(0, retryAtNanos - System.nanoTime());
        }
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
        return appendCounted(encoded, null).result().appended();
    }

    /**
     * Appends encoded entries, counting journaled and dropped (dropped ones also logged, rate-limited), and tells
     * the writers; {@code entries} (journal-first offers, else {@code null}) are the same entries unencoded.
     */
    private Journal.Placed appendCounted(List<JournalEntry> encoded, List<T> entries) {
        long t = System.nanoTime();
        Journal.Placed placed = journal.appendPlaced(encoded, settings.journalSync() == JournalSync.ALWAYS);
        appendNanos.addAndGet(System.nanoTime() - t);
        appends.incrementAndGet();
        appended(entries, placed);
        AppendResult result = placed.result();
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
        return placed;
    }

    /**
     * Entries were appended: moves the known end, and (journal-first offers) keeps them in memory for the writers
     * when nothing unread lies before them in the journal and there is room; else the writers read them back from
     * the journal. Wakes a writer.
     */
    private void appended(List<T> entries, Journal.Placed placed) {
        List<JournalPosition> ends = placed.ends();
        if (ends.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            JournalPosition last = ends.get(ends.size() - 1);
            if (knownEnd.compareTo(last) < 0) {
                knownEnd = last;
            }
            if (entries != null && settings.journalFirst() && !reading && placed.follows(readPosition)
                    && kept.size() + ends.size() <= settings.queueCapacity()) {
                for (int i = 0; i < ends.size(); i++) {
                    kept.addLast(new Kept<>(entries.get(i), ends.get(i)));
                }
                readPosition = last;
            }
            if (gatheringWriters == 0 || gathered() || readPosition.compareTo(knownEnd) < 0) {
                work.signal(); // a gathering writer wakes by itself, unless there is a full batch or journal to read
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Leader-based group commit: the first caller with no append in progress becomes the leader, appends every
     * entry waiting (its own first among them) with one write (and fsync, with {@link JournalSync#ALWAYS}), hands them to the writers, and tells each waiter
     * whether its entry made it.
     */
    private final class GroupCommit {
        private final Object monitor = new Object();
        private List<T> waitingEntries = new ArrayList<>();
        private List<JournalEntry> waiting = new ArrayList<>();
        private List<boolean[]> outcomes = new ArrayList<>();
        private boolean appending;

        /** Whether {@code encoded} was appended (and fsync'd, with {@link JournalSync#ALWAYS}). */
        boolean commit(T entry, JournalEntry encoded) {
            boolean[] outcome = new boolean[2]; // [done, appended]
            List<T> batchEntries;
            List<JournalEntry> batch;
            List<boolean[]> batchOutcomes;
            boolean interrupted = false;
            synchronized (monitor) {
                waitingEntries.add(entry);
                waiting.add(encoded);
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
                batchEntries = waitingEntries;
                batch = waiting;
                batchOutcomes = outcomes;
                waitingEntries = new ArrayList<>();
                waiting = new ArrayList<>();
                outcomes = new ArrayList<>();
            }
            int appended = 0;
            try {
                appended = appendCounted(batch, batchEntries).result().appended();
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
