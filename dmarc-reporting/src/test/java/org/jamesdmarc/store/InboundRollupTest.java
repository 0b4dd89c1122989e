package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jamesdmarc.store.InboundReportStoreTest.record;
import static org.jamesdmarc.store.InboundReportStoreTest.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.store.InboundReportStore.Begin;
import org.jamesdmarc.store.InboundStats.Page;
import org.jamesdmarc.store.InboundStats.TimeRange;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The inbound roll-up (migration V10) on H2, MariaDB and PostgreSQL: it always equals the sums of the records stored
 * (computed here in Java from {@code dmarc_inbound_record}), a duplicate or a report refused half way changes
 * nothing, the migration's backfill computes the same rows, and retention deletes whole old days only.
 */
class InboundRollupTest {

    private static final Instant DAY1 = Instant.parse("2026-11-28T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-11-29T00:00:00Z");
    private static final Instant DAY3 = Instant.parse("2026-11-30T00:00:00Z");
    private static final PolicyOverride[][] REASONS = {{}, {}, {PolicyOverride.FORWARDED},
        {PolicyOverride.MAILING_LIST, PolicyOverride.TRUSTED_FORWARDER}, {PolicyOverride.LOCAL_POLICY},
        {PolicyOverride.SAMPLED_OUT, PolicyOverride.OTHER, PolicyOverride.POLICY_TEST_MODE}};

    @TempDir
    Path tmp;
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();
    private Backend backend;
    private JdbcHistoryStore jdbc;

    /** A store on this test's database, holding the reports of {@link #fill}. */
    private InboundReportStore openFilled(Backend backend) {
        this.backend = backend;
        InboundReportStore s = reopen();
        fill(s);
        return s;
    }

    /** A new store on this test's database. */
    private InboundReportStore reopen() {
        jdbc = stores.open(backend, tmp, 4);
        return new InboundReportStore(jdbc);
    }

    /** Stores a report of {@code records} random records from a few sources; the number of records stored. */
    private static void storeRandom(InboundReportStore s, Random random, String org, String id, String domain,
                                    Instant begin, int records, int sources) {
        Begin b = s.begin(report(org, id, domain, begin));
        assertThat(b).isInstanceOf(Begin.Started.class);
        try (InboundReportStore.ReportWriter w = ((Begin.Started) b).writer()) {
            for (int i = 0; i < records; i++) {
                w.add(record("192.0.2." + random.nextInt(sources), random.nextInt(1000),
                        ReportDisposition.values()[random.nextInt(4)], random.nextBoolean(), random.nextBoolean(),
                        REASONS[random.nextInt(REASONS.length)]));
            }
            w.commit(Optional.empty());
        }
    }

    /**
     * Adds one-message records from {@code MAX_SOURCES + 10} sources (10.0.0.0 on) to {@code w}: more than the
     * in-memory roll-up holds, so it is flushed mid-report.
     */
    private static void addManySources(InboundReportStore.ReportWriter w) {
        for (int i = 0; i < InboundRollup.MAX_SOURCES + 10; i++) {
            w.add(record("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), 1, ReportDisposition.NONE,
                    true, true));
        }
    }

