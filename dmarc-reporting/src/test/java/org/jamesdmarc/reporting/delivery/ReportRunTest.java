package org.jamesdmarc.reporting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jamesdmarc.reporting.delivery.DeliveryFixtures.CLOCK;
import static org.jamesdmarc.reporting.delivery.DeliveryFixtures.DAY;
import static org.jamesdmarc.reporting.delivery.DeliveryFixtures.header;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.reporting.aggregate.ReportPeriod;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.ReportLedger.State;
import org.jamesdmarc.store.ReportRunLock;
import org.jamesdmarc.store.ReportSettings;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link ReportRun} against a real SMTP sink on H2, MariaDB and PostgreSQL. */
class ReportRunTest {

    @TempDir
    Path tmp;
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private JdbcHistoryStore open(Backend backend) {
        return stores.open(backend, tmp, 4);
    }

    private SmtpSink sink(SmtpSink s) {
        return stores.closeAfter(s);
    }

    private static ReportRun run(JdbcHistoryStore store, ReportSettings settings, Clock clock) {
        return new ReportRun(store, ReportRun.reporter(settings), settings, DestinationAuthorizer.allowAll(), clock);
    }

    private static SmtpReportOutbound smtp(SmtpSink sink) {
        return new SmtpReportOutbound("127.0.0.1", sink.port(), Duration.ofSeconds(10), "mx.example.net");
    }

    private static List<ReportPeriod> days(ReportRun run) {
        return run.duePeriods(Optional.of(DAY.begin()));
    }

    /** (domain, recipient) of each message received, with how many times. */
    private static Map<String, Long> perPair(SmtpSink sink) {
        return sink.received().stream().collect(Collectors.groupingBy(
                r -> domainOf(r.content()) + " -> " + r.recipient(), Collectors.counting()));
    }

    private static String domainOf(String message) {
        String subject = header(message, "Subject");
        return subject.split("\\s+")[2];
    }

