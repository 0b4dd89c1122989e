package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.reporting.aggregate.ReportFormat;
import org.jamesdmarc.reporting.aggregate.ReportSchemas;
import org.jamesdmarc.reporting.delivery.DeliveryFixtures;
import org.jamesdmarc.reporting.delivery.SmtpSink;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code dmarc report send|status} in-process, against a real SMTP sink, on H2 and PostgreSQL. */
class DmarcReportCommandTest {

    /** 2026-11-29: a day that has ended whenever the test runs. */
    private static final String DAY = "2026-11-29";

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private Path home(String... extra) throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        List<String> lines = new ArrayList<>(List.of("report.orgName = Example Receiver",
                "report.email = dmarc-reports@mx.example.net", "report.format.rua@d1.test = rfc7489"));
        lines.addAll(List.of(extra));
        Files.write(home.resolve("conf/dmarc.properties"), lines);
        return home;
    }

    private CliRun dmarc(InMemoryDnsClient dns, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", db.url(), "--db-user", db.user(), "--home", tmp.resolve("home").toString()));
        return CliRun.run(settings -> dns, all.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void dryRunWritesReportsAndMessagesThenSendSendsEachOnceAndStatusSaysSo(Backend backend) throws Exception {
        db = stores.database(backend, tmp);
        List<EvaluationRecord> records = new ArrayList<>();
        for (EvaluationRecord r : DeliveryFixtures.passing(4)) { // d0 (+ agg@reports.test), d1, d2, d3 (+ agg@...)
            records.add(Records.at(r, r.time().minus(Duration.ofDays(2))));
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(records);
        }
        home();
        // reports.test takes d0.test's reports, not d3.test's (RFC 9990 external destination verification).
        InMemoryDnsClient dns = new InMemoryDnsClient().txt("d0.test._report._dmarc.reports.test", "v=DMARC1");
        Path out = tmp.resolve("out");

        CliRun dry = dmarc(dns, "report", "send", "--psl", "--from", DAY, "--to", "2026-11-30", "--dry-run",
                "--out", out.toString());
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("5 report message(s) written").contains("d3.test -> agg@reports.test: "
                + "suppressed: external destination not authorized");
        List<Path> files;
        try (Stream<Path> s = Files.walk(out)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files.stream().filter(f -> f.toString().endsWith(".eml"))).hasSize(5);
        List<Path> reports = files.stream().filter(f -> f.toString().endsWith(".xml.gz")).toList();
        assertThat(reports).hasSize(4); // d0, d2, d3 in RFC 9990; d1 in RFC 7489 (its only destination asks for it)
        assertThat(out.resolve("rfc7489")).isDirectoryContaining(p -> p.getFileName().toString().contains("!d1.test!"));
        for (Path report : reports) {
            byte[] xml = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(report))).readAllBytes();
            ReportSchemas.validate(xml, report.getParent().getFileName().toString().equals("rfc7489")
                    ? ReportFormat.RFC7489 : ReportFormat.RFC9990);
        }
        CliRun statusAfterDry = dmarc(dns, "report", "status", "--json");
        assertThat(statusAfterDry.json().get("periods")).isEmpty(); // the dry run marked nothing

        try (SmtpSink sink = SmtpSink.accepting()) {
            CliRun send = dmarc(dns, "report", "send", "--psl", "--from", DAY, "--to", "2026-11-30", "--smtp",
                    "127.0.0.1:" + sink.port());
            assertThat(send.exitCode()).as(send.toString()).isZero();
            assertThat(send.out()).contains("completed: planned 6, handed off 5, deferred 0, failed 0, suppressed 1");
            assertThat(sink.received()).extracting(SmtpSink.Received::recipient).containsExactlyInAnyOrder(
                    "rua@d0.test", "agg@reports.test", "rua@d1.test", "rua@d2.test", "rua@d3.test");
            // The dry run's message is the one sent, the Date field aside.
            Path eml = files.stream().filter(f -> f.getFileName().toString().endsWith("!rua@d2.test.eml")).findFirst()
                    .orElseThrow();
            String sent = sink.received().stream().filter(r -> r.recipient().equals("rua@d2.test")).findFirst()
                    .orElseThrow().content();
            assertThat(withoutDate(sent)).isEqualTo(withoutDate(Files.readString(eml, StandardCharsets.US_ASCII)));

            CliRun again = dmarc(dns, "report", "send", "--psl", "--from", DAY, "--to", "2026-11-30", "--smtp",
                    "127.0.0.1:" + sink.port());
            assertThat(again.exitCode()).isZero();
            assertThat(again.out()).contains("planned 0, handed off 0");
            assertThat(sink.received()).hasSize(5);
        }
        CliRun status = dmarc(dns, "report", "status", "--json");
        assertThat(status.exitCode()).isZero();
        JsonNode day = status.json().get("periods").get(0);
        assertThat(day.get("begin").asLong()).isEqualTo(java.time.Instant.parse(DAY + "T00:00:00Z").getEpochSecond());
        assertThat(day.get("domains").asLong()).isEqualTo(4);
        assertThat(day.get("sent").asLong()).isEqualTo(5);
        assertThat(day.get("suppressed").asLong()).isEqualTo(1);
        assertThat(day.get("pending").asLong()).isZero();
        CliRun human = dmarc(dns, "report", "status");
        assertThat(human.out()).contains("2026-11-29T00:00:00Z");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2"})
    void anSmtpServerThatIsDownDefersAndBadOptionsAreRefused(Backend backend) throws Exception {
        db = stores.database(backend, tmp);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(List.of(Records.at(DeliveryFixtures.passing(2).get(3),
                    DeliveryFixtures.passing(2).get(3).time().minus(Duration.ofDays(2)))));
        }
        home();
        InMemoryDnsClient dns = new InMemoryDnsClient();
        CliRun down = dmarc(dns, "report", "send", "--psl", "--from", DAY, "--to", "2026-11-30", "--smtp",
                "127.0.0.1:1");
        assertThat(down.exitCode()).as(down.toString()).isZero();
        assertThat(down.out()).contains("deferred 1");
        CliRun status = dmarc(dns, "report", "status");
        assertThat(status.out()).contains("deferred").contains("d1.test -> rua@d1.test (1 attempt), next ");

        assertThat(dmarc(dns, "report", "send", "--dry-run").exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(dmarc(dns, "report", "send", "--smtp", "nowhere:x").exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(dmarc(dns, "report", "send", "--to", DAY).exitCode()).isEqualTo(ExitCodes.INVALID);
        Files.writeString(tmp.resolve("home/conf/dmarc.properties"), "report.orgname = typo\n");
        CliRun typo = dmarc(dns, "report", "send");
        assertThat(typo.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(typo.err()).contains("unknown key report.orgname");
        Files.writeString(tmp.resolve("home/conf/dmarc.properties"), "report.period = PT5H\n");
        assertThat(dmarc(dns, "report", "send").err()).contains("report.period");
        Files.writeString(tmp.resolve("home/conf/dmarc.properties"), "\n");
        assertThat(dmarc(dns, "report", "send").err()).contains("report.orgName is not set");
    }

    private static String withoutDate(String message) {
        return message.replaceAll("(?m)^Date: .*\r\n", "");
    }

    @Test
    void statusShowsTheFailureReportsOfTheLastDay() throws Exception {
        db = stores.database(Backend.H2, tmp);
        home();
        java.time.Instant now = java.time.Instant.now();
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            org.jamesdmarc.store.FailureReportLog log = new org.jamesdmarc.store.FailureReportLog(store);
            var sent = new org.jamesdmarc.store.FailureReportLog.Key("0123456789abcdef0123456789abcdef", "dmarc",
                    "ruf@d0.test");
            log.begin(sent, "d0.test", now);
            log.finish(sent, org.jamesdmarc.store.FailureReportLog.Outcome.SENT, Optional.empty(), now);
            var limited = new org.jamesdmarc.store.FailureReportLog.Key("fedcba9876543210fedcba9876543210", "dmarc",
                    "ruf@d0.test");
            log.begin(limited, "d0.test", now);
            log.finish(limited, org.jamesdmarc.store.FailureReportLog.Outcome.RATE_LIMITED,
                    Optional.of("destination_limited"), now);
        }
        CliRun json = dmarc(new InMemoryDnsClient(), "report", "status", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode f = json.json().get("failureReports");
        assertThat(f.get("last24h").get("sent").asLong()).isEqualTo(1);
        assertThat(f.get("last24h").get("rate_limited").asLong()).isEqualTo(1);
        assertThat(f.get("recent")).hasSize(2);
        assertThat(f.get("recent").get(0).get("destination").asText()).isEqualTo("ruf@d0.test");
        CliRun human = dmarc(new InMemoryDnsClient(), "report", "status");
        assertThat(human.out()).contains("failure reports, last 24 h: sent 1, rate_limited 1")
                .contains("d0.test -> ruf@d0.test (dmarc, message fedcba9876543210fedcba9876543210): rate_limited: "
                        + "destination_limited");
    }
}
