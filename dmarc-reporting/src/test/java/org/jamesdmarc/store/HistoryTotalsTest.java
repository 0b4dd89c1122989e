package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.jamesdmarc.check.EvaluationRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The history totals (migration V12) on H2, MariaDB and PostgreSQL: after roll-ups they equal the report counters'
 * sums (per slice, per slice and policy domain) computed by a {@code GROUP BY} of {@code dmarc_report_policy}; the
 * migration's backfill computes the same rows; retention deletes them with the counters; the summary over every
 * domain (days, top domains) equals the direct queries it replaced; {@link SliceTop} over the domain totals equals
 * a full {@code GROUP BY}, messages and DMARC passes, for skewed and flat data.
 */
class HistoryTotalsTest {

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @AfterEach
    void drop() {
        if (db != null) {
            db.drop();
        }
    }

    private JdbcHistoryStore open(Backend backend) {
        if (db == null) {
            db = backend.create(tmp);
        }
        return JdbcHistoryStore.open(new StoreConfig(db.url(), db.user(), Secret.none(), 2));
    }

    /**
     * Record n on day (n / 3) % 4 before {@link Records#T0} (all in the past: the roll-up counts them); one in seven
     * of those with a policy passes DMARC (SPF aligned and passing).
     */
    private static List<EvaluationRecord> records(int from, int to) {
        return Records.decidedBySpf(from, to, n -> Records.T0.minus(Duration.ofDays((n / 3) % 4)).plusSeconds(n),
                n -> n % 7 == 0);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theTotalsAreTheCountersSumsAndTheSummaryIsUnchanged(Backend backend) throws Exception {
        Instant since = Records.T0.minus(Duration.ofDays(5));
        Instant until = Records.T0.plus(Duration.ofDays(2));
        List<List<Object>> slices;
        List<List<Object>> domains;
        try (JdbcHistoryStore store = open(backend)) {
            // Two roll-ups over the same slices: the second adds to the rows the first wrote.
            store.write(records(0, 150));
            new ReportRollup(store, Duration.ofDays(1)).rollUp();
            store.write(records(150, 400));
            new ReportRollup(store, Duration.ofDays(1)).rollUp();
            try (Connection c = store.dataSource().getConnection()) {
                slices = rows(c, "SELECT period_hour, messages, dmarc_pass, slice_seconds FROM dmarc_report_slice_total "
                        + "ORDER BY period_hour");
                domains = rows(c, "SELECT period_hour, policy_domain, messages, dmarc_pass, slice_seconds FROM "
                        + "dmarc_report_domain_total ORDER BY period_hour, policy_domain");
                assertThat(slices).hasSize(4);
                assertThat(slices).isEqualTo(rows(c, "SELECT period_hour, SUM(messages), SUM(dmarc_pass), "
                        + "MAX(slice_seconds) FROM dmarc_report_policy GROUP BY period_hour ORDER BY period_hour"));
                assertThat(domains).hasSizeGreaterThan(6);
                assertThat(domains).isEqualTo(rows(c, "SELECT period_hour, policy_domain, SUM(messages), "
                        + "SUM(dmarc_pass), MAX(slice_seconds) FROM dmarc_report_policy GROUP BY period_hour, "
                        + "policy_domain ORDER BY period_hour, policy_domain"));
                assertThat(slices).allMatch(r -> (Long) r.get(2) > 0);
                assertThat(rows(c, "SELECT SUM(messages), SUM(dmarc_pass) FROM dmarc_report_slice_total").get(0))
                        .isEqualTo(rows(c, "SELECT COUNT(*), SUM(CASE WHEN dmarc_result = 'pass' THEN 1 ELSE 0 END) "
                                + "FROM dmarc_message WHERE policy_domain IS NOT NULL").get(0));

                // The summary over every domain: what the direct queries on the counters gave.
                HistoryBrowser browser = new HistoryBrowser(store);
                for (int top : new int[] {1, 2, 3, 10}) {
                    HistoryBrowser.Summary s = browser.summary(Optional.empty(), since, until, top);
                    List<List<Object>> want = rows(c, "SELECT policy_domain, SUM(messages) AS m, SUM(dmarc_pass) FROM "
                            + "dmarc_report_policy WHERE period_hour >= " + since.getEpochSecond() + " AND period_hour < "
                            + until.getEpochSecond() + " GROUP BY policy_domain ORDER BY m DESC, policy_domain");
                    assertThat(s.domains().stream().map(d -> List.<Object>of(d.policyDomain(), d.messages(), d.pass()))
                            .toList()).isEqualTo(want.subList(0, Math.min(top, want.size())));
                    assertThat(s.days().stream().map(d -> List.<Object>of(d.day().getEpochSecond(), d.messages(),
                            d.pass())).toList()).isEqualTo(rows(c, "SELECT period_hour, SUM(messages), "
                            + "SUM(dmarc_pass) FROM dmarc_report_policy GROUP BY period_hour ORDER BY period_hour"));
                }
                assertThat(browser.summary(Optional.empty(), until, until.plusSeconds(86_400), 5).domains()).isEmpty();
            }
        }

        // As a database of V11 would be: the totals not there yet; the migration's backfill gives the same rows.
        try (Connection c = java.sql.DriverManager.getConnection(db.url().replace("jdbc:mysql:", "jdbc:mariadb:"),
                db.user(), ""); Statement st = c.createStatement()) {
            st.executeUpdate(backend == Backend.H2
                    ? "DELETE FROM \"dmarc_schema_history\" WHERE \"version\" IN ('12', '13', '14')"
                    : "DELETE FROM dmarc_schema_history WHERE version IN ('12', '13', '14')");
            st.executeUpdate("DROP TABLE dmarc_report_slice_total");
            st.executeUpdate("DROP TABLE dmarc_report_domain_total");
            // V13's indexes, the ranking one as V14 left it (V13 and V14 run again, V14's DROP INDEX on every backend).
            for (String[] index : new String[][] {{"dmarc_inbound_source_ranking", "dmarc_inbound_source"},
                {"dmarc_inbound_source_ip", "dmarc_inbound_source"},
                {"dmarc_inbound_source_org_ip", "dmarc_inbound_source_org"}}) {
                st.executeUpdate("DROP INDEX " + index[0] + (backend == Backend.MARIADB ? " ON " + index[1] : ""));
            }
        }
        try (JdbcHistoryStore store = open(backend); Connection c = store.dataSource().getConnection()) {
            assertThat(store.schemaVersion()).isEqualTo(Integer.toString(HistorySchema.CURRENT_VERSION));
            assertThat(rows(c, "SELECT period_hour, messages, dmarc_pass, slice_seconds FROM dmarc_report_slice_total "
                    + "ORDER BY period_hour")).isEqualTo(slices);
            assertThat(rows(c, "SELECT period_hour, policy_domain, messages, dmarc_pass, slice_seconds FROM "
                    + "dmarc_report_domain_total ORDER BY period_hour, policy_domain")).isEqualTo(domains);

            // Retention: the totals go with the counters of the slices that ended.
            ReportCounters.expire(c, Records.T0.minus(Duration.ofDays(1)).toEpochMilli());
            assertThat(rows(c, "SELECT period_hour, messages, dmarc_pass, slice_seconds FROM dmarc_report_slice_total "
                    + "ORDER BY period_hour")).isEqualTo(rows(c, "SELECT period_hour, SUM(messages), SUM(dmarc_pass), "
                    + "MAX(slice_seconds) FROM dmarc_report_policy GROUP BY period_hour ORDER BY period_hour"))
                    .isNotEmpty().hasSizeLessThan(slices.size());
            assertThat(rows(c, "SELECT period_hour, policy_domain, messages, dmarc_pass, slice_seconds FROM "
                    + "dmarc_report_domain_total ORDER BY period_hour, policy_domain")).isEqualTo(rows(c, "SELECT "
                    + "period_hour, policy_domain, SUM(messages), SUM(dmarc_pass), MAX(slice_seconds) FROM "
                    + "dmarc_report_policy GROUP BY period_hour, policy_domain ORDER BY period_hour, policy_domain"))
                    .hasSizeLessThan(domains.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theTopDomainsFromEachSlicesTopAreTheTopOfTheWholeWindow(Backend backend) throws SQLException {
        SliceTop domains = new SliceTop("dmarc_report_domain_total", "policy_domain", List.of("dmarc_pass"));
        try (JdbcHistoryStore store = open(backend); Connection c = store.dataSource().getConnection()) {
            Random random = new Random(12);
            // Slices 0-4 skewed (few big domains), 5-9 flat with many ties; d-299 just below each slice's top.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_report_domain_total (period_hour, "
                    + "policy_domain, messages, dmarc_pass, slice_seconds) VALUES (?, ?, ?, ?, 86400)")) {
                for (int slice = 0; slice < 10; slice++) {
                    for (int d = 0; d < 300; d++) {
                        long n = slice < 5 ? (long) (1000 / (1 + d + random.nextInt(3))) : 1 + random.nextInt(4);
                        if (n == 0 || (d == 7 && slice % 2 == 0)) {
                            continue;
                        }
                        n = d == 299 ? 90 : n;
                        ps.setLong(1, slice * 86_400L);
                        ps.setString(2, "d-" + d + ".example");
                        ps.setLong(3, n);
                        ps.setLong(4, n / 2 + d % 2);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            for (long[] window : new long[][] {{0, 86_400}, {0, 5 * 86_400}, {5 * 86_400, 10 * 86_400},
                {0, 10 * 86_400}, {3 * 86_400, 8 * 86_400}}) {
                List<Long> slices = domains.slices(c, window[0], window[1]);
                assertThat(slices).hasSize((int) ((window[1] - window[0]) / 86_400));
                List<List<Object>> all = rows(c, "SELECT policy_domain, SUM(messages) AS m, SUM(dmarc_pass) FROM "
                        + "dmarc_report_domain_total WHERE period_hour >= " + window[0] + " AND period_hour < "
                        + window[1] + " GROUP BY policy_domain");
                all.sort(java.util.Comparator.comparingLong((List<Object> r) -> (Long) r.get(1)).reversed()
                        .thenComparing(r -> (String) r.get(0)));
                for (int top : new int[] {1, 3, 10, 50, 300, 1000}) {
                    assertThat(domains.top(c, slices, top).stream().map(t -> List.<Object>of(t.key(), t.messages(),
                            t.others().get(0))).toList()).as("window %s-%s top %d", window[0], window[1], top)
                            .isEqualTo(all.subList(0, Math.min(top, all.size())));
                }
            }
            assertThat(domains.top(c, List.of(), 10)).isEmpty();
        }
    }

    /** Every row of {@code sql}, each column as a long when it is a number, else as text. */
    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Number x ? (Object) x.longValue() : v);
                }
                out.add(row);
            }
        }
        return out;
    }
}
