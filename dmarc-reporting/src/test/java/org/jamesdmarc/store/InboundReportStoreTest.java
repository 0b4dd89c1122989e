package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.store.InboundReportStore.Begin;
import org.jamesdmarc.store.InboundReportStore.RawXml;
import org.jamesdmarc.store.InboundReportStore.Stored;
import org.jamesdmarc.store.InboundStats.DayVolume;
import org.jamesdmarc.store.InboundStats.DomainSummary;
import org.jamesdmarc.store.InboundStats.Page;
import org.jamesdmarc.store.InboundStats.ReportSummary;
import org.jamesdmarc.store.InboundStats.SourceSummary;
import org.jamesdmarc.store.InboundStats.TimeRange;
import org.jamesdmarc.store.InboundStats.Totals;
import org.jamesdmarc.store.InboundStats.Volume;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The inbound report store on H2, MariaDB and PostgreSQL: stored once, read back, aggregated by the database. */
class InboundReportStoreTest {

    private static final Instant DAY1 = Instant.parse("2026-11-30T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");

    @TempDir
    Path tmp;
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();
    private JdbcHistoryStore jdbc;

    private InboundReportStore open(Backend backend) {
        jdbc = stores.open(backend, tmp, 4);
        return new InboundReportStore(jdbc);
    }

    static InboundReport report(String org, String id, String domain, Instant begin) {
        InboundPolicy policy = new InboundPolicy(Optional.of(Policy.REJECT), Optional.of(Policy.QUARANTINE),
                Optional.empty(), Optional.of(AlignmentMode.RELAXED), Optional.of(AlignmentMode.STRICT),
                OptionalInt.empty(), Optional.of("1"), Optional.of(false), Optional.of(DiscoveryMode.TREEWALK));
        return new InboundReport(org, "noreply-dmarc@" + org.toLowerCase() + ".example", Optional.empty(), id, domain,
                begin, begin.plusSeconds(86_399), InboundFormat.RFC9990, policy,
                InboundOrigin.file("/tmp/" + id + ".xml"), NOW);
    }

    static InboundRecord record(String ip, long count, ReportDisposition d, boolean dkim, boolean spf,
                                PolicyOverride... reasons) {
        return new InboundRecord(ip, count, d, dkim, spf,
                java.util.Arrays.stream(reasons).map(r -> new InboundRecord.Reason(r, Optional.of("seen"))).toList(),
                "example.com", Optional.of("example.com"), Optional.of("receiver.example"),
                List.of(new InboundRecord.DkimAuth("example.com", Optional.of("s1"), dkim ? DkimResult.PASS : DkimResult.FAIL)),
                List.of(new InboundRecord.SpfAuth("example.com", SpfScope.MFROM, spf ? SpfResult.PASS : SpfResult.SOFTFAIL)));
    }

    private static Stored store(InboundReportStore s, InboundReport r, Optional<RawXml> raw, InboundRecord... records) {
        Begin b = s.begin(r);
        assertThat(b).isInstanceOf(Begin.Started.class);
        try (InboundReportStore.ReportWriter w = ((Begin.Started) b).writer()) {
            for (InboundRecord x : records) {
                w.add(x);
            }
            return w.commit(raw);
        }
    }

