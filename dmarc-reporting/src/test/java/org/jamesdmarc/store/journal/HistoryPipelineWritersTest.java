package org.jamesdmarc.store.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.store.journal.HistoryPipelineTest.CODEC;
import static org.jamesdmarc.store.journal.HistoryPipelineTest.await;
import static org.jamesdmarc.store.journal.HistoryPipelineTest.items;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.jamesdmarc.store.journal.HistoryPipelineTest.CountingListener;
import org.jamesdmarc.store.journal.HistoryPipelineTest.TestSink;

/**
 * {@link HistoryPipeline} with several writer threads ({@link HistoryPipeline.Settings#writers()}), and
 * journal-first mode writing the journaled entries from memory: batches written concurrently, the journal's
 * checkpoint moved only over a run of written batches, failures and restarts losing and duplicating nothing.
 */
class HistoryPipelineWritersTest {

    private static final long MB = 1024 * 1024;
    /** Only a guard against a hang; no assertion is about time. */
    private static final long GUARD_SECONDS = 60;

    @TempDir
    Path dir;

    private static HistoryPipeline.Settings settings(int queueCapacity, int batchSize, int writers) {
        return new HistoryPipeline.Settings(queueCapacity, batchSize, Duration.ofMillis(1), Duration.ofMillis(20),
                Duration.ofSeconds(GUARD_SECONDS), false, writers);
    }

    /** A codec counting its decodes: entries written from memory are never decoded. */
    private static final class CountingCodec implements HistoryCodec<String> {
        final AtomicLong decoded = new AtomicLong();

        @Override
        public String key(String entry) {
            return CODEC.key(entry);
        }

        @Override
        public byte[] encode(String entry) {
            return CODEC.encode(entry);
        }

        @Override
        public String decode(byte[] payload) {
            decoded.incrementAndGet();
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Offers {@code perThread} entries from each of {@code threads} mail threads at once; returns the results. */
    private static List<OfferResult> offerFrom(HistoryPipeline<String> pipeline, int threads, int perThread)
            throws InterruptedException {
        List<OfferResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> mailThreads = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            mailThreads.add(new Thread(() -> items(base, base + perThread).forEach(e -> results.add(pipeline.offer(e)))));
        }
        mailThreads.forEach(Thread::start);
        for (Thread thread : mailThreads) {
            thread.join();
        }
        return results;
    }

    @Test
    void writersWriteBatchesConcurrently() throws Exception {
        // Each write waits (bounded) until another write is in the sink too: with one writer at a time it never is.
        AtomicInteger inSink = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch twoAtOnce = new CountDownLatch(1);
        TestSink store = new TestSink();
        BatchSink<String> sink = batch -> {
            int now = inSink.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            if (now >= 2) {
                twoAtOnce.countDown();
            }
            try {
                twoAtOnce.await(GUARD_SECONDS, TimeUnit.SECONDS);
                store.write(batch);
            } finally {
                inSink.decrementAndGet();
            }
        };
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                settings(10_000, 10, 4), HistoryListener.NONE);
        items(0, 200).forEach(pipeline::offer);
        store.awaitStored(200);
        pipeline.close();

        assertThat(mostAtOnce.get()).as("batches in the sink at the same time").isGreaterThanOrEqualTo(2);
        assertThat(store.stored()).containsExactlyInAnyOrderElementsOf(items(0, 200));
        assertThat(store.delivered()).doesNotHaveDuplicates();
    }

