package org.jamesdmarc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.store.DmarcSettings;
import org.jamesdmarc.store.journal.JournalSync;
import org.jamesdmarc.store.EvaluationHistory;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;
import org.jamesdmarc.store.journal.HistoryCodec;
import org.jamesdmarc.store.journal.HistoryListener;
import org.jamesdmarc.store.journal.HistoryPipeline;
import org.jamesdmarc.store.journal.Journal;
import org.jamesdmarc.store.journal.OfferResult;

/**
 * Sustained ingest into the evaluation history (issue 9's goal: ≥ 20,000 records/s into PostgreSQL): {@code T}
 * threads (default 8, like James's spool threads) offer {@code N} varied records (default 1,000,000,
 * {@link IngestRecords}) as fast as they can (or at {@code --rate} records/s in total), and the clock runs from the
 * first offer until the database holds all {@code N} ({@code COUNT(*)}). Also prints the offer latency (p50, p99,
 * max: what a mail thread pays) and what the pipeline did (queued, journaled, written, replayed, dropped) and how
 * the store's batch writes went.
 *
 * <p>The mail path is one {@code Consumer<EvaluationRecord>} ({@link Target#offer()}): today a
 * {@link HistoryPipeline} over a {@link Journal} and a {@link JdbcHistoryStore}, in queue-first or journal-first
 * mode ({@code --modes queue,journal}); {@code direct} (no pipeline: the offering threads write batches to the
 * store themselves, one at a time) shows what the store's write path alone takes. The James-side sink (an {@code EvaluationSink}, whose {@code accept} has
 * this very shape) drops in as another {@link Target}.
 *
 * <pre>
 * mvn -o -q -pl dmarc-mailet,dmarc-reporting,bench -am package -DskipTests
 * java -Xmx1g -cp bench/target/benchmarks.jar org.jamesdmarc.bench.HistoryIngestHarness postgresql|mariadb|h2 \
 *     [--records 1000000] [--threads 8] [--modes queue,journal] [--rate 0] [--batch 500] [--queue 100000] \
 *     [--pool 4] [--writers 2] [--db dmarc_ingest] [--keep] [--h2-dir /tmp] [--journal-dir DIR]
 * </pre>
 * Each mode gets a fresh database (created and dropped here, or kept with {@code --keep}) and a fresh journal
 * directory.
 */
public final class HistoryIngestHarness {

    /** What the harness drives: a mail-path offer function and a way to count what reached the database. */
    interface Target extends AutoCloseable {
        /** The mail path: called by the offering threads, must return without waiting on the database. */
        Consumer<EvaluationRecord> offer();

        /** Called once every offering thread is done (a target that buffers flushes here). */
        default void offered() {
        }

        /** Records the database holds now. */
        long stored();

        /** What the target did, for the log (counters, write timings). */
        String describe();

        @Override
        void close() throws Exception;
    }

    record Options(long records, int threads, List<String> modes, double rate, int batch, int queue, int pool,
                   int writers, String db, boolean keep, Path h2Dir, Path journalDir, JournalSync journalSync) {

        static Options parse(String[] args) throws IOException {
            long records = 1_000_000;
            int threads = 8;
            List<String> modes = List.of("queue", "journal");
            double rate = 0;
            int batch = HistoryPipeline.Settings.DEFAULTS.batchSize();
            int queue = HistoryPipeline.Settings.DEFAULTS.queueCapacity();
            int pool = 4;
            int writers = HistoryPipeline.Settings.DEFAULT_WRITERS;
            String db = "dmarc_ingest";
            boolean keep = false;
            Path h2Dir = Path.of(System.getProperty("java.io.tmpdir"));
            Path journalDir = null;
            JournalSync journalSync = JournalSync.INTERVAL;
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--records" -> records = Long.parseLong(args[++i].replace("_", ""));
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--modes" -> modes = Arrays.asList(args[++i].split(","));
                    case "--rate" -> rate = Double.parseDouble(args[++i]);
                    case "--batch" -> batch = Integer.parseInt(args[++i]);
                    case "--queue" -> queue = Integer.parseInt(args[++i]);
                    case "--pool" -> pool = Integer.parseInt(args[++i]);
                    case "--writers" -> writers = Integer.parseInt(args[++i]);
                    case "--db" -> db = args[++i];
                    case "--keep" -> keep = true;
                    case "--h2-dir" -> h2Dir = Path.of(args[++i]);
                    case "--journal-dir" -> journalDir = Path.of(args[++i]);
                    case "--journal-sync" -> journalSync = JournalSync.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (!db.matches("[a-z][a-z0-9_]{0,40}")) {
                throw new IllegalArgumentException("--db must be a plain lower-case name: " + db);
            }
            if (records < 1 || threads < 1 || batch < 1 || queue < 1 || pool < 2 || rate < 0 || writers < 1) {
                throw new IllegalArgumentException("records, threads, batch, queue must be positive, pool >= 2");
            }
            for (String m : modes) {
                if (!List.of("queue", "journal", "direct", "history-queue", "history-journal").contains(m)) {
                    throw new IllegalArgumentException(
                            "modes are queue, journal, direct, history-queue and history-journal: " + m);
                }
            }
            if (journalDir == null) {
                journalDir = Files.createTempDirectory("dmarc-ingest-journal");
            }
            return new Options(records, threads, modes, rate, batch, queue, pool, writers, db, keep, h2Dir, journalDir,
                    journalSync);
        }
    }