    private static RawXml gzip(String xml) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(xml.getBytes(StandardCharsets.UTF_8));
        }
        return new RawXml(out.toByteArray(), xml.getBytes(StandardCharsets.UTF_8).length);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aReportIsStoredOnceAndReadBackWithItsXml(Backend backend) throws IOException {
        InboundReportStore s = open(backend);
        InboundReport r = report("Google", "r-1", "Example.COM", DAY1);
        String xml = "<feedback>\u00e9t\u00e9</feedback>";
        Stored stored = store(s, r, Optional.of(gzip(xml)),
                record("192.0.2.1", 10, ReportDisposition.NONE, true, true),
                record("192.0.2.2", 5, ReportDisposition.REJECT, false, false));
        assertThat(stored).isEqualTo(new Stored(r.key(), 2, 15));

        Begin again = s.begin(report("Google", "r-1", "example.com", DAY1));
        assertThat(again).isEqualTo(new Begin.Duplicate(r.key()));

        ReportSummary read = s.report(r.key()).orElseThrow();
        assertThat(read.report()).isEqualTo(r);
        assertThat(read.report().policyDomain()).isEqualTo("example.com");
        assertThat(read.records()).isEqualTo(2);
        assertThat(read.volume().messages()).isEqualTo(15);
        assertThat(read.volume().dmarcPass()).isEqualTo(10);
        assertThat(read.rawKept()).isTrue();
        assertThat(read.rawXmlBytes()).isEqualTo(xml.getBytes(StandardCharsets.UTF_8).length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(s.rawXml(r.key(), out)).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(xml);
        assertThat(s.rawXml("0".repeat(32), new ByteArrayOutputStream())).isFalse();
        assertThat(s.report("0".repeat(32))).isEmpty();

        Totals t = s.totals();
        assertThat(t.reports()).isEqualTo(1);
        assertThat(t.records()).isEqualTo(2);
        assertThat(t.volume()).isEqualTo(new Volume(15, 10, 10, 10));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aWriterClosedWithoutCommitStoresNothingAndBatchesAreFlushed(Backend backend) {
        InboundReportStore s = open(backend);
        InboundReport r = report("Yahoo", "big", "example.com", DAY1);
        try (InboundReportStore.ReportWriter w = ((Begin.Started) s.begin(r)).writer()) {
            for (int i = 0; i < InboundReportStore.BATCH * 2 + 7; i++) {
                w.add(record("198.51.100." + (i % 250), 1, ReportDisposition.NONE, true, false));
            }
            // closed without commit: a report refused half way (bad record, overflow) leaves nothing behind
        }
        assertThat(s.totals().reports()).isZero();
        assertThat(s.totals().records()).isZero();

        InboundRecord[] many = new InboundRecord[InboundReportStore.BATCH * 2 + 7];
        for (int i = 0; i < many.length; i++) {
            many[i] = record("198.51.100." + (i % 250), 1, ReportDisposition.NONE, true, false);
        }
        Stored stored = store(s, r, Optional.empty(), many);
        assertThat(stored.records()).isEqualTo(many.length);
        assertThat(s.totals().volume().messages()).isEqualTo(many.length);
        assertThat(s.report(r.key()).orElseThrow().rawKept()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void hugeCountsSaturateInAggregatesAndAReportSummingPastTheLimitIsRefused(Backend backend) {
        InboundReportStore s = open(backend);
        store(s, report("A", "1", "example.com", DAY1), Optional.empty(),
                record("192.0.2.1", Long.MAX_VALUE, ReportDisposition.NONE, true, true));
        store(s, report("B", "2", "example.com", DAY1), Optional.empty(),
                record("192.0.2.1", Long.MAX_VALUE, ReportDisposition.NONE, true, true));
        assertThat(s.report(new InboundReport("A", "", Optional.empty(), "1", "example.com", DAY1, DAY1, InboundFormat.RFC9990,
                InboundPolicy.none(), InboundOrigin.file("x"), NOW).key())).isEmpty();
        assertThat(s.totals().volume().messages()).isEqualTo(Long.MAX_VALUE);
        assertThat(s.volumeByDay(Optional.of("example.com"), TimeRange.all()).get(0).volume().messages())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(s.topSources("example.com", TimeRange.all(), 10).get(0).reporters())
                .containsExactly(Map.entry("A", Long.MAX_VALUE), Map.entry("B", Long.MAX_VALUE));

        try (InboundReportStore.ReportWriter w = ((Begin.Started) s.begin(report("C", "3", "example.com", DAY1))).writer()) {
            w.add(record("192.0.2.1", Long.MAX_VALUE, ReportDisposition.NONE, true, true));
            assertThatThrownBy(() -> w.add(record("192.0.2.2", 1, ReportDisposition.NONE, true, true)))
                    .isInstanceOf(ArithmeticException.class);
        }
        assertThat(s.totals().reports()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theDashboardAggregatesAreTheDatabasesSums(Backend backend) {
        InboundReportStore s = open(backend);
        store(s, report("Google", "g1", "example.com", DAY1), Optional.empty(),
                record("192.0.2.1", 100, ReportDisposition.NONE, true, true),
                record("192.0.2.9", 7, ReportDisposition.REJECT, false, false),
                record("203.0.113.5", 20, ReportDisposition.NONE, false, false, PolicyOverride.MAILING_LIST));
        store(s, report("Microsoft", "m1", "example.com", DAY1.plusSeconds(3600)), Optional.empty(),
                record("192.0.2.1", 50, ReportDisposition.NONE, true, false),
                record("203.0.113.5", 4, ReportDisposition.QUARANTINE, false, false,
                        PolicyOverride.FORWARDED, PolicyOverride.MAILING_LIST));
        store(s, report("Google", "g2", "example.com", DAY2), Optional.empty(),
                record("192.0.2.1", 30, ReportDisposition.PASS, false, true));
        store(s, report("Google", "o1", "other.example", DAY2), Optional.empty(),
                record("192.0.2.200", 3, ReportDisposition.NONE, false, true));

        assertThat(s.volumeByDay(Optional.of("example.com"), TimeRange.all())).containsExactly(
                new DayVolume("example.com", LocalDate.of(2026, 11, 30), new Volume(181, 150, 150, 100)),
                new DayVolume("example.com", LocalDate.of(2026, 12, 1), new Volume(30, 30, 0, 30)));
        assertThat(s.volumeByDay(Optional.empty(), new TimeRange(DAY2, DAY2.plusSeconds(86_400)))).containsExactly(
                new DayVolume("example.com", LocalDate.of(2026, 12, 1), new Volume(30, 30, 0, 30)),
                new DayVolume("other.example", LocalDate.of(2026, 12, 1), new Volume(3, 3, 0, 3)));

        // A window starting inside a day (as "the last 30 days" does): its days add up to the domain's totals.
        TimeRange unaligned = new TimeRange(DAY1.plusSeconds(7200), DAY2.plusSeconds(43_200));
        Volume total = s.domains(unaligned).stream().filter(d -> d.policyDomain().equals("example.com")).findFirst()
                .orElseThrow().volume();
        List<DayVolume> days = s.volumeByDay(Optional.of("example.com"), unaligned);
        assertThat(days).hasSize(2);
        assertThat(days.stream().mapToLong(d -> d.volume().messages()).sum()).isEqualTo(total.messages());
        assertThat(days.stream().mapToLong(d -> d.volume().dmarcPass()).sum()).isEqualTo(total.dmarcPass());

        assertThat(s.domains(TimeRange.all())).containsExactly(
                new DomainSummary("example.com", 3, 6, new Volume(211, 180, 150, 130)),
                new DomainSummary("other.example", 1, 1, new Volume(3, 3, 0, 3)));

        List<SourceSummary> top = s.topSources("EXAMPLE.com", TimeRange.all(), 2);
        assertThat(top).extracting(SourceSummary::sourceIp).containsExactly("192.0.2.1", "203.0.113.5");
        SourceSummary first = top.get(0);
        assertThat(first.volume()).isEqualTo(new Volume(180, 180, 150, 130));
        assertThat(first.dispositions()).isEqualTo(Map.of(ReportDisposition.NONE, 150L, ReportDisposition.PASS, 30L));
        assertThat(first.overrides()).isEmpty();
        assertThat(first.reporters()).containsExactly(Map.entry("Google", 130L), Map.entry("Microsoft", 50L));
        SourceSummary list = top.get(1);
        assertThat(list.volume()).isEqualTo(new Volume(24, 0, 0, 0));
        assertThat(list.dispositions()).isEqualTo(Map.of(ReportDisposition.NONE, 20L, ReportDisposition.QUARANTINE, 4L));
        assertThat(list.overrides()).isEqualTo(Map.of(PolicyOverride.MAILING_LIST, 24L, PolicyOverride.FORWARDED, 4L));

        assertThat(s.topSources("example.com", new TimeRange(DAY2, DAY2.plusSeconds(86_400)), 10))
                .extracting(SourceSummary::sourceIp).containsExactly("192.0.2.1");
        assertThat(s.topSources("nobody.example", TimeRange.all(), 10)).isEmpty();

        assertThat(s.reports(Optional.of("example.com"), Page.first(10))).hasSize(3);
        List<String> ids = new ArrayList<>();
        for (int offset = 0; offset < 4; offset++) {
            List<ReportSummary> page = s.reports(Optional.empty(), new Page(offset, 1));
            assertThat(page).hasSize(1);
            ids.add(page.get(0).id());
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(s.reports(Optional.empty(), new Page(4, 10))).isEmpty();
        Totals t = s.totals();
        assertThat(t).isEqualTo(new Totals(4, 7, 2, new Volume(214, 183, 150, 133), 0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void twoConcurrentIngestsOfOneReportStoreItOnce(Backend backend) throws Exception {
        InboundReportStore s = open(backend);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Callable<Boolean> c = () -> {
                go.await();
                Begin b = s.begin(report("Google", "race", "example.com", DAY1));
                if (b instanceof Begin.Started started) {
                    try (InboundReportStore.ReportWriter w = started.writer()) {
                        w.add(record("192.0.2.1", 3, ReportDisposition.NONE, true, true));
                        w.commit(Optional.empty());
                    }
                    return true;
                }
                return false;
            };
            results.add(pool.submit(c));
        }
        go.countDown();
        int started = 0;
        for (Future<Boolean> f : results) {
            started += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertThat(started).isEqualTo(1);
        assertThat(s.totals()).extracting(Totals::reports, Totals::records).containsExactly(1L, 1L);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void refusedReportsAndFailureReportsAreKeptOnce(Backend backend) {
        InboundReportStore s = open(backend);
        byte[] bad = "<feedback><oops".getBytes(StandardCharsets.US_ASCII);
        assertThat(s.reject(InboundOrigin.mail("<m1@x> report.xml"), "not well-formed XML", bad, NOW)).isTrue();
        assertThat(s.reject(InboundOrigin.mail("<m2@x> report.xml"), "not well-formed XML", bad, NOW)).isFalse();
        assertThat(s.reject(InboundOrigin.file("bomb.gz"), "decompressed past 1 GB",
                new byte[InboundReportStore.MAX_REJECTED_CONTENT + 1], NOW)).isTrue();
        assertThat(s.rejected(Page.first(10))).hasSize(2)
                .anySatisfy(r -> {
                    assertThat(r.reason()).isEqualTo("not well-formed XML");
                    assertThat(r.origin()).isEqualTo(InboundOrigin.mail("<m1@x> report.xml"));
                    assertThat(r.contentKept()).isTrue();
                    assertThat(r.contentBytes()).isEqualTo(bad.length);
                })
                .anySatisfy(r -> assertThat(r.contentKept()).isFalse());

        InboundFailureReport f = new InboundFailureReport(NOW, InboundOrigin.mail("<f1@x>"), "ruf@receiver.example",
                "auth-failure", "dmarc", "Example.com", "192.0.2.66",
                Optional.of(Instant.parse("2026-12-01T10:00:00Z")), Optional.of("bounce@example.com"),
                Optional.of("user@receiver.example"), Optional.of("reject"), Optional.empty(),
                Optional.of("example.com"), Optional.of("s1"), Optional.empty(),
                Optional.of("dmarc=fail header.from=example.com"), Optional.of("example.com"), Optional.of("Hello"),
                "From: a@example.com\r\nSubject: Hello\r\n");
        assertThat(s.storeFailure(f)).isEqualTo(InboundReportStore.FailureOutcome.STORED);
        assertThat(s.storeFailure(f)).isEqualTo(InboundReportStore.FailureOutcome.DUPLICATE);
        assertThat(s.failures(Optional.of("example.com"), Page.first(10)))
                .singleElement().satisfies(x -> {
                    assertThat(x.id()).isEqualTo(f.key());
                    assertThat(x.report()).isEqualTo(f);
                });
        assertThat(s.failures(Optional.of("other.example"), Page.first(10))).isEmpty();
        assertThat(s.totals()).extracting(Totals::rejected, Totals::failures).containsExactly(2L, 1L);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void recordTextWithBackslashesTabsAndCopyMarkersIsStoredAsGiven(Backend backend) throws Exception {
        InboundReportStore s = open(backend);
        // COPY's text format (PostgreSQL) gives '\\', '\t', '\n' and "\\N" a meaning: each must come back as written.
        String comment = "list \\N at C:\\lists\\ tab\there";
        InboundRecord r = new InboundRecord("2001:db8::1", 3, ReportDisposition.QUARANTINE, false, true,
                List.of(new InboundRecord.Reason(PolicyOverride.MAILING_LIST, Optional.of(comment))),
                "example.com", Optional.empty(), Optional.of("back\\slash.example"),
                List.of(new InboundRecord.DkimAuth("example.com", Optional.of("\\N"), DkimResult.FAIL)),
                List.of(new InboundRecord.SpfAuth("example.com", SpfScope.MFROM, SpfResult.PASS)));
        Stored stored = store(s, report("Odd", "odd-text", "example.com", DAY1), Optional.empty(), r);
        try (java.sql.Connection c = jdbc.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT reasons, envelope_from, envelope_to, "
                     + "dkim_results, spf_results, source_ip, message_count, dmarc_pass, spf_pass "
                     + "FROM dmarc_inbound_record WHERE report_key = ?")) {
            ps.setString(1, stored.id());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                // The comment's tab was cleaned to '?' when the record was made (a control character).
                assertThat(rs.getString(1)).isEqualTo("mailing_list\tlist \\N at C:\\lists\\ tab?here");
                assertThat(rs.getString(2)).isNull();
                assertThat(rs.getString(3)).isEqualTo("back\\slash.example");
                assertThat(rs.getString(4)).isEqualTo("fail\texample.com\t\\N");
                assertThat(rs.getString(5)).isEqualTo("pass\texample.com\tmfrom");
                assertThat(rs.getString(6)).isEqualTo("2001:db8::1");
                assertThat(rs.getLong(7)).isEqualTo(3);
                assertThat(rs.getInt(8)).isEqualTo(1);
                assertThat(rs.getInt(9)).isEqualTo(1);
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
