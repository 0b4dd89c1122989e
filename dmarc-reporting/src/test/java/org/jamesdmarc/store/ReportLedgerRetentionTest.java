package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.jamesdmarc.store.DmarcSettings.Durability;
import org.jamesdmarc.store.ReportLedger.Entry;
import org.jamesdmarc.store.ReportLedger.State;
import org.jamesdmarc.store.journal.HistoryListener;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retention of the report delivery ledger ({@link ReportLedger#expireBefore}) on H2, MariaDB and PostgreSQL: the
 * rows of periods that ended by the cutoff go, in batches, whatever their state; newer periods stay; the planning
 * marks of old periods go but the newest one's; a second run deletes nothing. And through the history's
 * retention job in James ({@link HistoryRetention} with its {@link HistoryRetention.Ledger}).
 */
class ReportLedgerRetentionTest {

    private static final Instant NOW = Instant.parse("2027-06-01T00:30:00Z");
    private static final long DAY = 86_400;
    /** UTC midnight of NOW's day. */
    private static final long TODAY = Instant.parse("2027-06-01T00:00:00Z").getEpochSecond();

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    /** Day periods ending 200, 100, 91, 89, 10 and 1 days ago: 7 rows each, the last period unplanned (in progress). */
    private static final int[] DAYS_AGO = {200, 100, 91, 89, 10, 1};
    private static final int ROWS_PER_PERIOD = 7;

    private static void fill(ReportLedger ledger) {
        State[] states = State.values();
        for (int i = 0; i < DAYS_AGO.length; i++) {
            long end = TODAY - (DAYS_AGO[i] - 1) * DAY;
            long begin = end - DAY;
            List<Entry> entries = new ArrayList<>();
            for (int d = 0; d < ROWS_PER_PERIOD; d++) {
                Instant created = Instant.ofEpochSecond(end + 1800);
                entries.add(new Entry(begin, end, "example" + d + ".com", d == 0 ? ReportLedger.NO_DESTINATION
                        : "rua" + d + "@example" + d + ".com", states[d % states.length], Optional.empty(),
                        begin + "." + end + ".example" + d + ".com@mx.example.net", "m" + d + "." + begin + "@mx",
                        "mx!example" + d + ".com!" + begin + "!" + end + ".xml.gz", OptionalLong.empty(), "rfc9990",
                        d % 3, Optional.empty(), created, created));
            }
            ledger.insert(entries);
            if (i < DAYS_AGO.length - 1) {
                ledger.markPlanned(begin, end, ROWS_PER_PERIOD, Instant.ofEpochSecond(end + 1800));
            }
        }
    }

    private static List<Long> periodBegins(ReportLedger ledger) {
        return ledger.list(Optional.empty(), 1000).stream().map(Entry::periodBegin).distinct().sorted().toList();
    }

    private static long daysAgoBegin(int daysAgo) {
        return TODAY - daysAgo * DAY;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void periodsEndedByTheCutoffGoInBatchesAndTheNewestPlanningMarkStays(Backend backend) {
        db = stores.database(backend, tmp);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            ReportLedger ledger = new ReportLedger(store);
            fill(ledger);
            assertThat(ledger.list(Optional.empty(), 1000)).hasSize(DAYS_AGO.length * ROWS_PER_PERIOD);

            // 90 days: the periods that ended 200, 100 and 91 days ago go (3 × 7 rows, in batches of 4).
            Instant cutoff = NOW.minus(Duration.ofDays(90));
            assertThat(ledger.expireBefore(cutoff, 4)).isEqualTo(3 * ROWS_PER_PERIOD);
            assertThat(periodBegins(ledger)).containsExactly(daysAgoBegin(89), daysAgoBegin(10), daysAgoBegin(1));
            assertThat(ledger.periods(100)).extracting(ReportLedger.PeriodSummary::begin)
                    .containsExactly(daysAgoBegin(1), daysAgoBegin(10), daysAgoBegin(89));
            assertThat(ledger.expireBefore(cutoff, 4)).as("again: nothing more").isZero();

            // Everything: every row goes, and the newest planning mark stays so a scheduler does not plan back.
            assertThat(ledger.expireBefore(NOW, 1000)).isEqualTo(3 * ROWS_PER_PERIOD);
            assertThat(ledger.list(Optional.empty(), 1000)).isEmpty();
            assertThat(ledger.periods(100)).singleElement().satisfies(p -> {
                assertThat(p.begin()).isEqualTo(daysAgoBegin(10));
                assertThat(p.planned()).isTrue();
            });
            assertThat(ledger.planned(daysAgoBegin(10), daysAgoBegin(9))).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void theHistoryRetentionJobExpiresTheLedgerWithTheLongerRetention(Backend backend) {
        db = stores.database(backend, tmp);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            fill(new ReportLedger(store));
        }
        DmarcSettings settings = new DmarcSettings(tmp.resolve("conf/dmarc.properties"), db.config(), false,
                Durability.QUEUE, tmp.resolve("journal"), 1L << 20, 100, 50, 30, List.of());
        java.time.Clock clock = java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC);
        try (EvaluationHistory history = EvaluationHistory.start(settings, HistoryListener.NONE)) {
            // History kept 30 days, the ledger 95 (report.ledgerRetention=P95D): the ledger's periods of 200 and
            // 100 days ago go, not the one of 91.
            try (HistoryRetention retention = HistoryRetention.schedule(history::expireBefore,
                    Optional.of(new HistoryRetention.Ledger(history::expireLedgerBefore, Duration.ofDays(95))), 30,
                    3, clock, Duration.ofDays(1), Duration.ofDays(1))) {
                assertThat(retention.expireLedgerNow()).isEqualTo(2 * ROWS_PER_PERIOD);
            }
            // The ledger's own retention shorter than the history's (P5D, history 95 days): the history's wins.
            try (HistoryRetention retention = HistoryRetention.schedule(history::expireBefore,
                    Optional.of(new HistoryRetention.Ledger(history::expireLedgerBefore, Duration.ofDays(5))), 95,
                    3, clock, Duration.ofDays(1), Duration.ofDays(1))) {
                assertThat(retention.expireLedgerNow()).isZero();
            }
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(periodBegins(new ReportLedger(store)))
                    .containsExactly(daysAgoBegin(91), daysAgoBegin(89), daysAgoBegin(10), daysAgoBegin(1));
        }
    }
}
