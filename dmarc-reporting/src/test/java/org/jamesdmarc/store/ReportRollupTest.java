package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jamesdmarc.check.EvaluationRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The roll-up (V5) on H2, MariaDB and PostgreSQL: writers leave the counters alone and mark their messages pending;
 * {@link ReportRollup} counts each message exactly once, keyed by its report period, late messages and concurrent
 * roll-ups included, with the same rows and keys as the store's own counter code computes from the records.
 */
class ReportRollupTest {

    private static final Instant DAY = Instant.parse("2026-12-01T00:00:00Z");
    private static final Duration ONE_DAY = Duration.ofDays(1);

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private JdbcHistoryStore open(Backend backend, int poolSize) {
        db = stores.database(backend, tmp);
        return JdbcHistoryStore.open(new StoreConfig(db.url(), db.user(), Secret.none(), poolSize));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void writersLeaveTheCountersToTheRollUpWhichCountsEachMessageOnceByDay(Backend backend) throws Exception {
        List<EvaluationRecord> records = Records.records(0, 400); // 08:00 to 14:39 of one day
        try (JdbcHistoryStore store = open(backend, 2)) {
            for (int from = 0; from < records.size(); from += 37) {
                store.write(records.subList(from, Math.min(records.size(), from + 37)));
            }
            ReportRollup rollup = new ReportRollup(store, ONE_DAY);
            assertThat(scalar("SELECT COUNT(*) FROM dmarc_report_row")).isZero();
            assertThat(rollup.pending()).isEqualTo(400);

            ReportRollup.Result result = rollup.rollUp();
            assertThat(result.messages()).isEqualTo(400);
            assertThat(result.orphans()).isZero();
            assertThat(rollup.pending()).isZero();
            assertThat(rollup.rollUp().messages()).isZero(); // nothing twice
            // One slice: the day, keyed by its start.
            assertThat(longs("SELECT DISTINCT period_hour FROM dmarc_report_row")).containsExactly(DAY.getEpochSecond());
            assertThat(longs("SELECT DISTINCT slice_seconds FROM dmarc_report_policy")).containsExactly(86_400L);
            long withRecord = records.stream().filter(r -> r.policyDomain().isPresent() && r.published().isPresent())
                    .count();
            assertThat(scalar("SELECT SUM(messages) FROM dmarc_report_policy")).isEqualTo(withRecord);
            assertThat(scalar("SELECT SUM(messages) FROM dmarc_report_row")).isEqualTo(withRecord);
            assertThat(scalar("SELECT messages FROM dmarc_rollup_state WHERE id = 1")).isEqualTo(400);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theRolledUpCountersAreThoseTheStoresCounterCodeComputesFromTheRecords(Backend backend) throws Exception {
        List<EvaluationRecord> records = Records.records(0, 300);
        try (JdbcHistoryStore store = open(backend, 2)) {
            store.write(records);
            new ReportRollup(store, ONE_DAY).rollUp();
        }
        ReportCounters.Batch expected = new ReportCounters.Batch(86_400);
        for (EvaluationRecord r : records) {
            expected.add(ReportCounters.StoredMessage.of(r));
        }
        Set<String> rows = new TreeSet<>();
        expected.rows.forEach((k, v) -> rows.add(k.periodHour() + " " + k.domainKey() + " " + k.rowKey() + " "
                + k.policyDomain() + " " + v.messages));
        Set<String> policies = new TreeSet<>();
        expected.policies.forEach((k, v) -> policies.add(k.periodHour() + " " + k.domainKey() + " " + k.policyDomain()
                + " " + v.messages + " " + v.dmarcPass + " " + v.latest.receivedAt()));
        assertThat(strings("SELECT period_hour, domain_key, row_key, policy_domain, messages FROM dmarc_report_row"))
                .isEqualTo(rows).hasSizeGreaterThan(50);
        assertThat(strings("SELECT period_hour, domain_key, policy_domain, messages, dmarc_pass, seen_at "
                + "FROM dmarc_report_policy")).isEqualTo(policies).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aLateMessageIsCountedInItsOwnPeriodByTheNextRollUp(Backend backend) throws Exception {
        try (JdbcHistoryStore store = open(backend, 2)) {
            store.write(Records.records(0, 12)); // example0.com: records 0, 3 (no record), 6, 9
            ReportRollup rollup = new ReportRollup(store, ONE_DAY);
            rollup.rollUp();
            long before = scalar("SELECT SUM(messages) FROM dmarc_report_policy WHERE policy_domain = 'example0.com'");
            // A journal replayed after the roll-up: one of the same day, one of the day before.
            store.write(List.of(Records.record(12), Records.at(Records.record(18), DAY.minusSeconds(7200))));
            assertThat(rollup.rollUp().messages()).isEqualTo(2);
            assertThat(scalar("SELECT SUM(messages) FROM dmarc_report_policy WHERE policy_domain = 'example0.com' "
                    + "AND period_hour = " + DAY.getEpochSecond())).isEqualTo(before + 1);
            assertThat(scalar("SELECT SUM(messages) FROM dmarc_report_policy WHERE policy_domain = 'example0.com' "
                    + "AND period_hour = " + DAY.minus(ONE_DAY).getEpochSecond())).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void concurrentRollUpsBesideWritersCountEachMessageOnce(Backend backend) throws Exception {
        List<EvaluationRecord> records = Records.records(0, 800);
        try (JdbcHistoryStore store = open(backend, 6)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            AtomicBoolean writing = new AtomicBoolean(true);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int shift = t * 25;
                    writers.add(pool.submit(() -> {
                        // Overlapping batches: both writers race on some keys.
                        for (int from = shift; from < records.size(); from += 40) {
                            store.write(records.subList(from, Math.min(records.size(), from + 50)));
                        }
                        return null;
                    }));
                }
                List<Future<?>> rollups = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    rollups.add(pool.submit(() -> {
                        while (writing.get()) {
                            new ReportRollup(store, Duration.ofHours(6)).rollUp();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : writers) {
                    f.get();
                }
                writing.set(false);
                for (Future<?> f : rollups) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            new ReportRollup(store, Duration.ofHours(6)).rollUp();
            assertThat(store.count()).isEqualTo(800);
            long withRecord = records.stream().filter(r -> r.policyDomain().isPresent() && r.published().isPresent())
                    .count();
            assertThat(scalar("SELECT SUM(messages) FROM dmarc_report_policy")).isEqualTo(withRecord);
            assertThat(scalar("SELECT SUM(messages) FROM dmarc_report_row")).isEqualTo(withRecord);
            assertThat(scalar("SELECT messages FROM dmarc_rollup_state WHERE id = 1")).isEqualTo(800);
            assertThat(scalar("SELECT COUNT(*) FROM dmarc_rollup_pending")).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void retentionKeepsADaysCountersUntilTheDayEndedAndDropsPendingKeysOfExpiredMessages(Backend backend)
            throws Exception {
        try (JdbcHistoryStore store = open(backend, 2)) {
            store.write(Records.records(0, 100));
            new ReportRollup(store, ONE_DAY).rollUp();
            store.write(Records.records(100, 120)); // not rolled up
            store.expireBefore(Instant.parse("2026-12-01T09:30:00Z"), 50);
            assertThat(scalar("SELECT COUNT(*) FROM dmarc_report_row WHERE period_hour = " + DAY.getEpochSecond()))
                    .as("the day has not ended at the cutoff").isPositive();
            store.expireBefore(DAY.plus(ONE_DAY), 50);
            assertThat(store.count()).isZero();
            assertThat(scalar("SELECT COUNT(*) FROM dmarc_report_row")).isZero();
            assertThat(scalar("SELECT COUNT(*) FROM dmarc_report_policy")).isZero();
            assertThat(scalar("SELECT COUNT(*) FROM dmarc_rollup_pending")).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = "H2")
    void theSliceIsWholeMinutesDividingADay(Backend backend) {
        try (JdbcHistoryStore store = open(backend, 2)) {
            for (Duration bad : List.of(Duration.ofMinutes(7), Duration.ofHours(5), Duration.ofDays(2),
                    Duration.ofSeconds(90))) {
                assertThatThrownBy(() -> new ReportRollup(store, bad)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers ---

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.url().replace("jdbc:mysql:", "jdbc:mariadb:"), db.user(), "");
    }

    private long scalar(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<Long> longs(String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private Set<String> strings(String sql) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    values.add(rs.getString(i).strip());
                }
                out.add(String.join(" ", values));
            }
        }
        return out;
    }
}