    @Test
    void aWriterStillGatheringIsNotWokenForEachEntryWhenTheOtherStopsGathering() throws Exception {
        // Both writers gather (the first batch just written, one entry queued); the next entries fill a batch and
        // one writer leaves with it (held in the sink). The other still gathers: a lone entry offered now must not
        // wake it (it would write that entry alone after LINGER_MILLIS), so the next ten go in one full batch.
        // Whether both writers gather at all is up to the threads' timing (within GATHER_MILLIS): a few attempts.
        List<List<String>> batches = List.of();
        for (int attempt = 0; attempt < 5 && !batches.contains(items(11, 21)); attempt++) {
            batches = java.util.Collections.synchronizedList(new ArrayList<>());
            List<List<String>> written = batches;
            CountDownLatch firstIn = new CountDownLatch(1);
            CountDownLatch fullIn = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch releaseFull = new CountDownLatch(1);
            TestSink store = new TestSink();
            BatchSink<String> sink = batch -> {
                written.add(List.copyOf(batch));
                if (batch.contains("entry-0")) {
                    firstIn.countDown();
                    release.await(GUARD_SECONDS, TimeUnit.SECONDS);
                } else if (batch.equals(items(1, 11))) {
                    fullIn.countDown();
                    releaseFull.await(GUARD_SECONDS, TimeUnit.SECONDS);
                }
                store.write(batch);
            };
            HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(
                    java.nio.file.Files.createTempDirectory(dir, "attempt"), MB), sink, CODEC, settings(1000, 10, 2),
                    HistoryListener.NONE);
            try {
                pipeline.offer("entry-0"); // no batch for a day: written at once
                assertThat(firstIn.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
                pipeline.offer("entry-1"); // the other writer waits for the busy one
                release.countDown(); // both free again soon after a batch, one entry queued: both gather
                Thread.sleep(5);
                items(2, 11).forEach(pipeline::offer); // a full batch: one writer takes it and stays in the sink
                if (!fullIn.await(1, TimeUnit.SECONDS)) {
                    continue; // entry-1 was written alone: the writers did not both gather
                }
                pipeline.offer("entry-11");
                Thread.sleep(2 * HistoryPipeline.LINGER_MILLIS);
                items(12, 21).forEach(pipeline::offer);
                releaseFull.countDown();
                store.awaitStored(21);
            } finally {
                release.countDown();
                releaseFull.countDown();
                pipeline.close();
            }
            assertThat(store.stored()).containsExactlyInAnyOrderElementsOf(items(0, 21));
        }
        assertThat(batches).as("batches written").contains(items(11, 21));
    }

