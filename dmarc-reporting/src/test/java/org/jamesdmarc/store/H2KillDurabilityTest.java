package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the embedded H2 store committed survives the death of its process: a child JVM ({@link H2CommitThenDie})
 * stores records and halts right after the commit, as {@code kill -9} would; reopened, every record is there, and
 * so are the report counters of the same transaction. (H2's default {@code WRITE_DELAY} of 500 ms lost them all:
 * the store sets it to 0, {@code JdbcHistoryStore.h2WriteEachCommit}.)
 */
class H2KillDurabilityTest {

    @TempDir
    Path home;

    @Test
    void recordsCommittedJustBeforeTheProcessDiesAreKept() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                H2CommitThenDie.class.getName(), home.toString(), "300")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("stored 300");
        assertThat(child.exitValue()).as("halted, not closed").isEqualTo(9);

        try (JdbcHistoryStore store = JdbcHistoryStore.open(DmarcSettings.load(home, Map.of()).store())) {
            assertThat(store.count()).isEqualTo(300);
            assertThat(store.list(HistoryQuery.all(1000))).containsExactlyElementsOf(Records.records(0, 300));
            // Since V5 the counters are filled by the roll-up from the pending keys the same commit stored.
            new ReportRollup(store, Duration.ofDays(1)).rollUp();
            long counted = 0;
            try (var c = store.dataSource().getConnection(); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT SUM(messages) FROM dmarc_report_policy")) {
                rs.next();
                counted = rs.getLong(1);
            }
            assertThat(counted).as("the report counters rolled up from the pending keys of the same commit")
                    .isEqualTo(Records.records(0, 300).stream().filter(r -> r.published().isPresent()).count());
        }
    }
}
