package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.store.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OpenDmarcHistoryAppender}: off the caller's thread, appending, rotation-safe, errors counted, never thrown. */
class OpenDmarcHistoryAppenderTest {

    private static final String REPORTER = "mx1.receiver.example";

    @TempDir
    Path tmp;

    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final OpenDmarcHistoryAppender.Listener listener = new OpenDmarcHistoryAppender.Listener() {
        @Override
        public void written(int records) {
            written.addAndGet(records);
        }

        @Override
        public void dropped() {
            dropped.incrementAndGet();
        }

        @Override
        public void failed(int records) {
            failed.addAndGet(records);
        }
    };

    private static List<String> jobIds(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        List<HistoryWarning> warnings = new ArrayList<>();
        try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(file, warnings::add)) {
            for (Optional<HistoryEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
                assertThat(e.get().reporter()).isEqualTo(REPORTER);
                ids.add(e.get().jobId());
            }
        }
        assertThat(warnings).isEmpty();
        return ids;
    }

    private static List<String> keys(List<EvaluationRecord> records) {
        return records.stream().map(r -> r.key().value()).toList();
    }

    private static void await(LongSupplier count, long n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (count.getAsLong() < n && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(count.getAsLong()).isEqualTo(n);
    }

    @Test
    void everyOfferedRecordIsInTheFileInOrderAfterClose() throws Exception {
        Path file = tmp.resolve("opendmarc.dat");
        List<EvaluationRecord> records = Records.records(0, 300);
        OpenDmarcHistoryAppender appender = OpenDmarcHistoryAppender.start(file, REPORTER, 1000, listener);
        records.forEach(r -> assertThat(appender.offer(r)).isTrue());
        appender.close();

        assertThat(jobIds(file)).containsExactlyElementsOf(keys(records));
        assertThat(appender.written()).isEqualTo(300);
        assertThat(written).hasValue(300);
        assertThat(appender.dropped() + appender.failed()).isZero();
    }

    @Test
    void appendsToWhatIsThereNeverTruncates() throws Exception {
        Path file = tmp.resolve("opendmarc.dat");
        try (OpenDmarcHistoryWriter writer = OpenDmarcHistoryWriter.open(file, REPORTER)) {
            writer.append(Records.record(1));
        }
        OpenDmarcHistoryAppender appender = OpenDmarcHistoryAppender.start(file, REPORTER, 10, listener);
        appender.offer(Records.record(2));
        appender.close();
        assertThat(jobIds(file)).containsExactly(Records.key(1).value(), Records.key(2).value());
    }

    @Test
    void aFileMovedAwayForImportIsFollowedByANewOne() throws Exception {
        Path file = tmp.resolve("opendmarc.dat");
        Path rotated = tmp.resolve("opendmarc.dat.1");
        OpenDmarcHistoryAppender appender = OpenDmarcHistoryAppender.start(file, REPORTER, 100, listener);
        Records.records(0, 10).forEach(appender::offer);
        await(appender::written, 10);

        Files.move(file, rotated); // what a cron job does before opendmarc-import reads the file
        Records.records(10, 15).forEach(appender::offer);
        appender.close();

        assertThat(jobIds(rotated)).as("the moved file is not written again").containsExactlyElementsOf(
                keys(Records.records(0, 10)));
        assertThat(jobIds(file)).as("a new file at the configured path").containsExactlyElementsOf(
                keys(Records.records(10, 15)));
    }

    @Test
    void anUnwritableFileIsCountedNeverThrownAndTheAppenderGoesOn() throws Exception {
        Path missingDir = tmp.resolve("no-such-dir");
        Path file = missingDir.resolve("opendmarc.dat");
        OpenDmarcHistoryAppender appender = OpenDmarcHistoryAppender.start(file, REPORTER, 100, listener);
        Records.records(0, 5).forEach(r -> assertThat(appender.offer(r)).isTrue());
        await(appender::failed, 5);
        assertThat(failed).hasValue(5);
        assertThat(appender.written()).isZero();

        Files.createDirectories(missingDir); // fixed by the administrator: the next records are written
        Records.records(5, 8).forEach(appender::offer);
        appender.close();
        assertThat(jobIds(file)).containsExactlyElementsOf(keys(Records.records(5, 8)));
        assertThat(appender.failed()).isEqualTo(5);
    }

    @Test
    void offerNeverBlocksAFullQueueOrAClosedAppenderDropsAndCounts() throws Exception {
        Path file = tmp.resolve("opendmarc.dat");
        OpenDmarcHistoryAppender appender = OpenDmarcHistoryAppender.start(file, REPORTER, 1, listener);
        List<EvaluationRecord> records = Records.records(0, 2000);
        records.forEach(appender::offer);
        appender.close();
        assertThat(appender.written() + appender.dropped()).as("each record written or dropped, none lost silently")
                .isEqualTo(records.size());
        assertThat(jobIds(file)).hasSize((int) appender.written());
        assertThat(dropped.get()).isEqualTo(appender.dropped());

        assertThat(appender.offer(Records.record(5000))).as("after close").isFalse();
        assertThat(appender.dropped()).isEqualTo(dropped.get());
        appender.close(); // idempotent
        assertThat(jobIds(file)).hasSize((int) appender.written());
    }
}