    // ------------------------------------------------------------------------------------------------ tests ---

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void sendsEachReportOnceAndASecondRunSendsNothing(Backend backend) throws Exception {
        JdbcHistoryStore store = open(backend);
        store.write(DeliveryFixtures.passing(7));
        SmtpSink sink = sink(SmtpSink.accepting());
        ReportRun run = run(store, DeliveryFixtures.settings(), CLOCK);

        RunResult first = run.send(days(run), Optional.empty(), smtp(sink));
        assertThat(days(run)).hasSize(2); // 2026-12-01 with data, 2026-12-02 without
        assertThat(first.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(first.handedOff()).isEqualTo(DeliveryFixtures.destinations(7));
        assertThat(perPair(sink)).hasSize(DeliveryFixtures.destinations(7)).allSatisfy((k, v) -> assertThat(v).isOne());

        RunResult second = run.send(days(run), Optional.empty(), smtp(sink));
        assertThat(second.planned()).isZero();
        assertThat(second.handedOff()).isZero();
        assertThat(sink.received()).hasSize(DeliveryFixtures.destinations(7));

        SmtpSink.Received one = sink.received().stream().filter(r -> r.recipient().equals("rua@d1.test")).findFirst()
                .orElseThrow();
        assertThat(one.from()).isEqualTo("dmarc-reports@mx.example.net");
        assertThat(header(one.content(), "Subject")).isEqualTo("Report Domain: d1.test Submitter: mx.example.net "
                + "Report-ID: <" + DAY.beginSeconds() + "." + DAY.endSeconds() + ".d1.test@mx.example.net>");
        ReportLedger.Entry entry = new ReportLedger(store).find(new ReportLedger.Key(DAY.beginSeconds(), "d1.test",
                "rua@d1.test")).orElseThrow();
        assertThat(entry.state()).isEqualTo(State.HANDED_OFF);
        assertThat(entry.attempts()).isOne();
        assertThat(header(one.content(), "Message-ID")).isEqualTo("<" + entry.messageId() + ">");
        assertThat(one.content()).contains("filename=\"" + entry.fileName() + "\"");
        assertThat(new ReportLedger(store).periods(10)).extracting(ReportLedger.PeriodSummary::planned)
                .containsExactly(true, true);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void retriesA4xxWithBackoffAndRecordsA5xxWithoutRetrying(Backend backend) throws Exception {
        JdbcHistoryStore store = open(backend);
        store.write(DeliveryFixtures.passing(3)); // d0 (+ agg@reports.test), d1, d2
        // rua@d0.test: 451 twice, then accepted; rua@d1.test: 550; the rest accepted.
        SmtpSink sink = sink(new SmtpSink((rcpt, n) -> rcpt.equals("rua@d0.test") ? (n < 2 ? "451 4.3.0 later" : "250 ok")
                : rcpt.equals("rua@d1.test") ? "550 5.1.1 no such user" : "250 ok"));
        ReportSettings settings = DeliveryFixtures.settings("report.maxAttempts", "5");
        MutableClock clock = new MutableClock(CLOCK.instant());
        ReportRun run = run(store, settings, clock);
        ReportLedger ledger = new ReportLedger(store);

        RunResult first = run.send(days(run), Optional.empty(), smtp(sink));
        assertThat(first.handedOff()).isEqualTo(2);
        assertThat(first.deferred()).isEqualTo(1);
        assertThat(first.failed()).isEqualTo(1);
        ReportLedger.Entry deferred = ledger.find(new ReportLedger.Key(DAY.beginSeconds(), "d0.test", "rua@d0.test"))
                .orElseThrow();
        assertThat(deferred.state()).isEqualTo(State.DEFERRED);
        assertThat(deferred.reason().orElseThrow()).contains("451 4.3.0 later");
        assertThat(deferred.nextAttempt()).contains(clock.instant().plus(Duration.ofMinutes(10)));
        ReportLedger.Entry failed = ledger.find(new ReportLedger.Key(DAY.beginSeconds(), "d1.test", "rua@d1.test"))
                .orElseThrow();
        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.reason().orElseThrow()).contains("550 5.1.1 no such user");

        // Too early: nothing tried.
        assertThat(run.send(days(run), Optional.empty(), smtp(sink)).deferred()).isZero();
        clock.advance(Duration.ofMinutes(10));
        RunResult second = run.send(days(run), Optional.empty(), smtp(sink));
        assertThat(second.deferred()).isEqualTo(1);
        assertThat(ledger.find(deferred.key()).orElseThrow().nextAttempt())
                .contains(clock.instant().plus(Duration.ofMinutes(20))); // doubled
        clock.advance(Duration.ofMinutes(20));
        RunResult third = run.send(days(run), Optional.empty(), smtp(sink));
        assertThat(third.handedOff()).isOne();
        assertThat(ledger.find(deferred.key()).orElseThrow().state()).isEqualTo(State.HANDED_OFF);
        assertThat(ledger.find(deferred.key()).orElseThrow().attempts()).isEqualTo(3);
        // The 5xx was tried once only.
        clock.advance(Duration.ofDays(1));
        run.send(days(run), Optional.empty(), smtp(sink));
        assertThat(sink.received().stream().filter(r -> r.recipient().equals("rua@d1.test"))).hasSize(1);
        // The three attempts to rua@d0.test carried the same identifiers.
        assertThat(sink.received().stream().filter(r -> r.recipient().equals("rua@d0.test"))
                .map(r -> header(r.content(), "Message-ID") + header(r.content(), "Subject")).distinct()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void temporaryFailuresBecomePermanentAfterMaxAttempts(Backend backend) throws Exception {
        JdbcHistoryStore store = open(backend);
        store.write(DeliveryFixtures.passing(2).subList(3, 6)); // d1 only
        SmtpSink sink = sink(new SmtpSink((rcpt, n) -> "421 4.7.0 busy"));
        MutableClock clock = new MutableClock(CLOCK.instant());
        ReportRun run = run(store, DeliveryFixtures.settings("report.maxAttempts", "2"), clock);
        assertThat(run.send(days(run), Optional.empty(), smtp(sink)).deferred()).isOne();
        clock.advance(Duration.ofHours(1));
        assertThat(run.send(days(run), Optional.empty(), smtp(sink)).failed()).isOne();
        clock.advance(Duration.ofDays(2));
        run.send(days(run), Optional.empty(), smtp(sink));
        assertThat(sink.received()).hasSize(2);
        assertThat(new ReportLedger(store).list(Optional.of(State.FAILED), 10)).singleElement()
                .satisfies(e -> assertThat(e.reason().orElseThrow()).startsWith("gave up after 2 attempts"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void suppressesListedAndFailingOnlyDomainsAndOversizedReports(Backend backend) throws Exception {
        JdbcHistoryStore store = open(backend);
        List<EvaluationRecord> records = new ArrayList<>(DeliveryFixtures.passing(3)); // d0 (+agg@reports.test), d1, d2
        // forged.test: only failing mail, whose record names a victim as destination.
        records.add(DeliveryFixtures.record(100, "forged.test", List.of("mailto:victim@elsewhere.test"),
                DmarcResult.FAIL));
        records.add(DeliveryFixtures.record(101, "small.test", List.of("mailto:rua@small.test!100"), DmarcResult.PASS));
        records.add(DeliveryFixtures.record(102, "norua.test", List.of(), DmarcResult.PASS));
        store.write(records);
        SmtpSink sink = sink(SmtpSink.accepting());
        ReportRun run = run(store, DeliveryFixtures.settings("report.suppress", "d2.test, agg@reports.test"), CLOCK);

        RunResult r = run.send(days(run), Optional.empty(), smtp(sink));
        assertThat(sink.received()).extracting(SmtpSink.Received::recipient)
                .containsExactlyInAnyOrder("rua@d0.test", "rua@d1.test");
        assertThat(r.failed()).isOne();
        ReportLedger ledger = new ReportLedger(store);
        assertThat(ledger.list(Optional.of(State.SUPPRESSED), 10)).extracting(e -> e.policyDomain() + " "
                + e.destination() + " " + e.reason().orElseThrow()).containsExactlyInAnyOrder(
                "d0.test agg@reports.test the destination is on report.suppress (agg@reports.test)",
                "d2.test - the policy domain is on report.suppress (d2.test)",
                "forged.test - none of the domain's 1 messages in the period passed DMARC "
                        + "(report.sendToFailingDomains=false)");
        assertThat(ledger.list(Optional.of(State.FAILED), 10)).singleElement().satisfies(e -> {
            assertThat(e.destination()).isEqualTo("rua@small.test");
            assertThat(e.reason().orElseThrow()).contains("more than the destination's limit of 100");
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void capsLeaveTheRestForTheNextRun(Backend backend) throws Exception {
        JdbcHistoryStore store = open(backend);
        store.write(DeliveryFixtures.passing(9)); // agg@reports.test gets 3
        SmtpSink sink = sink(SmtpSink.accepting());
        ReportRun run = run(store, DeliveryFixtures.settings("report.maxPerRun", "5", "report.maxPerDestination", "1"),
                CLOCK);
        int total = DeliveryFixtures.destinations(9);
        int runs = 0;
        while (sink.received().size() < total && runs++ < 10) {
            RunResult r = run.send(days(run), Optional.empty(), smtp(sink));
            assertThat(r.handedOff()).isLessThanOrEqualTo(5);
        }
        assertThat(perPair(sink)).hasSize(total).allSatisfy((k, v) -> assertThat(v).isOne());
        assertThat(runs).isGreaterThanOrEqualTo(3); // 12 reports, 5 a run, agg@reports.test once a run
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = "H2")
    void aSchedulerPlansThePeriodsMissedSinceTheNewestPlannedOne(Backend backend) throws Exception {
        JdbcHistoryStore store = open(backend);
        store.write(DeliveryFixtures.passing(2));
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-02T00:45:00Z"));
        ReportRun run = run(store, DeliveryFixtures.settings(), clock); // daily, 30 min delay
        assertThat(run.periodsToPlan(Duration.ofDays(3))).last().isEqualTo(DAY);
        assertThat(run.send(List.of(DAY), Optional.empty(), m -> new HandOff.Accepted("ok")).handedOff())
                .isEqualTo(DeliveryFixtures.destinations(2));
        assertThat(run.periodsToPlan(Duration.ofDays(3))).isEmpty();
        clock.advance(Duration.ofDays(3)); // no node ran for three days
        assertThat(run.periodsToPlan(Duration.ofDays(7))).extracting(ReportPeriod::begin).containsExactly(
                DAY.next().begin(), DAY.next().next().begin(), DAY.next().next().next().begin());
        assertThat(run.periodsToPlan(Duration.ofDays(1))).hasSize(1);
    }

    /** Thrown by an outbound to stop a run dead between the hand-off and its record, as a crash would. */
    static final class Crash extends Error {
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aCrashBetweenHandOffAndRecordResendsThatReportOnlyWithTheSameIdentifiers(Backend backend) throws Exception {
        JdbcHistoryStore store = open(backend);
        store.write(DeliveryFixtures.passing(6));
        SmtpSink sink = sink(SmtpSink.accepting());
        ReportRun run = run(store, DeliveryFixtures.settings(), CLOCK);
        SmtpReportOutbound smtp = smtp(sink);
        AtomicInteger calls = new AtomicInteger();
        ReportOutbound crashing = m -> {
            HandOff h = smtp.handOff(m);
            if (calls.incrementAndGet() == 3) {
                throw new Crash();
            }
            return h;
        };
        assertThatThrownBy(() -> run.send(days(run), Optional.empty(), crashing)).isInstanceOf(Crash.class);
        assertThat(sink.received()).hasSize(3);
        assertThat(new ReportLedger(store).list(Optional.of(State.SENDING), 10)).hasSize(1);

        RunResult resumed = run.send(days(run), Optional.empty(), smtp);
        int total = DeliveryFixtures.destinations(6);
        assertThat(resumed.handedOff()).isEqualTo(total - 2);
        Map<String, Long> pairs = perPair(sink);
        assertThat(pairs).hasSize(total);
        assertThat(pairs.values().stream().filter(v -> v == 2)).hasSize(1);
        assertThat(pairs.values().stream().filter(v -> v > 2)).isEmpty();
        String twice = pairs.entrySet().stream().filter(e -> e.getValue() == 2).findFirst().orElseThrow().getKey();
        assertThat(sink.received().stream().filter(r -> (domainOf(r.content()) + " -> " + r.recipient()).equals(twice))
                .map(r -> header(r.content(), "Message-ID") + "|" + header(r.content(), "Subject") + "|"
                        + r.content().substring(r.content().indexOf("filename=")).split("\r\n")[0]).distinct())
                .hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void twoRunnersOnOneDatabaseHandEachReportOffOnce(Backend backend) throws Exception {
        JdbcHistoryStore a = open(backend);
        JdbcHistoryStore b = open(backend);
        a.write(DeliveryFixtures.passing(20));
        SmtpSink sink = sink(new SmtpSink((rcpt, n) -> {
            try {
                Thread.sleep(20); // slow enough for the runners to overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "250 ok";
        }));
        ReportRun runA = run(a, DeliveryFixtures.settings(), CLOCK);
        ReportRun runB = run(b, DeliveryFixtures.settings(), CLOCK);
        CompletableFuture<RunResult> fa = CompletableFuture.supplyAsync(() -> runA.send(days(runA), Optional.empty(),
                smtp(sink)));
        CompletableFuture<RunResult> fb = CompletableFuture.supplyAsync(() -> runB.send(days(runB), Optional.empty(),
                smtp(sink)));
        RunResult ra = fa.get();
        RunResult rb = fb.get();
        assertThat(ra.handedOff() + rb.handedOff()).isEqualTo(DeliveryFixtures.destinations(20));
        assertThat(perPair(sink)).hasSize(DeliveryFixtures.destinations(20)).allSatisfy((k, v) -> assertThat(v).isOne());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theLockIsHeldForTheRunAndFreedWithItsConnection(Backend backend) throws Exception {
        JdbcHistoryStore a = open(backend);
        JdbcHistoryStore b = open(backend);
        try (ReportRunLock held = ReportRunLock.tryAcquire(a).orElseThrow()) {
            assertThat(ReportRunLock.tryAcquire(b)).isEmpty();
            assertThat(ReportRunLock.tryAcquire(a)).isEmpty(); // another connection of the same node too
            assertThat(held.held()).isTrue();
            ReportRun runB = run(b, DeliveryFixtures.settings(), CLOCK);
            assertThat(runB.send(days(runB), Optional.empty(), m -> new HandOff.Accepted("x")).outcome())
                    .isEqualTo(RunResult.Outcome.LOCKED_ELSEWHERE);
        }
        try (ReportRunLock again = ReportRunLock.tryAcquire(b).orElseThrow()) {
            assertThat(again.held()).isTrue();
        }
    }

    /**
     * A runner whose lock session dies in the middle of its run (PostgreSQL: the backend terminated; MariaDB: the
     * connection killed) stops before its next hand-off; another takes the lock over and completes without gaps.
     * A holder process killed with SIGKILL, on all three databases (H2 served by either process):
     * {@code org.jamesdmarc.store.ReportRunLockKillTest}.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void aRunnerWhoseLockConnectionDiesStopsAndAnotherCompletes(Backend backend) throws Exception {
        JdbcHistoryStore a = open(backend);
        JdbcHistoryStore b = open(backend);
        a.write(DeliveryFixtures.passing(9));
        SmtpSink sink = sink(SmtpSink.accepting());
        SmtpReportOutbound smtp = smtp(sink);
        AtomicInteger calls = new AtomicInteger();
        ReportOutbound killingItsLock = m -> {
            HandOff h = smtp.handOff(m);
            if (calls.incrementAndGet() == 4) {
                killLockHolder(backend);
            }
            return h;
        };
        ReportRun runA = run(a, DeliveryFixtures.settings(), CLOCK);
        RunResult ra = runA.send(days(runA), Optional.empty(), killingItsLock);
        assertThat(ra.outcome()).isEqualTo(RunResult.Outcome.LOCK_LOST);
        assertThat(ra.handedOff()).isEqualTo(4);
        ReportRun runB = run(b, DeliveryFixtures.settings(), CLOCK);
        RunResult rb = runB.send(days(runB), Optional.empty(), smtp);
        assertThat(rb.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(perPair(sink)).hasSize(DeliveryFixtures.destinations(9)).allSatisfy((k, v) -> assertThat(v).isOne());
    }

    private void killLockHolder(Backend backend) {
        Backend.TestDatabase db = stores.database(backend, tmp);
        String url = db.url().replace("jdbc:mysql:", "jdbc:mariadb:");
        try (Connection c = DriverManager.getConnection(url, db.user(), ""); Statement s = c.createStatement()) {
            if (backend == Backend.POSTGRESQL) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted");
            } else {
                long id;
                try (ResultSet rs = s.executeQuery("SELECT IS_USED_LOCK('dmarc-report-run')")) {
                    rs.next();
                    id = rs.getLong(1);
                }
                s.execute("KILL " + id);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private java.time.Instant now;

        MutableClock(java.time.Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }
}