    private final ScaleDialect dialect;
    private final Options options;
    private final IngestRecords factory = new IngestRecords();

    private HistoryIngestHarness(ScaleDialect dialect, Options options) {
        this.dialect = dialect;
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: HistoryIngestHarness postgresql|mariadb|h2 [--records N] [--threads T]"
                    + " [--modes queue,journal] [--rate R] [--batch B] [--queue Q] [--pool P] [--writers W] [--db NAME]"
                    + " [--keep]"
                    + " [--h2-dir DIR] [--journal-dir DIR] [--journal-sync interval|always]");
            System.exit(2);
        }
        HistoryIngestHarness harness = new HistoryIngestHarness(ScaleDialect.of(args[0]), Options.parse(args));
        harness.run();
    }

    private void run() throws Exception {
        log("%s: %,d records, %d offering threads%s, batch %d, queue %d, pool %d, writers %d; %s", dialect.label(),
                options.records(), options.threads(), options.rate() > 0 ? String.format(Locale.ROOT,
                        " at %,.0f records/s", options.rate()) : " as fast as they can", options.batch(),
                options.queue(), options.pool(), options.writers(), Bench.machine());
        for (String mode : options.modes()) {
            String db = options.db() + "_" + mode.replace('-', '_');
            dialect.create(db, options.h2Dir());
            Path journalDir = options.journalDir().resolve(mode);
            try {
                try (Target target = mode.equals("direct") ? directTarget(db)
                        : mode.startsWith("history-") ? historyTarget(db, journalDir, mode.equals("history-journal"))
                        : pipelineTarget(db, journalDir, mode.equals("journal"))) {
                    measure(mode, target);
                }
            } finally {
                deleteTree(journalDir);
                if (!options.keep()) {
                    dialect.drop(db, options.h2Dir());
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- target ---

    /** The codec the journal uses: the record's key and its one byte form. */
    static final HistoryCodec<EvaluationRecord> CODEC = new HistoryCodec<>() {
        @Override
        public String key(EvaluationRecord entry) {
            return entry.key().value();
        }

        @Override
        public byte[] encode(EvaluationRecord entry) {
            return EvaluationRecordCodec.encode(entry);
        }

        @Override
        public EvaluationRecord decode(byte[] payload) throws Exception {
            return EvaluationRecordCodec.decode(payload);
        }
    };

    /**
     * {@link EvaluationHistory} as James starts it ({@code history::accept}: the DmarcHistory mailet's path minus
     * its attribute decode), from a {@code dmarc.properties} written here; {@code COUNT(*)} through a second
     * store on the same database (not for H2's single-process file).
     */
    private Target historyTarget(String db, Path journalDir, boolean journalFirst) throws IOException {
        Path home = Files.createTempDirectory("dmarc-ingest-home");
        Files.createDirectories(home.resolve("conf"));
        String url = dialect.url(db, options.h2Dir());
        Files.writeString(home.resolve("conf").resolve(DmarcSettings.FILE_NAME), String.join("\n",
                DmarcSettings.DB_URL + "=" + url,
                DmarcSettings.DB_USER + "=" + dialect.user(),
                DmarcSettings.DB_POOL_SIZE + "=" + options.pool(),
                DmarcSettings.DURABILITY + "=" + (journalFirst ? "journal" : "queue"),
                DmarcSettings.JOURNAL_DIR + "=" + journalDir.toAbsolutePath(),
                DmarcSettings.QUEUE_CAPACITY + "=" + options.queue(),
                DmarcSettings.WRITERS + "=" + options.writers(),
                DmarcSettings.BATCH_SIZE + "=" + options.batch(),
                DmarcSettings.JOURNAL_SYNC + "=" + options.journalSync().name().toLowerCase(java.util.Locale.ROOT), ""));
        EvaluationHistory history = EvaluationHistory.start(DmarcSettings.load(home, Map.of()), HistoryListener.NONE);
        JdbcHistoryStore counter = JdbcHistoryStore.open(new StoreConfig(url, dialect.user(), Secret.none(), 2));
        return new Target() {
            @Override
            public Consumer<EvaluationRecord> offer() {
                return history::accept;
            }

            @Override
            public long stored() {
                return counter.count();
            }

            @Override
            public String describe() {
                return "history " + history.counters() + ", journal backlog " + history.journalBacklog() + "; "
                        + history.journalAppends();
            }

            @Override
            public void close() {
                history.close();
                counter.close();
                try {
                    deleteTree(home);
                } catch (IOException e) {
                    log("cannot delete %s: %s", home, e);
                }
            }
        };
    }

    /** {@link HistoryPipeline} → {@link JdbcHistoryStore}, with a {@link Journal} in {@code journalDir}. */
    private Target pipelineTarget(String db, Path journalDir, boolean journalFirst) throws IOException {
        JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(dialect.url(db, options.h2Dir()),
                dialect.user(), Secret.none(), options.pool()));
        Journal journal = Journal.open(journalDir, 8L * 1024 * 1024 * 1024);
        TimedWrites writes = new TimedWrites();
        HistoryPipeline.Settings settings = new HistoryPipeline.Settings(options.queue(), options.batch(),
                Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(10), journalFirst, options.writers())
                .withJournalSync(options.journalSync(), HistoryPipeline.Settings.DEFAULT_SYNC_INTERVAL);
        HistoryPipeline<EvaluationRecord> pipeline = HistoryPipeline.start(journal, batch -> {
            long t = System.nanoTime();
            store.write(batch);
            writes.add(batch.size(), System.nanoTime() - t);
        }, CODEC, settings, new org.jamesdmarc.store.journal.HistoryListener() { });
        Map<OfferResult, LongAdder> results = new EnumMap<>(OfferResult.class);
        for (OfferResult r : OfferResult.values()) {
            results.put(r, new LongAdder());
        }
        return new Target() {
            @Override
            public Consumer<EvaluationRecord> offer() {
                return r -> results.get(pipeline.offer(r)).increment();
            }

            @Override
            public long stored() {
                return store.count();
            }

            @Override
            public String describe() {
                return "offers " + results + "; pipeline " + pipeline.counters() + "; " + pipeline.journalAppends() + "; "
                        + writes;
            }

            @Override
            public void close() {
                pipeline.close();
                store.close();
            }
        };
    }

    /**
     * No pipeline: the offering threads fill one shared batch and whoever fills it writes it to the store (the
     * others wait). Not a mail path (it waits on the database); it measures what the store's write path alone
     * takes from this many threads, for comparison with the pipeline modes.
     */
    private Target directTarget(String db) {
        JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(dialect.url(db, options.h2Dir()),
                dialect.user(), Secret.none(), options.pool()));
        TimedWrites writes = new TimedWrites();
        Object lock = new Object();
        List<EvaluationRecord> batch = new ArrayList<>(options.batch());
        Runnable flush = () -> {
            long t = System.nanoTime();
            store.write(batch);
            writes.add(batch.size(), System.nanoTime() - t);
            batch.clear();
        };
        return new Target() {
            @Override
            public Consumer<EvaluationRecord> offer() {
                return r -> {
                    synchronized (lock) {
                        batch.add(r);
                        if (batch.size() >= options.batch()) {
                            flush.run();
                        }
                    }
                };
            }

            @Override
            public void offered() {
                synchronized (lock) {
                    if (!batch.isEmpty()) {
                        flush.run();
                    }
                }
            }

            @Override
            public long stored() {
                return store.count();
            }

            @Override
            public String describe() {
                return writes.toString();
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    /** The store's batch writes as the pipeline's writer thread saw them. */
    private static final class TimedWrites {
        private final AtomicLong batches = new AtomicLong();
        private final AtomicLong records = new AtomicLong();
        private final AtomicLong nanos = new AtomicLong();

        void add(int size, long took) {
            batches.incrementAndGet();
            records.addAndGet(size);
            nanos.addAndGet(took);
        }

        @Override
        public String toString() {
            long b = Math.max(1, batches.get());
            return String.format(Locale.ROOT, "store: %,d batches, %.0f records each, %.1f ms each, %,.0f records/s"
                            + " while writing", batches.get(), records.get() / (double) b, nanos.get() / 1e6 / b,
                    records.get() / Math.max(1e-9, nanos.get() / 1e9));
        }
    }

    // -------------------------------------------------------------------------------------------- measuring ---

    private void measure(String mode, Target target) throws Exception {
        Consumer<EvaluationRecord> offer = target.offer();
        long salt = System.nanoTime();
        int threads = options.threads();
        long n = options.records();
        long[][] latencies = new long[threads][];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> offering = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        double perThreadRate = options.rate() / threads;
        for (int t = 0; t < threads; t++) {
            int slot = t;
            long share = n / threads + (t < n % threads ? 1 : 0);
            latencies[t] = new long[(int) share];
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    long start = System.nanoTime();
                    int i = 0;
                    for (long k = slot; k < n; k += threads) {
                        EvaluationRecord r = factory.record(k, salt);
                        if (perThreadRate > 0) {
                            long due = start + (long) (i / perThreadRate * 1e9);
                            long wait;
                            while ((wait = due - System.nanoTime()) > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                            }
                        }
                        long before = System.nanoTime();
                        offer.accept(r);
                        latencies[slot][i++] = System.nanoTime() - before;
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "spool-" + t);
            thread.start();
            offering.add(thread);
        }
        double load = Bench.load();
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : offering) {
            thread.join();
        }
        double offeredIn = seconds(start);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("an offering thread failed", failures.get(0));
        }
        target.offered();
        long stored;
        long lastProgress = System.nanoTime();
        long lastStored = -1;
        while ((stored = target.stored()) < n) {
            if (stored != lastStored) {
                lastStored = stored;
                lastProgress = System.nanoTime();
            } else if (seconds(lastProgress) > 120) {
                throw new IllegalStateException("no progress for 120 s: " + stored + " of " + n + " stored; "
                        + target.describe());
            }
            Thread.sleep(stored > n * 0.95 ? 20 : 250);
        }
        double total = seconds(start);
        long[] all = Stream.of(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        log("%s: %,d records stored in %.1f s = %,.0f records/s (offered in %.1f s = %,.0f offers/s); offer "
                        + "latency p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.1f ms; load %.2f before, %s after", mode,
                stored, total, n / total, offeredIn, n / offeredIn, micros(all, 0.5), micros(all, 0.99),
                micros(all, 0.999), all[all.length - 1] / 1e6, load, Bench.loadText());
        log("  %s", target.describe());
        System.out.printf(Locale.ROOT, "RESULT backend=%s mode=%s records=%d threads=%d seconds=%.1f records_per_s=%.0f"
                        + " p50_us=%.1f p99_us=%.1f max_ms=%.1f load=%.2f%n", dialect.label(), mode, n, threads, total,
                n / total, micros(all, 0.5), micros(all, 0.99), all[all.length - 1] / 1e6, load);
    }

    private static double micros(long[] sorted, double quantile) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e3;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void log(String format, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = new java.util.Date();
        System.arraycopy(args, 0, all, 1, args.length);
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", all);
    }
}
