package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import java.time.Clock;
import java.time.ZoneOffset;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.store.ReportCounterReader;
import org.jamesdmarc.store.StoreConfig;
import org.apache.mailet.base.test.FakeMailContext;
import org.jamesdmarc.reporting.delivery.DeliveryFixtures;
import org.jamesdmarc.reporting.delivery.DestinationAuthorizer;
import org.jamesdmarc.reporting.delivery.HandOff;
import org.jamesdmarc.reporting.delivery.ReportMessage;
import org.jamesdmarc.reporting.delivery.ReportOutbound;
import org.jamesdmarc.reporting.delivery.RunResult;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportSettings;
import org.jamesdmarc.store.SettingsException;
import org.jamesdmarc.store.StoreException;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The scheduled task on an H2 history (the run itself is {@code ReportRunTest}'s, on the three databases). */
class DmarcReportSchedulerTest {

    @TempDir
    Path tmp;

    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private ReportDatabase database() {
        return stores.closeAfter(new ReportDatabase(stores.database(Backend.H2, tmp).config(), JdbcHistoryStore::open));
    }

    private DmarcReportScheduler scheduler(ReportSettings settings, Supplier<JdbcHistoryStore> store,
                                           Runnable reset, ReportOutbound outbound) {
        DmarcReportScheduler s = new DmarcReportScheduler(settings, store, reset, outbound,
                DestinationAuthorizer.allowAll(), metrics, DeliveryFixtures.CLOCK);
        stores.closeAfter(s::stop);
        return s;
    }

    @Test
    void aRunHandsEveryDueReportToTheMailetContextOnceMarkedAsReportMail() {
        ReportDatabase database = database();
        database.store().write(DeliveryFixtures.passing(4));
        FakeMailContext context = FakeMailContext.defaultContext();
        DmarcReportScheduler s = scheduler(DeliveryFixtures.settings(), database::store, database::reset,
                new MailetContextReportOutbound(context));

        RunResult first = s.runOnce();

        assertThat(first.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(first.handedOff()).isEqualTo(DeliveryFixtures.destinations(4));
        assertThat(context.getSentMails()).hasSize(DeliveryFixtures.destinations(4))
                .allSatisfy(m -> assertThat(m.getAttributes()).containsKey(MailetContextReportOutbound.REPORT));
        assertThat(metrics.countFor(DmarcReportScheduler.HANDED_OFF)).isEqualTo(DeliveryFixtures.destinations(4));

        RunResult second = s.runOnce();
        assertThat(second.handedOff()).as("the ledger remembers").isZero();
        assertThat(second.planned()).isZero();
        assertThat(context.getSentMails()).hasSize(DeliveryFixtures.destinations(4));
    }

    @Test
    void aPeriodOfTwoMinutesReportsEachTwoMinutesWithItsOwnMessages() {
        StoreConfig c = stores.database(Backend.H2, tmp).config();
        ReportSettings settings = DeliveryFixtures.settings(ReportSettings.PERIOD, "PT2M", ReportSettings.DELAY,
                "PT5S");
        ReportDatabase database = new ReportDatabase(new StoreConfig(c.url(), c.user(), c.password(), 2,
                ReportSettings.counterBucketSeconds(props(ReportSettings.PERIOD, "PT2M"))), JdbcHistoryStore::open);
        stores.closeAfter(database);
        List<EvaluationRecord> records = new ArrayList<>();
        for (int n = 0; n < 5; n++) { // 00:00 ... 00:04, one a minute
            records.add(DeliveryFixtures.record(n, "d1.test", List.of("mailto:rua@d1.test"), DmarcResult.PASS));
        }
        database.store().write(records);
        List<ReportMessage> sent = new ArrayList<>();
        Clock at = Clock.fixed(DeliveryFixtures.DAY.begin().plusSeconds(6 * 60 + 10), ZoneOffset.UTC);
        DmarcReportScheduler s = new DmarcReportScheduler(settings, database::store, database::reset, m -> {
            sent.add(m);
            return new HandOff.Accepted("ok");
        }, DestinationAuthorizer.allowAll(), metrics, at);
        stores.closeAfter(s::stop);

        RunResult r = s.runOnce();

        assertThat(r.handedOff()).as("[00:00,00:02) [00:02,00:04) [00:04,00:06)").isEqualTo(3);
        assertThat(sent).extracting(m -> m.fileName()).doesNotHaveDuplicates().allSatisfy(name -> assertThat(name)
                .startsWith("mx.example.net!d1.test!"));
        long begin = DeliveryFixtures.DAY.begin().getEpochSecond();
        assertThat(sent).extracting(ReportMessage::fileName).anySatisfy(name -> assertThat(name)
                .startsWith("mx.example.net!d1.test!" + (begin + 120) + "!" + (begin + 239)));
        JdbcHistoryStore store = database.store();
        ReportCounterReader reader = new ReportCounterReader(store);
        assertThat(reader.policy(DomainName.of("d1.test"), DeliveryFixtures.DAY.begin().plusSeconds(240),
                DeliveryFixtures.DAY.begin().plusSeconds(360)).orElseThrow().messages()).isEqualTo(1);
    }

    private static java.util.Properties props(String key, String value) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty(key, value);
        return p;
    }

    @Test
    void deferredHandOffsAreCounted() {
        ReportDatabase database = database();
        database.store().write(DeliveryFixtures.passing(2));
        DmarcReportScheduler s = scheduler(DeliveryFixtures.settings(), database::store, database::reset,
                m -> new HandOff.Deferred("spool full"));

        RunResult r = s.runOnce();

        assertThat(r.deferred()).isEqualTo(DeliveryFixtures.destinations(2));
        assertThat(metrics.countFor(DmarcReportScheduler.DEFERRED)).isEqualTo(DeliveryFixtures.destinations(2));
    }

    @Test
    void aRunThatThrowsIsLoggedAndTheThreadGoesOnWithTheNextTick() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger resets = new AtomicInteger();
        List<ReportMessage> sent = new CopyOnWriteArrayList<>();
        ReportDatabase database = database();
        database.store().write(DeliveryFixtures.passing(1));
        Supplier<JdbcHistoryStore> flaky = () -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new StoreException("connection refused");
            }
            return database.store();
        };
        DmarcReportScheduler s = scheduler(DeliveryFixtures.settings(ReportSettings.CHECK_INTERVAL, "PT1S"), flaky,
                resets::incrementAndGet, m -> {
                    sent.add(m);
                    return new HandOff.Accepted("ok");
                });

        s.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sent.size() < DeliveryFixtures.destinations(1) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        assertThat(sent).as("sent after two failed runs").hasSize(DeliveryFixtures.destinations(1));
        assertThat(metrics.countFor(DmarcReportScheduler.RUN_FAILED)).isEqualTo(2);
        assertThat(resets.get()).as("the pool is reopened after a failure").isEqualTo(2);
        assertThat(s.running()).isTrue();
        s.stop();
        assertThat(s.running()).isFalse();
        s.stop(); // idempotent
    }

    @Test
    void theOutboxIsHandedOverAtTheFirstTickBeforeAnyRunAndAgainUntilItSucceeded() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicInteger recoveries = new AtomicInteger();
        ReportDatabase database = database();
        database.store().write(DeliveryFixtures.passing(1));
        DmarcReportScheduler.Recovery recovery = () -> {
            if (recoveries.incrementAndGet() == 1) {
                events.add("recovery failed");
                throw new StoreException("connection refused");
            }
            events.add("recovered");
            return new ReportOutbox.Resent(1, 0, 0);
        };
        DmarcReportScheduler s = new DmarcReportScheduler(
                DeliveryFixtures.settings(ReportSettings.CHECK_INTERVAL, "PT1S"), database::store, database::reset,
                m -> {
                    events.add("sent");
                    return new HandOff.Accepted("ok");
                }, DestinationAuthorizer.allowAll(), metrics, DeliveryFixtures.CLOCK, recovery);
        stores.closeAfter(s::stop);

        s.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!events.contains("sent") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        s.stop();

        assertThat(events).as("no run before the outbox was handed over").startsWith("recovery failed", "recovered",
                "sent");
        assertThat(recoveries.get()).as("once it succeeded, never again").isEqualTo(2);
        assertThat(metrics.countFor(DmarcReportScheduler.RUN_FAILED)).isEqualTo(1);
    }

    @Test
    void disabledItStaysIdle() {
        DmarcReportScheduler s = scheduler(DeliveryFixtures.settings(ReportSettings.ENABLED, "false"),
                () -> {
                    throw new AssertionError("no database use when disabled");
                }, () -> { }, m -> {
                    throw new AssertionError("nothing sent when disabled");
                });

        s.start();

        assertThat(s.running()).isFalse();
        s.stop();
    }

    @Test
    void enabledWithoutAReporterJamesDoesNotStart() {
        ReportSettings noReporter = ReportSettings.from(new java.util.Properties(), Path.of("dmarc.properties"));
        DmarcReportScheduler s = scheduler(noReporter, () -> {
            throw new AssertionError();
        }, () -> { }, m -> new HandOff.Accepted("ok"));

        assertThatThrownBy(s::start).isInstanceOf(SettingsException.class).hasMessageContaining("report.orgName");
        assertThat(s.running()).isFalse();
    }

    @Test
    void catchUpIsBoundedInPeriodsAndInTime() {
        assertThat(DmarcReportScheduler.maxCatchUp(Duration.ofDays(1))).isEqualTo(Duration.ofDays(3));
        assertThat(DmarcReportScheduler.maxCatchUp(Duration.ofHours(1))).isEqualTo(Duration.ofHours(48));
        assertThat(DmarcReportScheduler.maxCatchUp(Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(96));
    }
}
