package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.StoreFixture;
import org.jamesdmarc.store.opendmarc.HistoryEntry;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryReader;
import org.jamesdmarc.store.opendmarc.PolicyOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code dmarc history import} and {@code stats} through the command line, against embedded H2 and the machine's
 * real PostgreSQL (a database of the test's own, dropped after; unreachable: skipped loudly, or failed in CI).
 */
class DmarcHistoryCommandTest {

    /** 300 messages from gen-opendmarc-history.py (300 messages, 20 domains). */
    private static final String SAMPLE = "/org/jamesdmarc/store/opendmarc/gen-opendmarc-history-300-20.dat";

    @TempDir
    Path tmp;

    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private Path sample() throws IOException {
        Path file = tmp.resolve("opendmarc.dat");
        try (InputStream in = getClass().getResourceAsStream(SAMPLE)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private CliRun history(String command, String... rest) {
        List<String> args = new ArrayList<>(List.of("history", command, "--db", db.url(), "--db-user", db.user()));
        args.addAll(List.of(rest));
        return CliRun.run(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void importsTheSampleOnceAndStatsAgree(Backend kind) throws Exception {
        db = stores.database(kind, tmp);
        Path file = sample();

        CliRun first = history("import", "--json", file.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        JsonNode j = first.json();
        assertThat(j.get("files").asLong()).isEqualTo(1);
        assertThat(j.get("messages").asLong()).isEqualTo(300);
        assertThat(j.get("new").asLong()).isEqualTo(300);
        assertThat(j.get("duplicates").asLong()).isZero();
        assertThat(j.get("skipped").asLong()).isZero();
        assertThat(first.err()).contains("history database " + db.url()).doesNotContain("Exception");

        CliRun again = history("import", "--json", file.toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.json().get("new").asLong()).as("a re-import adds nothing").isZero();
        assertThat(again.json().get("duplicates").asLong()).isEqualTo(300);

        // What stats must say, read from the file independently of the import.
        Set<String> policyDomains = new HashSet<>();
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        try (OpenDmarcHistoryReader r = OpenDmarcHistoryReader.open(file, w -> { })) {
            r.forEachRemaining((HistoryEntry e) -> {
                if (e.policy() != PolicyOutcome.ABSENT) {
                    policyDomains.add(e.policyDomain());
                }
                range[0] = Math.min(range[0], e.received().getEpochSecond());
                range[1] = Math.max(range[1], e.received().getEpochSecond());
            });
        }
        CliRun stats = history("stats", "--json");
        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        JsonNode s = stats.json();
        assertThat(s.get("messages").asLong()).isEqualTo(300);
        assertThat(s.get("policyDomains").asLong()).isEqualTo(policyDomains.size()).isPositive();
        assertThat(s.get("first").asLong()).isEqualTo(range[0]);
        assertThat(s.get("last").asLong()).isEqualTo(range[1]);

        CliRun human = history("stats");
        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).contains("messages:       300");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void aMalformedEntryIsSkippedWithItsFileAndLineAndTheRestImported(Backend kind) throws Exception {
        db = stores.database(kind, tmp);
        List<String> lines = Files.readAllLines(sample());
        // The second entry (lines 24..46): its policy line gets a number OpenDMARC never writes.
        int policyLine = -1;
        for (int i = 23; i < lines.size(); i++) {
            if (lines.get(i).startsWith("policy ")) {
                policyLine = i;
                break;
            }
        }
        lines.set(policyLine, "policy 99");
        Path bad = tmp.resolve("bad.dat");
        Files.write(bad, lines);

        CliRun run = history("import", "--json", bad.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("messages").asLong()).isEqualTo(299);
        assertThat(run.json().get("new").asLong()).isEqualTo(299);
        assertThat(run.json().get("skipped").asLong()).isEqualTo(1);
        assertThat(run.err()).contains(bad + ":" + (policyLine + 1) + ":").contains("entry skipped");

        CliRun stats = history("stats", "--json");
        assertThat(stats.json().get("messages").asLong()).isEqualTo(299);
    }

    @Test
    void anEmptyDatabaseHasNoTimeRange() {
        db = stores.database(Backend.H2, tmp);
        CliRun stats = history("stats", "--json");
        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.json().get("messages").asLong()).isZero();
        assertThat(stats.json().get("policyDomains").asLong()).isZero();
        assertThat(stats.json().get("first").isNull()).isTrue();
        assertThat(stats.json().get("last").isNull()).isTrue();
    }

    @Test
    void operatorMistakesAreOneLineAndExit2() throws Exception {
        Path file = sample();
        CliRun scheme = CliRun.run("history", "import", "--db", "jdbc:oracle:thin:@x:1521/y", file.toString());
        assertThat(scheme.exitCode()).as(scheme.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(scheme.err()).doesNotContain("Exception").doesNotContain("\tat ");

        Path secret = tmp.resolve("pw");
        Files.writeString(secret, "s3cret-pw\n");
        CliRun unreachable = CliRun.run("history", "stats", "--db", "jdbc:postgresql://127.0.0.1:1/nowhere",
                "--db-user", "dmarc", "--db-password-file", secret.toString());
        assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(unreachable.err()).contains("127.0.0.1:1").doesNotContain("s3cret-pw").doesNotContain("\tat ");
        assertThat(unreachable.err().lines().count()).as(unreachable.toString()).isEqualTo(2); // which db, the error

        CliRun missing = CliRun.run("history", "import", "--db", "jdbc:h2:file:" + tmp.resolve("h"),
                tmp.resolve("no-such-file.dat").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(missing.err()).contains("cannot read").contains("no-such-file.dat");

        CliRun noPasswordFile = CliRun.run("history", "stats", "--db", "jdbc:h2:file:" + tmp.resolve("h"),
                "--db-password-file", tmp.resolve("absent").toString());
        assertThat(noPasswordFile.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(noPasswordFile.err()).contains("password file");
    }
}