    @Test
    void manyMailThreadsAndFourWritersWhileTheSinkFlapsLoseNothingAndDuplicateNothing() throws Exception {
        TestSink store = new TestSink();
        AtomicLong writes = new AtomicLong();
        BatchSink<String> flapping = batch -> {
            if (writes.incrementAndGet() % 7 == 0) {
                store.write(batch.subList(0, batch.size() / 2)); // half committed, then the connection drops
                throw new IllegalStateException("connection reset");
            }
            store.write(batch);
        };
        CountingListener listener = new CountingListener();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, 64 * MB), flapping, CODEC,
                settings(500, 25, 4), listener);
        List<OfferResult> results = offerFrom(pipeline, 8, 1000);
        store.awaitStored(8000);
        // A batch that failed last leaves its (stored) entries in the journal until the retry after the backoff.
        await(() -> pipeline.journalBacklog() == 0);
        pipeline.close();

        assertThat(results).doesNotContain(OfferResult.DROPPED);
        assertThat(store.stored()).containsExactlyInAnyOrderElementsOf(items(0, 8000));
        HistoryCounters c = pipeline.counters();
        assertThat(c.queued() + c.journaled()).isGreaterThanOrEqualTo(8000);
        assertThat(c.dropped()).isZero();
        assertThat(listener.counters()).isEqualTo(c);
        try (Journal journal = Journal.open(dir, 64 * MB)) {
            assertThat(journal.pendingEntries()).as("everything written was acknowledged").isZero();
        }
    }

    @Test
    void journalFirstWritesFromMemoryWithoutReadingTheJournalBack() throws Exception {
        TestSink sink = new TestSink();
        CountingCodec codec = new CountingCodec();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, 64 * MB), sink, codec,
                settings(100_000, 50, 3).withJournalFirst(true), HistoryListener.NONE);
        List<OfferResult> results = offerFrom(pipeline, 8, 300);
        sink.awaitStored(2400);
        await(() -> pipeline.journalBacklog() == 0);
        pipeline.close();

        assertThat(results).hasSize(2400).containsOnly(OfferResult.JOURNALED);
        assertThat(sink.delivered()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(items(0, 2400));
        assertThat(codec.decoded.get()).as("entries decoded from the journal").isZero();
        assertThat(pipeline.counters()).isEqualTo(new HistoryCounters(0, 2400, 2400, 0, 2400));
        try (Journal journal = Journal.open(dir, 64 * MB)) {
            assertThat(journal.pendingEntries()).isZero();
        }
    }

    @Test
    void journalFirstPastTheInMemoryCapReadsTheRestBackFromTheJournalInOrder() throws Exception {
        TestSink sink = new TestSink();
        sink.gate = new CountDownLatch(1); // the database is slow: memory fills up
        CountingCodec codec = new CountingCodec();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, codec,
                settings(20, 10, 1).withJournalFirst(true), HistoryListener.NONE);
        items(0, 100).forEach(e -> assertThat(pipeline.offer(e)).isEqualTo(OfferResult.JOURNALED));
        sink.gate.countDown();
        sink.awaitStored(100);
        pipeline.close();

        assertThat(sink.delivered()).as("one writer: journal order").isEqualTo(items(0, 100));
        assertThat(codec.decoded.get()).as("read back: what memory could not hold").isPositive().isLessThan(100);
        assertThat(pipeline.counters()).isEqualTo(new HistoryCounters(0, 100, 100, 0, 100));
    }

    @Test
    void theCheckpointNeverPassesABatchStillBeingWritten() throws Exception {
        // The first batch hangs in the sink; the later ones are written by the other writers. The checkpoint must
        // stay before the first batch: after the pipeline gives up on it, all of them are still in the journal.
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch firstEntered = new CountDownLatch(1);
        TestSink store = new TestSink();
        BatchSink<String> sink = batch -> {
            if (batch.contains("entry-0")) {
                firstEntered.countDown();
                never.await(); // a database that never answers this one
            }
            store.write(batch);
        };
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB), sink, CODEC,
                new HistoryPipeline.Settings(1000, 10, Duration.ofMillis(1), Duration.ofMillis(20),
                        Duration.ofMillis(200), true, 3), HistoryListener.NONE);
        assertThat(pipeline.offer("entry-0")).isEqualTo(OfferResult.JOURNALED);
        assertThat(firstEntered.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        items(1, 60).forEach(e -> assertThat(pipeline.offer(e)).isEqualTo(OfferResult.JOURNALED));
        store.awaitStored(59);
        assertThat(pipeline.journalBacklog()).as("nothing acknowledged past the hung batch").isEqualTo(60);
        pipeline.close(); // interrupts the hung write: its batch fails and stays in the journal

        try (Journal journal = Journal.open(dir, MB)) {
            assertThat(journal.read(1000).entries()).extracting(JournalEntry::key)
                    .as("the checkpoint stayed before entry-0").isEqualTo(items(0, 60));
        }
        TestSink database = new TestSink();
        database.preload(store.stored());
        HistoryPipeline<String> restarted = HistoryPipeline.start(Journal.open(dir, MB), database, CODEC,
                settings(1000, 10, 3).withJournalFirst(true), HistoryListener.NONE);
        database.awaitStored(1);
        await(() -> restarted.journalBacklog() == 0);
        restarted.close();
        assertThat(database.stored()).as("only the hung entry was missing").containsExactly("entry-0");
    }

    @Test
    void journalFirstWithTheSinkDownThenBackStoresEverythingOnceAndEmptiesTheJournal() throws Exception {
        TestSink sink = new TestSink();
        sink.down = true;
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, 64 * MB), sink, CODEC,
                settings(300, 20, 4).withJournalFirst(true), HistoryListener.NONE);
        List<OfferResult> whileDown = offerFrom(pipeline, 4, 250);
        await(() -> sink.failedWrites.get() > 0);
        sink.down = false;
        sink.awaitStored(1000);
        await(() -> pipeline.journalBacklog() == 0);
        pipeline.close();

        assertThat(whileDown).containsOnly(OfferResult.JOURNALED);
        assertThat(sink.stored()).containsExactlyInAnyOrderElementsOf(items(0, 1000));
        assertThat(pipeline.counters().written()).isGreaterThanOrEqualTo(1000);
        try (Journal journal = Journal.open(dir, 64 * MB)) {
            assertThat(journal.pendingEntries()).isZero();
        }
    }

    @Test
    void aBacklogAtStartUpIsReplayedBySeveralWritersOnceAndAcknowledged() throws Exception {
        try (Journal journal = Journal.open(dir, MB, 4 * 1024)) { // small segments: the replay crosses many
            for (int from = 0; from < 1000; from += 50) {
                journal.append(items(from, from + 50).stream().map(e -> new JournalEntry(e, CODEC.encode(e))).toList());
            }
        }
        TestSink sink = new TestSink();
        HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(dir, MB, 4 * 1024), sink, CODEC,
                settings(1000, 25, 4), HistoryListener.NONE);
        sink.awaitStored(1000);
        await(() -> pipeline.journalBacklog() == 0);
        pipeline.close();

        assertThat(sink.delivered()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(items(0, 1000));
        assertThat(pipeline.counters()).isEqualTo(new HistoryCounters(0, 1000, 0, 0, 1000));
        try (Journal journal = Journal.open(dir, MB, 4 * 1024)) {
            assertThat(journal.pendingEntries()).isZero();
            assertThat(journal.sizeBytes()).as("acknowledged segments deleted").isZero();
        }
    }
}
