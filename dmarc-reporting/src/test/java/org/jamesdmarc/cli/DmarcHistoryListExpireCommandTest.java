package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code dmarc history list} and {@code expire} through the command line, against embedded H2 and the machine's
 * real PostgreSQL (a database of the test's own, dropped after; unreachable: skipped loudly, or failed in CI).
 */
class DmarcHistoryListExpireCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private CliRun history(String command, String... rest) {
        List<String> args = new ArrayList<>(List.of("history", command, "--db", db.url(), "--db-user", db.user()));
        args.addAll(List.of(rest));
        return CliRun.run(args.toArray(String[]::new));
    }

    private void store(List<EvaluationRecord> records) {
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(records);
        }
    }

    private static List<JsonNode> jsonLines(CliRun run) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            lines.add(MAPPER.readTree(line));
        }
        return lines;
    }

    private static List<String> keys(List<JsonNode> lines) {
        return lines.stream().map(l -> l.get("key").asText()).toList();
    }

    private static List<String> keys(int from, int to) {
        return Records.records(from, to).stream().map(r -> r.key().value()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void listsAsJsonLinesFilteredByDomainAndTime(Backend kind) throws Exception {
        db = stores.database(kind, tmp);
        store(Records.records(0, 30));

        CliRun all = history("list", "--json", "--limit", "1000");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.err()).contains("dmarc history list: history database " + db.url()).doesNotContain("Exception");
        if (kind == Backend.H2) {
            assertThat(all.err()).contains(", file " + db.url().substring("jdbc:h2:file:".length()) + ".mv.db");
        }
        List<JsonNode> lines = jsonLines(all);
        assertThat(keys(lines)).containsExactlyElementsOf(keys(0, 30));

        // Record 2: IPv4, policy domain example2.com, two DKIM signatures, a published policy with pct.
        EvaluationRecord r2 = Records.record(2);
        JsonNode j = lines.get(2);
        assertThat(j.get("time").asText()).isEqualTo(r2.time().toString());
        assertThat(j.get("sourceIp").asText()).isEqualTo(r2.sourceIp().getHostAddress());
        assertThat(j.get("headerFrom").asText()).isEqualTo("mail.example2.com");
        assertThat(j.get("envelopeFrom").asText()).isEqualTo("bounce.example.net");
        assertThat(j.get("envelopeTo").toString()).isEqualTo("[\"rcpt.example.org\"]");
        assertThat(j.get("policyDomain").asText()).isEqualTo("example2.com");
        assertThat(j.get("discovery").asText()).isEqualTo("treewalk");
        assertThat(j.get("role").asText()).isEqualTo("org");
        assertThat(j.get("published").get("p").asText()).isEqualTo("reject");
        assertThat(j.get("published").get("sp").asText()).isEqualTo("quarantine");
        assertThat(j.get("published").get("np").isNull()).isTrue();
        assertThat(j.get("published").get("pct").asInt()).isEqualTo(50);
        assertThat(j.get("published").get("rua").size()).isEqualTo(2);
        assertThat(j.get("result").asText()).isEqualTo("fail");
        assertThat(j.get("applied").get("tag").asText()).isEqualTo("sp");
        assertThat(j.get("disposition").asText()).isEqualTo("quarantine");
        assertThat(j.get("action").asText()).isEqualTo(r2.action().keyword());
        assertThat(j.get("spf").get("alignment").asText()).isEqualTo("not_aligned");
        assertThat(j.get("dkim").size()).isEqualTo(2);
        assertThat(j.get("dkim").get(0).get("domain").asText()).isEqualTo("example2.com");
        assertThat(j.get("dkim").get(0).get("alignment").asText()).isEqualTo("aligned");
        assertThat(j.get("dkim").get(1).get("domain").isNull()).isTrue();
        // Record 3: no policy record.
        assertThat(lines.get(3).get("published").isNull()).isTrue();
        assertThat(lines.get(3).get("policyDomain").isNull()).isTrue();
        assertThat(lines.get(3).get("result").asText()).isEqualTo("none");

        CliRun byPolicyDomain = history("list", "--json", "--domain", "example1.com");
        // example1.com is the policy domain of 1, 4, 7, ... but for those without a record (n % 4 == 3).
        assertThat(keys(jsonLines(byPolicyDomain))).containsExactlyElementsOf(
                Records.records(0, 30).stream().filter(r -> r.policyDomain().map(d -> d.name().equals("example1.com"))
                        .orElse(false)).map(r -> r.key().value()).toList());
        CliRun byAuthor = history("list", "--json", "--domain", "MAIL.example1.com.");
        assertThat(jsonLines(byAuthor)).hasSize(10);

        Instant t10 = Records.T0.plusSeconds(600);
        CliRun sinceIso = history("list", "--json", "--since", t10.toString(), "--until",
                Records.T0.plusSeconds(60 * 14).toString());
        assertThat(keys(jsonLines(sinceIso))).as(sinceIso.toString()).containsExactlyElementsOf(keys(10, 14));
        // T0 is at .250 s: epoch seconds name the second before it, so record 10 is still in.
        CliRun sinceEpoch = history("list", "--json", "--since", Long.toString(t10.getEpochSecond()), "--limit", "3");
        assertThat(keys(jsonLines(sinceEpoch))).containsExactlyElementsOf(keys(10, 13));
        CliRun sinceOffset = history("list", "--json", "--since", "2026-12-01T09:10:00.250+01:00", "--limit", "2");
        assertThat(keys(jsonLines(sinceOffset))).containsExactlyElementsOf(keys(10, 12));
        CliRun untilDate = history("list", "--json", "--until", "2026-12-01");
        assertThat(untilDate.out()).as("nothing before the day of T0").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void listsAsATable(Backend kind) {
        db = stores.database(kind, tmp);
        store(Records.records(0, 3));

        CliRun table = history("list");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("TIME").contains("SOURCE IP", "HEADER FROM", "POLICY DOMAIN", "RESULT",
                "DISPOSITION", "ACTION", "SPF", "DKIM");
        EvaluationRecord r2 = Records.record(2);
        assertThat(lines.get(3)).startsWith("2026-12-01T08:02:00Z  ")
                .contains(r2.sourceIp().getHostAddress(), "mail.example2.com", "example2.com", "fail", "quarantine",
                        r2.action().keyword(), r2.spf().result().keyword() + " not-aligned (mfrom bounce.example.net)",
                        "example2.com:pass aligned, ?:fail");
        assertThat(lines.get(1)).as("no signature").endsWith("  -");
        // The columns line up: each column starts at the same place on every line.
        int dkimColumn = lines.get(0).indexOf("DKIM");
        assertThat(lines.get(3).substring(dkimColumn)).startsWith("example2.com:pass");

        CliRun none = history("list", "--domain", "unknown.example");
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).contains("(no messages)");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void expiresWhatIsOlderThanTheDaysAndAgainDeletesNothing(Backend kind) throws Exception {
        db = stores.database(kind, tmp);
        Instant now = Instant.now();
        store(List.of(Records.at(Records.record(0), now.minus(Duration.ofDays(10))),
                Records.at(Records.record(1), now.minus(Duration.ofDays(5))),
                Records.at(Records.record(2), now.minus(Duration.ofDays(3)).plus(Duration.ofMinutes(10))),
                Records.at(Records.record(3), now.minus(Duration.ofHours(1)))));

        CliRun expire = history("expire", "--days", "3", "--json");
        assertThat(expire.exitCode()).as(expire.toString()).isZero();
        assertThat(expire.err()).contains("dmarc history expire: history database " + db.url());
        JsonNode j = expire.json();
        assertThat(j.get("deleted").asLong()).isEqualTo(2);
        assertThat(j.get("before").asLong()).isBetween(now.minus(Duration.ofDays(3)).getEpochSecond(),
                Instant.now().minus(Duration.ofDays(3)).getEpochSecond());

        CliRun again = history("expire", "--days", "3");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).startsWith("deleted 0 messages evaluated before ");

        CliRun list = history("list", "--json");
        assertThat(keys(jsonLines(list))).containsExactly(Records.key(2).value(), Records.key(3).value());

        CliRun one = history("expire", "--days", "1");
        assertThat(one.out()).startsWith("deleted 1 message evaluated before ");
        assertThat(history("stats", "--json").json().get("messages").asLong()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void expiresTheReportLedgerAfterTheLongerOfTheDaysAndTheLedgerRetention(Backend kind) throws Exception {
        db = stores.database(kind, tmp);
        long today = Instant.now().getEpochSecond() / 86_400 * 86_400;
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            ReportLedger ledger = new ReportLedger(store);
            for (int daysAgo : new int[] {20, 8, 2}) {
                long end = today - (daysAgo - 1) * 86_400L;
                long begin = end - 86_400;
                List<ReportLedger.Entry> rows = new ArrayList<>();
                for (int d = 0; d < 3; d++) {
                    Instant at = Instant.ofEpochSecond(end);
                    rows.add(new ReportLedger.Entry(begin, end, "example" + d + ".com", "rua@example" + d + ".com",
                            ReportLedger.State.HANDED_OFF, Optional.empty(), "id" + d + "." + begin, "m" + d + "." + begin,
                            "f" + d + "." + begin + ".xml.gz", OptionalLong.empty(), "rfc9990", 1, Optional.empty(), at, at));
                }
                ledger.insert(rows);
                ledger.markPlanned(begin, end, 3, Instant.ofEpochSecond(end));
            }
        }
        Path home = Files.createDirectories(tmp.resolve("home/conf")).getParent();
        Files.writeString(home.resolve("conf/dmarc.properties"), "report.ledgerRetention = P5D\n");

        // --days 10 is longer than P5D: the period that ended 19 days ago goes, not the one of 7 days ago.
        CliRun longer = history("expire", "--days", "10", "--json", "--home", home.toString());
        assertThat(longer.exitCode()).as(longer.toString()).isZero();
        assertThat(longer.json().get("ledgerDeleted").asLong()).isEqualTo(3);
        assertThat(longer.json().get("ledgerBefore").asLong()).isEqualTo(longer.json().get("before").asLong());
        // --days 1, P5D: the ledger keeps 5 days; the period of 7 days ago goes.
        CliRun shorter = history("expire", "--days", "1", "--home", home.toString());
        assertThat(shorter.exitCode()).as(shorter.toString()).isZero();
        assertThat(shorter.out()).contains("deleted 3 report delivery rows of periods ended by ");
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(new ReportLedger(store).list(Optional.empty(), 100)).hasSize(3)
                    .allMatch(e -> e.periodEnd() == today - 86_400);
        }
        // Without the James home's setting the default P90D keeps the rest.
        Files.writeString(home.resolve("conf/dmarc.properties"), "");
        CliRun byDefault = history("expire", "--days", "1", "--json", "--home", home.toString());
        assertThat(byDefault.json().get("ledgerDeleted").asLong()).isZero();
        // A wrong report setting is refused before the database is opened.
        Files.writeString(home.resolve("conf/dmarc.properties"), "report.ledgerRetention = PT1H\n");
        CliRun bad = history("expire", "--days", "1", "--home", home.toString());
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(bad.err()).contains("report.ledgerRetention = 'PT1H': expected at least P1D");
    }

    @Test
    void badOptionsAreOneLineAndExit2BeforeOpeningTheDatabase() {
        db = stores.database(Backend.H2, tmp);
        for (String[] args : List.of(
                new String[] {"list", "--since", "yesterday"},
                new String[] {"list", "--until", "2026-13-01"},
                new String[] {"list", "--since", "99999999999999"},
                new String[] {"list", "--domain", "not a domain"},
                new String[] {"list", "--limit", "0"},
                new String[] {"expire", "--days", "0"},
                new String[] {"expire", "--days", "-5"})) {
            CliRun run = history(args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.INVALID);
            assertThat(run.err().lines().count()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).startsWith("dmarc history " + args[0] + ": ").contains(args[1])
                    .doesNotContain("Exception");
        }
        CliRun since = history("list", "--since", "yesterday");
        assertThat(since.err()).contains("--since 'yesterday' is neither epoch seconds nor an ISO-8601 time");

        CliRun noDays = history("expire");
        assertThat(noDays.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(noDays.err()).contains("--days");
        assertThat(Files.exists(Path.of(db.url().substring("jdbc:h2:file:".length()) + ".mv.db")))
                .as("no database was opened").isFalse();
    }

    @Test
    void databaseMistakesAreOneLineAndExit2() throws Exception {
        for (String command : List.of("list", "expire")) {
            List<String> extra = command.equals("expire") ? List.of("--days", "30") : List.of();

            List<String> scheme = new ArrayList<>(List.of("history", command, "--db", "jdbc:oracle:thin:@x:1521/y"));
            scheme.addAll(extra);
            CliRun unknown = CliRun.run(scheme.toArray(String[]::new));
            assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.INVALID);
            assertThat(unknown.err()).contains("unsupported JDBC URL scheme 'oracle'").doesNotContain("\tat ");

            Path secret = tmp.resolve("pw");
            Files.writeString(secret, "s3cret-pw\n");
            List<String> unreachable = new ArrayList<>(List.of("history", command, "--db",
                    "jdbc:postgresql://127.0.0.1:1/nowhere", "--db-user", "dmarc", "--db-password-file", secret.toString()));
            unreachable.addAll(extra);
            CliRun down = CliRun.run(unreachable.toArray(String[]::new));
            assertThat(down.exitCode()).as(down.toString()).isEqualTo(ExitCodes.INVALID);
            assertThat(down.err()).contains("cannot reach the database at jdbc:postgresql://127.0.0.1:1/nowhere")
                    .doesNotContain("s3cret-pw").doesNotContain("\tat ");
            assertThat(down.err().lines().count()).as(down.toString()).isEqualTo(2); // which database, the error
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void refusedCredentialsAndANewerSchemaAreOneLineAndExit2(Backend kind) throws Exception {
        db = stores.database(kind, tmp);
        store(Records.records(0, 1)); // creates the schema (and for H2 the database, user sa without password)

        String user = kind == Backend.POSTGRESQL ? "no_such_role_dmarc" : db.user();
        Path secret = tmp.resolve("pw");
        Files.writeString(secret, "s3cret-pw\n");
        CliRun refused = CliRun.run("history", "list", "--db", db.url(), "--db-user", user, "--db-password-file",
                secret.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(refused.err()).contains("refused the credentials of user '" + user + "'")
                .doesNotContain("s3cret-pw").doesNotContain("\tat ");
        assertThat(refused.err().lines().count()).isEqualTo(2);

        String driverUrl = db.url();
        Flyway.configure().dataSource(driverUrl, db.user(), "")
                .locations("classpath:org/jamesdmarc/store/migration", "classpath:org/jamesdmarc/store/future")
                .table("dmarc_schema_history")
                .ignoreMigrationPatterns("*:missing") // 3, the store's Java migration, is not on this location
                .load().migrate();
        CliRun newer = history("expire", "--days", "1");
        assertThat(newer.exitCode()).as(newer.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(newer.err()).contains("newer than this James DMARC knows").doesNotContain("\tat ");
        assertThat(newer.err().lines().count()).isEqualTo(2);
    }
}
