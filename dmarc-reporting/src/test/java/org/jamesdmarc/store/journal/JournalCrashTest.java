package org.jamesdmarc.store.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.jamesdmarc.store.journal.JournalWarning.Kind;

/**
 * A real process appends to the journal and is killed with SIGKILL ({@link Process#destroyForcibly()}) while it
 * writes, three times in a row on the same directory: every entry it reported as appended is there, in order,
 * none twice, and the journal opens cleanly (at most a torn tail, cut off).
 */
class JournalCrashTest {

    private static final int BATCH = 25;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedEntrySurvivesKillDashNine() throws Exception {
        long next = 0;
        for (int round = 0; round < 3; round++) {
            long acked = runAndKill(next, next + 2000);
            try (Journal journal = Journal.open(dir, Long.MAX_VALUE, 256 * 1024)) {
                assertThat(journal.warnings()).as("only a torn tail, never a corrupt frame")
                        .allMatch(w -> w.kind() == Kind.TORN_TAIL);
                List<JournalEntry> entries = journal.read(Integer.MAX_VALUE).entries();
                assertThat(entries.size()).as("round %d: all %d acknowledged entries kept", round, acked)
                        .isGreaterThanOrEqualTo((int) acked);
                for (int i = 0; i < entries.size(); i++) {
                    assertThat(entries.get(i)).as("entry %d in order, intact", i)
                            .isEqualTo(JournalCrashWriter.entry(i));
                }
                // Entries past the last ack may be there too (written, not yet reported): never torn, possibly
                // part of a batch, which at-least-once delivery allows.
                next = entries.size();
            }
        }
    }

    /** Starts the writer at {@code from}, kills it once it acknowledged {@code until}; returns the last ack seen. */
    private long runAndKill(long from, long until) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                JournalCrashWriter.class.getName(), dir.toString(), Long.toString(from), Integer.toString(BATCH))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        long acked = from;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = out.readLine()) != null) {
                assertThat(line).doesNotStartWith("failed");
                if (line.startsWith("acked ")) {
                    acked = Long.parseLong(line.substring("acked ".length()));
                    if (acked >= until) {
                        process.destroyForcibly(); // SIGKILL while the writer keeps appending
                        break;
                    }
                }
            }
        } finally {
            process.destroyForcibly();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acked).as("the writer reached its target before dying").isGreaterThanOrEqualTo(until);
        return acked;
    }
}
