package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.reporting.delivery.DeliveryFixtures;
import org.jamesdmarc.reporting.delivery.SmtpSink;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code dmarc report send} as a separate JVM, killed with SIGKILL ({@link Process#destroyForcibly()}) while the
 * SMTP sink stalls on the end of a message's DATA, then run again: every (domain, destination) received its report,
 * at most one of them twice (the one in flight at the kill), with identical identifiers.
 */
class ReportSendKillTest {

    private static final int DOMAINS = 30;
    private static final int STALL_AT = 12;

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void killedMidRunThenResumedSendsEveryReportOnceButTheOneInFlight(Backend backend) throws Exception {
        db = stores.database(backend, tmp);
        List<EvaluationRecord> records = new ArrayList<>();
        for (EvaluationRecord r : DeliveryFixtures.internalOnly(DOMAINS)) {
            records.add(Records.at(r, r.time().minus(Duration.ofDays(2)))); // 2026-11-29
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(records);
        }
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.write(home.resolve("conf/dmarc.properties"), List.of("report.orgName = Example Receiver",
                "report.email = dmarc-reports@mx.example.net"));
        AtomicBoolean stall = new AtomicBoolean(true);
        AtomicInteger count = new AtomicInteger();
        try (SmtpSink sink = new SmtpSink((rcpt, n) -> stall.get() && count.incrementAndGet() == STALL_AT ? null
                : "250 ok")) {
            Process first = start(home, sink.port(), tmp.resolve("first.log"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (sink.received().size() < STALL_AT && System.nanoTime() < deadline && first.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(sink.received()).as(Files.readString(tmp.resolve("first.log"))).hasSize(STALL_AT);
            first.destroyForcibly(); // SIGKILL: the STALL_AT-th report was handed over, its acceptance never came
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            stall.set(false);

            Process second = start(home, sink.port(), tmp.resolve("second.log"));
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(Files.readString(tmp.resolve("second.log"))).isZero();

            Map<String, List<SmtpSink.Received>> byRecipient = sink.received().stream()
                    .collect(Collectors.groupingBy(SmtpSink.Received::recipient));
            assertThat(byRecipient).hasSize(DOMAINS);
            List<List<SmtpSink.Received>> twice = byRecipient.values().stream().filter(l -> l.size() > 1).toList();
            // The one in flight at the kill (recorded as being sent, never as handed off) is sent again; no other.
            assertThat(twice).hasSize(1);
            for (List<SmtpSink.Received> dup : twice) {
                assertThat(dup).hasSize(2);
                assertThat(dup.stream().map(r -> r.content().replaceAll("(?m)^Date: .*\r\n", "")).distinct())
                        .hasSize(1); // same Message-ID, Subject (Report-ID), file name and report
            }
            assertThat(sink.received()).hasSize(DOMAINS + 1);
        }
    }

    private Process start(Path home, int smtpPort, Path log) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                DmarcCli.class.getName(), "report", "send", "--psl", "--db", db.url(), "--db-user", db.user(),
                "--home", home.toString(), "--from", "2026-11-29", "--to", "2026-11-30",
                "--smtp", "127.0.0.1:" + smtpPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
