package org.jamesdmarc.store.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 3 in miniature: a real JVM runs a journal-first {@link HistoryPipeline} into a stand-in database
 * (a file of keys) and is killed with SIGKILL while mail keeps coming. A new pipeline on the same journal then
 * replays into the same database, idempotent by key: every entry whose {@code offer} returned is stored, none
 * twice — with the default {@link JournalSync#INTERVAL} (the offer waited for the journal's {@code write()}, not
 * for an fsync: a killed process's writes are the kernel's) and with {@link JournalSync#ALWAYS}.
 */
class PipelineCrashTest {

    @TempDir
    Path dir;

    @Test
    void afterKillDashNineEveryOfferedEntryIsStoredOnce() throws Exception {
        // The default sync (JournalSync.INTERVAL): an offer returned after the journal's write(), before any fsync.
        afterKillDashNineEveryOfferedEntryIsStoredOnce(JournalSync.INTERVAL);
    }

    @Test
    void withAnFsyncPerOfferAfterKillDashNineEveryOfferedEntryIsStoredOnce() throws Exception {
        afterKillDashNineEveryOfferedEntryIsStoredOnce(JournalSync.ALWAYS);
    }

    private void afterKillDashNineEveryOfferedEntryIsStoredOnce(JournalSync sync) throws Exception {
        Path journalDir = dir.resolve("journal");
        Path database = dir.resolve("database.txt");
        long offered = runAndKill(journalDir, database, 1000, 1, sync);

        List<String> lines = new ArrayList<>(List.of(Files.readString(database, StandardCharsets.US_ASCII).split("\n", -1)));
        lines.remove(lines.size() - 1); // after the last newline: empty, or a line torn by the kill
        Set<String> storedBeforeCrash = new LinkedHashSet<>(lines);
        assertThat(lines).as("the child's sink stores each batch once").doesNotHaveDuplicates();

        HistoryPipelineTest.TestSink database2 = new HistoryPipelineTest.TestSink();
        database2.preload(storedBeforeCrash);
        HistoryPipeline<String> restarted = HistoryPipeline.start(Journal.open(journalDir, Long.MAX_VALUE, 64 * 1024),
                database2, HistoryPipelineTest.CODEC, new HistoryPipeline.Settings(100, 20, Duration.ofMillis(1),
                        Duration.ofMillis(10), Duration.ofSeconds(60), true), HistoryListener.NONE);
        HistoryPipelineTest.await(() -> restarted.journalBacklog() == 0);
        restarted.close();

        System.out.printf("%s: offered %d; stored before the kill %d; replayed after the restart %d (%d new)%n",
                sync, offered, storedBeforeCrash.size(), database2.delivered().size(), database2.stored().size());
        Set<String> all = new LinkedHashSet<>(storedBeforeCrash);
        for (String key : database2.stored()) {
            assertThat(all.add(key)).as("%s stored once", key).isTrue();
        }
        for (long n = 0; n < offered; n++) {
            assertThat(all).as("entry %d was offered before the kill", n).contains("entry-" + n);
        }
        assertThat(database2.delivered()).as("the replay is in offer order")
                .isSortedAccordingTo((a, b) -> Long.compare(number(a), number(b)));
    }

    @Test
    void withFourWritersAfterKillDashNineEveryOfferedEntryIsStoredOnce() throws Exception {
        // Batches written out of order by the child's writers: the checkpoint must not have passed any unwritten.
        Path journalDir = dir.resolve("journal");
        Path database = dir.resolve("database.txt");
        long offered = runAndKill(journalDir, database, 2000, 4, JournalSync.INTERVAL);

        List<String> lines = new ArrayList<>(List.of(Files.readString(database, StandardCharsets.US_ASCII).split("\n", -1)));
        lines.remove(lines.size() - 1); // after the last newline: empty, or a line torn by the kill
        Set<String> storedBeforeCrash = new LinkedHashSet<>(lines);
        assertThat(lines).as("the child's sink stores each batch once").doesNotHaveDuplicates();

        HistoryPipelineTest.TestSink database2 = new HistoryPipelineTest.TestSink();
        database2.preload(storedBeforeCrash);
        HistoryPipeline<String> restarted = HistoryPipeline.start(Journal.open(journalDir, Long.MAX_VALUE, 64 * 1024),
                database2, HistoryPipelineTest.CODEC, new HistoryPipeline.Settings(100, 20, Duration.ofMillis(1),
                        Duration.ofMillis(10), Duration.ofSeconds(60), true, 4), HistoryListener.NONE);
        HistoryPipelineTest.await(() -> restarted.journalBacklog() == 0);
        restarted.close();

        Set<String> all = new LinkedHashSet<>(storedBeforeCrash);
        for (String key : database2.stored()) {
            assertThat(all.add(key)).as("%s stored once", key).isTrue();
        }
        for (long n = 0; n < offered; n++) {
            assertThat(all).as("entry %d was offered before the kill", n).contains("entry-" + n);
        }
    }

    private static long number(String key) {
        return Long.parseLong(key.substring("entry-".length()));
    }

    private static long runAndKill(Path journalDir, Path database, long until, int writers, JournalSync sync)
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                PipelineCrashWriter.class.getName(), journalDir.toString(), database.toString(),
                Integer.toString(writers), sync.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        long offered = 0;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = out.readLine()) != null) {
                assertThat(line).doesNotStartWith("failed");
                if (line.startsWith("offered ")) {
                    offered = Long.parseLong(line.substring("offered ".length()));
                    if (offered >= until) {
                        process.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            process.destroyForcibly();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(offered).isGreaterThanOrEqualTo(until);
        return offered;
    }
}
