package org.jamesdmarc.store.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HistoryPipeline} over a real {@link Journal} in a temporary directory and an in-memory test sink. */
class HistoryPipelineTest {

    private static final long MB = 1024 * 1024;
    /** Only a guard against a hang; no assertion is about time. */
    private static final long GUARD_SECONDS = 60;

    @TempDir
    Path dir;

    static final HistoryCodec<String> CODEC = new HistoryCodec<>() {
        @Override
        public String key(String entry) {
            return entry;
        }

        @Override
        public byte[] encode(String entry) {
            return entry.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] payload) {
            return new String(payload, StandardCharsets.UTF_8);
        }
    };

    static HistoryPipeline.Settings settings(int queueCapacity, int batchSize) {
        return new HistoryPipeline.Settings(queueCapacity, batchSize, Duration.ofMillis(1), Duration.ofMillis(20),
                Duration.ofSeconds(GUARD_SECONDS));
    }

    static List<String> items(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "entry-" + i).toList();
    }

    /** A sink idempotent by key, as the contract asks, that can be down, or hold its first write at a gate. */
    static final class TestSink implements BatchSink<String> {
        private final List<String> stored = new ArrayList<>();
        private final Set<String> keys = new HashSet<>();
        private final List<String> delivered = new ArrayList<>();
        volatile boolean down;
        final AtomicLong failedWrites = new AtomicLong();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);

        final AtomicLong writes = new AtomicLong();

        @Override
        public void write(List<String> batch) throws Exception {
            writes.incrementAndGet();
            entered.countDown();
            gate.await();
            if (down) {
                failedWrites.incrementAndGet();
                throw new IllegalStateException("database down");
            }
            synchronized (this) {
                delivered.addAll(batch);
                for (String entry : batch) {
                    if (keys.add(entry)) {
                        stored.add(entry);
                    }
                }
                notifyAll();
            }
        }

        /** Keys the "database" already holds (stored before a crash): a second delivery of them changes nothing. */
        synchronized void preload(java.util.Collection<String> existing) {
            keys.addAll(existing);
        }

        synchronized List<String> stored() {
            return List.copyOf(stored);
        }

        /** Every entry of every successful write, duplicates included. */
        synchronized List<String> delivered() {
            return List.copyOf(delivered);
        }

        synchronized void awaitStored(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
            while (stored.size() < count) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("waiting for %d stored entries, have %d", count, stored.size()).isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition never came true").isNegative();
            Thread.sleep(1);
        }
    }

    /** Counts what the listener heard, to compare with the counters. */
    static final class CountingListener implements HistoryListener {
        final AtomicLong queued = new AtomicLong();
        final AtomicLong written = new AtomicLong();
        final AtomicLong journaled = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong replayed = new AtomicLong();

        @Override public void onQueued(int n) { queued.addAndGet(n); }
        @Override public void onWritten(int n) { written.addAndGet(n); }
        @Override public void onJournaled(int n) { journaled.addAndGet(n); }
        @Override public void onDropped(int n) { dropped.addAndGet(n); }
        @Override public void onReplayed(int n) { replayed.addAndGet(n); }

        HistoryCounters counters() {
            return new HistoryCounters(queued.get(), written.get(), journaled.get(), dropped.get(), replayed.get());
        }
    }

    @Test
    void aSteadyStreamIsWrittenInGatheredBatchesAndTheFirstEntryAfterAPauseAtOnce() throws Exception {
        for (boolean journalFirst : new boolean[] {false, true}) {
            java.nio.file.Path own = java.nio.file.Files.createTempDirectory(dir, "gather");
            TestSink sink = new TestSink();
            HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(own, 64 * MB), sink, CODEC,
                    settings(100_000, 500).withJournalFirst(journalFirst), HistoryListener.NONE);
            pipeline.offer("first");
            sink.awaitStored(1);
            long written = sink.writes.get();
            assertThat(written).as("the first entry after a pause is written on its own").isEqualTo(1);
            // One entry every 2 ms for ~0.4 s: without gathering each one is a write of its own (the sink is fast).
            List<String> stream = items(0, 200);
            long start = System.nanoTime();
            for (String entry : stream) {
                pipeline.offer(entry);
                Thread.sleep(2);
            }
            long offeredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            sink.awaitStored(201);
            pipeline.close();
            assertThat(sink.delivered()).containsExactlyElementsOf(
                    java.util.stream.Stream.concat(java.util.stream.Stream.of("first"), stream.stream()).toList());
            assertThat(sink.writes.get() - written).as("writes for 200 entries offered over %d ms (journalFirst=%s)",
                    offeredMillis, journalFirst).isLessThanOrEqualTo(offeredMillis / HistoryPipeline.GATHER_MILLIS + 3)
                    .isLessThan(100);
        }
    }

    @Test
    void aHealthySinkGetsEverythingInOrderInBatches() throws Exception {
        TestSink sink = new TestSink();
        CountingListener listener = new CountingListener();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                settings(10_000, 64), listener);
        items(0, 1000).forEach(e -> assertThat(pipeline.offer(e)).isEqualTo(OfferResult.QUEUED));
        sink.awaitStored(1000);
        pipeline.close();

        assertThat(sink.delivered()).isEqualTo(items(0, 1000));
        assertThat(pipeline.counters()).isEqualTo(new HistoryCounters(1000, 1000, 0, 0, 0));
        assertThat(listener.counters()).isEqualTo(pipeline.counters());
    }

    @Test
    void whileTheSinkIsDownEntriesAreJournaledThenDeliveredOnceInOrder() throws Exception {
        TestSink sink = new TestSink();
        sink.down = true;
        CountingListener listener = new CountingListener();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                settings(10_000, 16), listener);
        items(0, 100).forEach(pipeline::offer);
        await(() -> pipeline.counters().journaled() == 100);
        await(() -> sink.failedWrites.get() >= 3); // retried with backoff, still down
        items(100, 150).forEach(pipeline::offer);
        await(() -> pipeline.counters().journaled() == 150);

        sink.down = false;
        sink.awaitStored(150);
        items(150, 200).forEach(pipeline::offer);
        sink.awaitStored(200);
        pipeline.close();

        assertThat(sink.delivered()).as("each entry delivered successfully once, in order").isEqualTo(items(0, 200));
        HistoryCounters counters = pipeline.counters();
        assertThat(counters.queued()).isEqualTo(200);
        assertThat(counters.written()).isEqualTo(200);
        assertThat(counters.journaled()).isEqualTo(150);
        assertThat(counters.replayed()).isEqualTo(150);
        assertThat(counters.dropped()).isZero();
        assertThat(listener.counters()).isEqualTo(counters);
        try (Journal journal = Journal.open(dir, MB)) {
            assertThat(journal.pendingEntries()).isZero();
        }
    }

    @Test
    void aFullQueueOverflowsIntoTheJournalWithoutBlocking() throws Exception {
        TestSink sink = new TestSink();
        sink.gate = new CountDownLatch(1);
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                settings(4, 1), HistoryListener.NONE);
        assertThat(pipeline.offer("entry-0")).isEqualTo(OfferResult.QUEUED);
        assertThat(sink.entered.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue(); // the writer holds entry-0

        List<OfferResult> results = items(1, 9).stream().map(pipeline::offer).toList();
        assertThat(results).containsExactly(OfferResult.QUEUED, OfferResult.QUEUED, OfferResult.QUEUED,
                OfferResult.QUEUED, OfferResult.JOURNALED, OfferResult.JOURNALED, OfferResult.JOURNALED,
                OfferResult.JOURNALED);
        assertThat(pipeline.journalBacklog()).isEqualTo(4);

        sink.gate.countDown();
        sink.awaitStored(9);
        pipeline.close();
        assertThat(sink.delivered()).as("each once").containsExactlyInAnyOrderElementsOf(items(0, 9));
        assertThat(pipeline.counters()).isEqualTo(new HistoryCounters(5, 9, 4, 0, 4));
    }

    @Test
    void pastTheJournalCapEntriesAreDroppedAndCounted() throws Exception {
        TestSink sink = new TestSink();
        sink.gate = new CountDownLatch(1);
        CountingListener listener = new CountingListener();
        int frame = Journal.HEADER_BYTES + 2 + 2 * "entry-1".length();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, 2L * frame), sink, CODEC,
                settings(1, 1), listener);
        pipeline.offer("entry-0");
        assertThat(sink.entered.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

        List<OfferResult> results = items(1, 6).stream().map(pipeline::offer).toList();
        assertThat(results).containsExactly(OfferResult.QUEUED, OfferResult.JOURNALED, OfferResult.JOURNALED,
                OfferResult.DROPPED, OfferResult.DROPPED);
        assertThat(pipeline.counters().dropped()).isEqualTo(2);

        sink.gate.countDown();
        sink.awaitStored(4);
        pipeline.close();
        assertThat(sink.stored()).containsExactlyInAnyOrder("entry-0", "entry-1", "entry-2", "entry-3");
        assertThat(listener.counters()).isEqualTo(pipeline.counters());
        assertThat(pipeline.counters().dropped()).isEqualTo(2);
    }

    @Test
    void closeFlushesTheQueueToAHealthySink() throws Exception {
        TestSink sink = new TestSink();
        sink.gate = new CountDownLatch(1);
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                settings(10_000, 100), HistoryListener.NONE);
        items(0, 500).forEach(pipeline::offer);
        sink.gate.countDown();
        pipeline.close();

        assertThat(sink.delivered()).isEqualTo(items(0, 500));
        assertThat(pipeline.counters().journaled()).isZero();
        assertThat(pipeline.offer("late")).as("after close").isEqualTo(OfferResult.DROPPED);
    }

    @Test
    void closeWithTheSinkDownJournalsAndTheNextStartReplaysInOrder() throws Exception {
        TestSink down = new TestSink();
        down.down = true;
        HistoryPipeline<String> first = HistoryPipeline.start(Journal.open(dir, MB), down, CODEC,
                settings(10_000, 10), HistoryListener.NONE);
        items(0, 300).forEach(first::offer);
        first.close();
        assertThat(first.counters().journaled()).isEqualTo(300);
        assertThat(down.delivered()).isEmpty();

        TestSink up = new TestSink();
        HistoryPipeline<String> second = HistoryPipeline.start(Journal.open(dir, MB), up, CODEC,
                settings(10_000, 10), HistoryListener.NONE);
        up.awaitStored(300);
        items(300, 310).forEach(second::offer);
        up.awaitStored(310);
        second.close();

        assertThat(up.delivered()).isEqualTo(items(0, 310));
        assertThat(second.counters().replayed()).isEqualTo(300);
    }

    @Test
    void anUndecodableJournalEntryIsDroppedAndTheRestDelivered() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(List.of(new JournalEntry("a", "a".getBytes(StandardCharsets.UTF_8)),
                    new JournalEntry("bad", new byte[] {1}), new JournalEntry("c", "c".getBytes(StandardCharsets.UTF_8))));
        }
        HistoryCodec<String> strict = new HistoryCodec<>() {
            @Override public String key(String entry) { return entry; }
            @Override public byte[] encode(String entry) { return CODEC.encode(entry); }
            @Override public String decode(byte[] payload) {
                if (payload.length == 1 && payload[0] == 1) {
                    throw new IllegalArgumentException("not an entry");
                }
                return new String(payload, StandardCharsets.UTF_8);
            }
        };
        TestSink sink = new TestSink();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, strict,
                settings(10, 10), HistoryListener.NONE);
        sink.awaitStored(2);
        pipeline.close();
        assertThat(sink.delivered()).containsExactly("a", "c");
        assertThat(pipeline.counters().dropped()).isEqualTo(1);
    }

    @Test
    void manyMailThreadsOfferingWhileTheSinkFlapsLoseNothingAndDuplicateNothing() throws Exception {
        TestSink sink = new TestSink();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, 64 * MB), sink, CODEC,
                settings(50, 32), HistoryListener.NONE);
        int threads = 4;
        int perThread = 250;
        List<Thread> mailThreads = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            mailThreads.add(new Thread(() -> items(base, base + perThread).forEach(pipeline::offer)));
        }
        mailThreads.forEach(Thread::start);
        for (int flap = 0; flap < 6; flap++) {
            sink.down = !sink.down;
            Thread.sleep(2);
        }
        for (Thread thread : mailThreads) {
            thread.join();
        }
        sink.down = false;
        sink.awaitStored(threads * perThread);
        pipeline.close();

        assertThat(sink.delivered()).as("no entry delivered twice").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(items(0, threads * perThread));
        for (int t = 0; t < threads; t++) {
            List<String> own = items(t * perThread, (t + 1) * perThread);
            List<String> seen = sink.delivered().stream().filter(new HashSet<>(own)::contains).toList();
            if (pipeline.counters().journaled() == 0) {
                assertThat(seen).as("without overflow, each thread's order holds").isEqualTo(own);
            }
        }
        assertThat(pipeline.counters().dropped()).isZero();
    }

    @Test
    void closeWithAHungSinkJournalsTheQueueAndTheBatchInFlight() throws Exception {
        TestSink sink = new TestSink();
        sink.gate = new CountDownLatch(1); // never opened: a database that does not answer
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                new HistoryPipeline.Settings(100, 10, Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMillis(20)),
                HistoryListener.NONE);
        pipeline.offer("entry-0");
        assertThat(sink.entered.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        items(1, 5).forEach(pipeline::offer);
        pipeline.close();

        assertThat(pipeline.counters().journaled()).isEqualTo(5);
        try (Journal journal = Journal.open(dir, MB)) {
            assertThat(journal.read(100).entries()).extracting(JournalEntry::key)
                    .containsExactlyInAnyOrderElementsOf(items(0, 5));
        }
    }

    @Test
    void entriesOfferedDuringAStartUpReplayQueueBehindTheBacklog() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(items(0, 100).stream().map(e -> new JournalEntry(e, CODEC.encode(e))).toList());
        }
        TestSink sink = new TestSink();
        sink.gate = new CountDownLatch(1);
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                settings(10_000, 10), HistoryListener.NONE);
        assertThat(sink.entered.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue(); // replaying the first batch
        items(100, 150).forEach(e -> assertThat(pipeline.offer(e)).isEqualTo(OfferResult.QUEUED));
        sink.gate.countDown();
        sink.awaitStored(150);
        pipeline.close();

        assertThat(sink.delivered()).isEqualTo(items(0, 150));
        // The writer replays the whole backlog before it takes the queue: the new entries need no journal.
        assertThat(pipeline.counters()).isEqualTo(new HistoryCounters(50, 150, 0, 0, 100));
    }

    @Test
    void aSinkThatStoresPartOfABatchAndThenFailsGetsItAgainAndStoresEachEntryOnce() throws Exception {
        TestSink store = new TestSink();
        AtomicLong failuresLeft = new AtomicLong(3);
        BatchSink<String> flaky = batch -> {
            if (failuresLeft.getAndDecrement() > 0) {
                store.write(batch.subList(0, (batch.size() + 1) / 2)); // half committed, then the connection drops
                throw new IllegalStateException("connection reset");
            }
            store.write(batch);
        };
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), flaky, CODEC,
                settings(10_000, 10), HistoryListener.NONE);
        items(0, 40).forEach(pipeline::offer);
        store.awaitStored(40);
        pipeline.close();

        assertThat(store.delivered()).as("at least once: some entries arrived twice").hasSizeGreaterThan(40);
        assertThat(store.stored()).as("idempotent keys: each stored once, in order").isEqualTo(items(0, 40));
    }

    @Test
    void journalFirstOffersAreDurableAndDeliveredOnceInEachThreadsOrder() throws Exception {
        TestSink sink = new TestSink();
        CountingListener listener = new CountingListener();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, 64 * MB), sink, CODEC,
                settings(10, 50).withJournalFirst(true), listener);
        int threads = 4;
        int perThread = 200;
        List<Thread> mailThreads = new ArrayList<>();
        List<OfferResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            mailThreads.add(new Thread(() -> items(base, base + perThread).forEach(e -> results.add(pipeline.offer(e)))));
        }
        mailThreads.forEach(Thread::start);
        for (Thread thread : mailThreads) {
            thread.join();
        }
        sink.awaitStored(threads * perThread);
        pipeline.close();

        assertThat(results).hasSize(threads * perThread).containsOnly(OfferResult.JOURNALED);
        assertThat(sink.delivered()).doesNotHaveDuplicates().hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            List<String> own = items(t * perThread, (t + 1) * perThread);
            Set<String> ownSet = new HashSet<>(own);
            assertThat(sink.delivered().stream().filter(ownSet::contains).toList()).isEqualTo(own);
        }
        assertThat(pipeline.counters()).isEqualTo(new HistoryCounters(0, 800, 800, 0, 800));
        assertThat(listener.counters()).isEqualTo(pipeline.counters());
    }

    @Test
    void journalFirstWithTheSinkDownKeepsEverythingForTheNextStart() throws Exception {
        TestSink down = new TestSink();
        down.down = true;
        HistoryPipeline<String> first = HistoryPipeline.start(Journal.open(dir, MB), down, CODEC,
                settings(10, 10).withJournalFirst(true), HistoryListener.NONE);
        items(0, 50).forEach(e -> assertThat(first.offer(e)).isEqualTo(OfferResult.JOURNALED));
        first.close();

        TestSink up = new TestSink();
        HistoryPipeline<String> second = HistoryPipeline.start(Journal.open(dir, MB), up, CODEC,
                settings(10, 10).withJournalFirst(true), HistoryListener.NONE);
        up.awaitStored(50);
        second.close();
        assertThat(up.delivered()).isEqualTo(items(0, 50));
    }

    @Test
    void aHalfFullQueueGetsABatchAfterEachReplayedBatchStraightToTheSink() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(items(0, 100).stream().map(e -> new JournalEntry(e, CODEC.encode(e))).toList());
        }
        TestSink sink = new TestSink();
        sink.gate = new CountDownLatch(1);
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                settings(20, 10), HistoryListener.NONE);
        assertThat(sink.entered.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue(); // replaying the first batch
        items(100, 110).forEach(e -> assertThat(pipeline.offer(e)).isEqualTo(OfferResult.QUEUED)); // half full
        sink.gate.countDown();
        sink.awaitStored(110);
        pipeline.close();

        List<String> expected = new ArrayList<>(items(0, 10));
        expected.addAll(items(100, 110));
        expected.addAll(items(10, 100));
        assertThat(sink.delivered()).as("the queue's batch goes between replayed batches, the journal keeps its order")
                .isEqualTo(expected);
        assertThat(pipeline.counters()).as("the queued entries were never journaled")
                .isEqualTo(new HistoryCounters(10, 110, 0, 0, 100));
    }

    @Test
    void closeWithAWorkingSinkReplaysTheBacklogBeforeFlushingTheQueue() throws Exception {
        TestSink sink = new TestSink();
        sink.gate = new CountDownLatch(1);
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                settings(4, 1), HistoryListener.NONE);
        pipeline.offer("entry-0");
        assertThat(sink.entered.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        items(1, 9).forEach(pipeline::offer); // 4 queued, 4 journaled
        sink.gate.countDown();
        pipeline.close();

        assertThat(sink.delivered()).containsExactlyInAnyOrderElementsOf(items(0, 9));
        try (Journal journal = Journal.open(dir, MB)) {
            assertThat(journal.pendingEntries()).isZero();
        }
    }
}