    private void fill(InboundReportStore s) {
        Random random = new Random(12);
        storeRandom(s, random, "Google", "g1", "example.com", DAY1, 300, 40);
        storeRandom(s, random, "Microsoft", "m1", "example.com", DAY1.plusSeconds(7200), 200, 40);
        storeRandom(s, random, "Google", "g2", "example.com", DAY2, 250, 30);
        storeRandom(s, random, "Yahoo", "y1", "other.example", DAY2, 100, 10);
        storeRandom(s, random, "Google", "g3", "other.example", DAY3, 50, 5);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theRollupIsTheSumOfTheRecordsAndDuplicatesOrRefusedReportsChangeNothing(Backend backend) throws SQLException {
        InboundReportStore s = openFilled(backend);
        Snapshot first = snapshot();
        assertThat(first.source).isEqualTo(expectedFromRecords().source);
        assertThat(first.org).isEqualTo(expectedFromRecords().org);
        assertThat(first.day).isEqualTo(expectedFromRecords().day);
        assertThat(first.source).hasSizeGreaterThan(50);

        // A duplicate is found at begin: nothing written.
        assertThat(s.begin(report("Google", "g1", "example.com", DAY1))).isInstanceOf(Begin.Duplicate.class);
        // A report refused half way, after the roll-up was flushed mid-report (more sources than the in-memory cap).
        try (InboundReportStore.ReportWriter w = ((Begin.Started) s.begin(report("Big", "b1", "example.com", DAY1)))
                .writer()) {
            addManySources(w);
            assertThatThrownBy(() -> w.add(record("192.0.2.1", Long.MAX_VALUE, ReportDisposition.NONE, true, true)))
                    .isInstanceOf(ArithmeticException.class);
        }
        assertThat(snapshot()).isEqualTo(first);

        // The same report stored whole this time: its many sources, flushed in steps, all counted.
        try (InboundReportStore.ReportWriter w = ((Begin.Started) s.begin(report("Big", "b1", "example.com", DAY1)))
                .writer()) {
            addManySources(w);
            w.commit(Optional.empty());
        }
        Snapshot after = snapshot();
        assertThat(after).isEqualTo(expectedFromRecords());
        assertThat(after.source).hasSize(first.source.size() + InboundRollup.MAX_SOURCES + 10);
        assertThat(s.topSources("example.com", TimeRange.all(), Page.MAX_LIMIT)).hasSize(Page.MAX_LIMIT);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theMigrationBackfillsTheReportsStoredBeforeIt(Backend backend) throws Exception {
        InboundReportStore s = openFilled(backend);
        Snapshot written = snapshot();
        stores.closeNow(jdbc);
        Backend.TestDatabase db = stores.database(backend, tmp);
        // As a database of V9 would be: the records without the roll-up tables (V11 to V14 undone too: Flyway
        // applies no version below the newest one applied).
        try (Connection c = java.sql.DriverManager.getConnection(db.url().replace("jdbc:mysql:", "jdbc:mariadb:"),
                db.user(), ""); Statement st = c.createStatement()) {
            st.executeUpdate(backend == Backend.H2
                    ? "DELETE FROM \"dmarc_schema_history\" WHERE \"version\" IN ('10', '11', '12', '13', '14')"
                    : "DELETE FROM dmarc_schema_history WHERE version IN ('10', '11', '12', '13', '14')");
            for (String table : List.of("dmarc_inbound_day", "dmarc_inbound_source", "dmarc_inbound_source_org",
                    "dmarc_report_failing", "dmarc_report_failing_source", "dmarc_report_slice_total",
                    "dmarc_report_domain_total")) {
                st.executeUpdate("DROP TABLE " + table);
            }
        }
        reopen();
        assertThat(jdbc.schemaVersion()).isEqualTo(Integer.toString(HistorySchema.CURRENT_VERSION));
        assertThat(snapshot()).isEqualTo(written);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void retentionDeletesWholeOldDaysOnlyInBatches(Backend backend) throws SQLException {
        InboundReportStore s = openFilled(backend);
        byte[] bad = "<feedback>".getBytes(StandardCharsets.US_ASCII);
        assertThat(s.reject(InboundOrigin.file("old.xml"), "old", bad, DAY1)).isTrue();
        assertThat(s.reject(InboundOrigin.file("new.xml"), "new", "<x>".getBytes(StandardCharsets.US_ASCII), DAY3))
                .isTrue();

        // A cutoff in the middle of DAY2 keeps all of DAY2: records are bucketed by whole days.
        InboundReportStore.Expired expired = s.expireBefore(DAY2.plusSeconds(3600 * 13), 7);
        assertThat(expired).isEqualTo(new InboundReportStore.Expired(2, 500, 1, 0));
        Snapshot left = snapshot();
        assertThat(left).isEqualTo(expectedFromRecords());
        assertThat(left.day.keySet()).containsExactly("example.com|" + DAY2.getEpochSecond(),
                "other.example|" + DAY2.getEpochSecond(), "other.example|" + DAY3.getEpochSecond());
        assertThat(s.reports(Optional.empty(), Page.first(10))).extracting(r -> r.report().reportId())
                .containsExactlyInAnyOrder("g2", "y1", "g3");
        assertThat(s.report(report("Google", "g1", "example.com", DAY1).key())).isEmpty();
        assertThat(count("dmarc_inbound_record WHERE day_start < " + DAY2.getEpochSecond())).isZero();
        assertThat(count("dmarc_inbound_record")).isEqualTo(400);
        assertThat(s.rejected(Page.first(10))).extracting(InboundStats.Rejection::reason).containsExactly("new");
        // Again: nothing more.
        assertThat(s.expireBefore(DAY2.plusSeconds(3600 * 13), 7)).isEqualTo(InboundReportStore.Expired.NOTHING);
        // Everything.
        assertThat(s.expireBefore(DAY3.plusSeconds(86_400), 1000).reports()).isEqualTo(3);
        assertThat(count("dmarc_inbound_record") + count("dmarc_inbound_source") + count("dmarc_inbound_source_org")
                + count("dmarc_inbound_day") + count("dmarc_inbound_report")).isZero();
    }

    private long count(String from) throws SQLException {
        try (Connection c = jdbc.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The roll-up tables, as text rows keyed by their primary keys. */
    record Snapshot(TreeMap<String, List<Long>> day, TreeMap<String, List<Long>> source, TreeMap<String, Long> org) {
    }

    private Snapshot snapshot() throws SQLException {
        TreeMap<String, List<Long>> day = new TreeMap<>();
        TreeMap<String, List<Long>> source = new TreeMap<>();
        TreeMap<String, Long> org = new TreeMap<>();
        try (Connection c = jdbc.dataSource().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT policy_domain, day_start, "
                    + String.join(", ", InboundRollup.DAY_COLUMNS) + " FROM dmarc_inbound_day")) {
                while (rs.next()) {
                    day.put(rs.getString(1) + "|" + rs.getLong(2), longs(rs, 3, InboundRollup.DAY_COLUMNS.size()));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT policy_domain, day_start, source_ip, "
                    + String.join(", ", InboundRollup.SOURCE_COLUMNS) + " FROM dmarc_inbound_source")) {
                while (rs.next()) {
                    source.put(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getString(3),
                            longs(rs, 4, InboundRollup.SOURCE_COLUMNS.size()));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT policy_domain, day_start, source_ip, org_name, messages FROM "
                    + "dmarc_inbound_source_org")) {
                while (rs.next()) {
                    org.put(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|" + rs.getString(4),
                            rs.getLong(5));
                }
            }
        }
        return new Snapshot(day, source, org);
    }

    private static List<Long> longs(ResultSet rs, int from, int n) throws SQLException {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(rs.getLong(from + i));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theRankingIsTheRecordsSumsPerSourceBiggestFirst(Backend backend) throws SQLException {
        InboundReportStore s = openFilled(backend);
        TreeMap<String, List<Long>> perDaySource = expectedFromRecords().source;
        for (TimeRange range : List.of(TimeRange.all(), new TimeRange(DAY2, DAY3), new TimeRange(DAY1, DAY3),
                new TimeRange(DAY3, DAY3.plusSeconds(86_400)))) {
            for (String domain : List.of("example.com", "other.example", "nobody.example")) {
                // Per source, the window's sums computed here from the records (V13's index must not change them).
                TreeMap<String, long[]> sums = new TreeMap<>();
                perDaySource.forEach((key, v) -> {
                    String[] k = key.split("\\|");
                    long day = Long.parseLong(k[1]);
                    if (k[0].equals(domain) && day >= range.from().getEpochSecond()
                            && day < range.to().getEpochSecond()) {
                        long[] t = sums.computeIfAbsent(k[2], x -> new long[v.size()]);
                        for (int i = 0; i < v.size(); i++) {
                            t[i] += v.get(i);
                        }
                    }
                });
                List<String> ranked = new ArrayList<>(sums.keySet());
                ranked.sort(java.util.Comparator.comparingLong((String ip) -> sums.get(ip)[0]).reversed()
                        .thenComparing(ip -> ip));
                // The domain's dispositions (every source, from the day roll-up) are the records' sums.
                Map<ReportDisposition, Long> dispositions = new java.util.EnumMap<>(ReportDisposition.class);
                for (ReportDisposition d : ReportDisposition.values()) {
                    long n = sums.values().stream()
                            .mapToLong(t -> t[InboundRollup.SOURCE_COLUMNS.indexOf("disp_" + d.keyword())]).sum();
                    if (n > 0) {
                        dispositions.put(d, n);
                    }
                }
                assertThat(s.dispositions(Optional.of(domain), range).getOrDefault(domain, Map.of()))
                        .as("%s %s", domain, range).isEqualTo(dispositions);
                assertThat(s.dispositions(Optional.empty(), range).getOrDefault(domain, Map.of()))
                        .isEqualTo(dispositions);
                for (int limit : new int[] {1, 5, 1000}) {
                    List<InboundStats.SourceRank> got = s.rankSources(domain, range, limit);
                    List<String> want = ranked.subList(0, Math.min(limit, ranked.size()));
                    assertThat(got).extracting(InboundStats.SourceRank::sourceIp).as("%s %s", domain, range)
                            .containsExactlyElementsOf(want);
                    for (InboundStats.SourceRank r : got) {
                        long[] t = sums.get(r.sourceIp());
                        List<String> cols = InboundRollup.SOURCE_COLUMNS;
                        assertThat(r.messages()).isEqualTo(t[0]);
                        assertThat(r.dmarcPass()).isEqualTo(t[1]);
                        for (PolicyOverride o : PolicyOverride.values()) {
                            assertThat(r.forwarding().contains(o)).as(o.reportValue()).isEqualTo(
                                    InboundStats.SourceRank.FORWARDING.contains(o) && t[cols.indexOf("ovr_" + o.reportValue())] > 0);
                        }
                    }
                    // The full sums of the listed sources, in the ranking's order, are topSources'.
                    List<InboundStats.SourceSummary> top = s.topSources(domain, range, limit);
                    assertThat(top).isEqualTo(s.sources(domain, range, want));
                    assertThat(top).extracting(InboundStats.SourceSummary::sourceIp).containsExactlyElementsOf(want);
                    for (InboundStats.SourceSummary x : top) {
                        long[] t = sums.get(x.sourceIp());
                        assertThat(List.of(x.volume().messages(), x.volume().dmarcPass(), x.volume().dkimPass(),
                                x.volume().spfPass())).isEqualTo(List.of(t[0], t[1], t[2], t[3]));
                    }
                }
            }
        }
        assertThat(s.rankSources("example.com", TimeRange.all(), 1000)).hasSizeGreaterThan(30);
    }

    /** The roll-up computed here, in Java, from every stored record (test sums stay far below 2^63). */
    private Snapshot expectedFromRecords() throws SQLException {
        TreeMap<String, List<Long>> day = new TreeMap<>();
        TreeMap<String, List<Long>> source = new TreeMap<>();
        TreeMap<String, Long> org = new TreeMap<>();
        try (Connection c = jdbc.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT x.policy_domain, x.day_start, x.source_ip, r.org_name, "
                     + "x.message_count, x.disposition, x.dmarc_pass, x.dkim_pass, x.spf_pass, x.reason_types FROM "
                     + "dmarc_inbound_record x JOIN dmarc_inbound_report r ON r.report_key = x.report_key");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long n = rs.getLong(5);
                long[] add = new long[InboundRollup.SOURCE_COLUMNS.size()];
                add[0] = n;
                add[1] = rs.getInt(7) == 1 ? n : 0;
                add[2] = rs.getInt(8) == 1 ? n : 0;
                add[3] = rs.getInt(9) == 1 ? n : 0;
                add[InboundRollup.SOURCE_COLUMNS.indexOf("disp_" + rs.getString(6))] = n;
                for (String type : rs.getString(10).split(",")) {
                    if (!type.isEmpty()) {
                        add[InboundRollup.SOURCE_COLUMNS.indexOf("ovr_" + type)] += n;
                    }
                }
                String dayKey = rs.getString(1) + "|" + rs.getLong(2);
                String sourceKey = dayKey + "|" + rs.getString(3);
                merge(day, dayKey, add, InboundRollup.DAY_COLUMNS.size());
                merge(source, sourceKey, add, add.length);
                org.merge(sourceKey + "|" + rs.getString(4), n, Long::sum);
            }
        }
        return new Snapshot(day, source, org);
    }

    private static void merge(TreeMap<String, List<Long>> m, String key, long[] add, int n) {
        List<Long> row = m.computeIfAbsent(key, k -> new ArrayList<>(java.util.Collections.nCopies(n, 0L)));
        for (int i = 0; i < n; i++) {
            row.set(i, row.get(i) + add[i]);
        }
    }
}
