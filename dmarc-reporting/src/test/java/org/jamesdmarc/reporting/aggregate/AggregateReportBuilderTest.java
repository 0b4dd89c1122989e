package org.jamesdmarc.reporting.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportCounterReader;
import org.jamesdmarc.store.ReportRollup;
import org.jamesdmarc.store.ReportPolicy;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The report counters written by {@link JdbcHistoryStore} and the reports built from them, on H2, MariaDB and
 * PostgreSQL: every report is validated against its format's schema (RFC 9990's from ../shared/reference, RFC 7489's)
 * and read back; its records and counts must equal what the test computes itself from the records it wrote.
 */
class AggregateReportBuilderTest {

    private static final LocalDate DAY = LocalDate.of(2026, 12, 1);
    private static final ReportPeriod PERIOD = ReportPeriod.utcDay(DAY);
    private static final Reporter REPORTER = new Reporter("Example Receiver", "dmarc-reports@mx.example.net",
            Optional.of("https://mx.example.net/dmarc"), DomainName.of("mx.example.net"), "James DMARC test");

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private JdbcHistoryStore open(Backend backend) {
        db = stores.database(backend, tmp);
        return JdbcHistoryStore.open(db.config());
    }

    // ------------------------------------------------------------------------------------------------ tests ---

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void everyReportOfTheDayHoldsExactlyWhatWasWritten(Backend backend) throws Exception {
        List<EvaluationRecord> records = Records.records(0, 400); // 400 minutes from 08:00: 7 hours of the day
        try (JdbcHistoryStore store = open(backend)) {
            for (int from = 0; from < records.size(); from += 37) {
                store.write(records.subList(from, Math.min(records.size(), from + 37)));
            }
            for (ReportFormat format : ReportFormat.values()) {
                Map<String, ParsedReport> reports = buildAll(store, PERIOD, format);
                assertThat(reports.keySet()).containsExactlyInAnyOrder("example0.com", "example1.com", "example2.com");
                for (ParsedReport report : reports.values()) {
                    assertThat(report.records()).as(format + " " + report.domain())
                            .isEqualTo(expected(records, report.domain(), format));
                    assertThat(report.reportId()).isEqualTo(PERIOD.beginSeconds() + "." + PERIOD.endSeconds() + "."
                            + report.domain() + "@mx.example.net");
                    assertThat(report.begin()).isEqualTo(1_796_083_200L);
                    assertThat(report.end()).isEqualTo(1_796_083_200L + 86_399);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aReplayAndRacingWritersCountEachMessageOnce(Backend backend) throws Exception {
        List<EvaluationRecord> records = Records.records(0, 240);
        try (JdbcHistoryStore store = open(backend)) {
            store.write(records.subList(0, 100));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> writes = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int shift = t * 20;
                    writes.add(pool.submit(() -> {
                        int stored = 0;
                        // Overlapping batches, each writer in its own order: races on the same keys and counter rows.
                        for (int from = shift; from < records.size(); from += 40) {
                            stored += store.write(records.subList(from, Math.min(records.size(), from + 60)));
                        }
                        return stored;
                    }));
                }
                int stored = 0;
                for (Future<Integer> f : writes) {
                    stored += f.get();
                }
                assertThat(stored).isEqualTo(140); // exactly the messages not stored before
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.write(records)).isZero(); // a pure replay
            Map<String, ParsedReport> reports = buildAll(store, PERIOD, ReportFormat.RFC9990);
            for (ParsedReport report : reports.values()) {
                assertThat(report.records()).isEqualTo(expected(records, report.domain(), ReportFormat.RFC9990));
            }
            assertThat(reports.values().stream().mapToLong(ParsedReport::messages).sum())
                    .isEqualTo(records.stream().filter(r -> r.published().isPresent()).count());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void identicalMessagesShareARecordAndAnyDifferenceSplitsIt(Backend backend) throws Exception {
        EvaluationRecord base = Records.record(0);
        EvaluationRecord same = withKey(base, 1_000_001, base.time().plusSeconds(3600 * 5)); // another hour, same day
        EvaluationRecord otherIp = withKey(base, 1_000_002, base.time());
        otherIp = new EvaluationRecord(otherIp.key(), otherIp.time(), java.net.InetAddress.getByName("198.51.100.7"),
                otherIp.headerFrom(), otherIp.envelopeFrom(), otherIp.envelopeTo(), otherIp.policyDomain(),
                otherIp.discoveryMode(), otherIp.policyDomainRole(), otherIp.published(), otherIp.result(),
                otherIp.appliedPolicy(), otherIp.disposition(), otherIp.action(), otherIp.overrides(), otherIp.spf(),
                otherIp.dkim());
        try (JdbcHistoryStore store = open(backend)) {
            store.write(List.of(base, same, otherIp));
            ParsedReport report = build(store, "example0.com", PERIOD, ReportFormat.RFC9990);
            assertThat(report.records().values()).containsExactlyInAnyOrder(2L, 1L);
            assertThat(report.records().keySet()).anyMatch(line -> line.startsWith("198.51.100.7|"));
            // An hourly period sees only its hour.
            ReportPeriod hour = ReportPeriod.containing(base.time(), Duration.ofHours(1));
            assertThat(build(store, "example0.com", hour, ReportFormat.RFC9990).messages()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void atMostAHundredSignaturesInPriorityOrderAndSelectorsAlways(Backend backend) throws Exception {
        EvaluationRecord base = Records.record(0); // header_from mail.example0.com, policy domain example0.com
        List<EvaluationRecord.Dkim> dkim = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            dkim.add(new EvaluationRecord.Dkim(Optional.of(DomainName.of("fail" + i + ".example")), "f" + i,
                    DkimResult.FAIL, AlignmentStatus.NOT_CHECKED));
        }
        for (int i = 0; i < 60; i++) {
            dkim.add(new EvaluationRecord.Dkim(Optional.of(DomainName.of("other" + i + ".example")), "o" + i,
                    DkimResult.PASS, AlignmentStatus.NOT_ALIGNED));
        }
        dkim.add(new EvaluationRecord.Dkim(Optional.of(DomainName.of("example0.com")), "", DkimResult.PASS,
                AlignmentStatus.ALIGNED));
        dkim.add(new EvaluationRecord.Dkim(Optional.of(DomainName.of("mail.example0.com")), "strict", DkimResult.PASS,
                AlignmentStatus.ALIGNED));
        EvaluationRecord many = withDkim(base, dkim);
        try (JdbcHistoryStore store = open(backend)) {
            store.write(List.of(many));
            ParsedReport report = build(store, "example0.com", PERIOD, ReportFormat.RFC9990);
            String line = report.records().keySet().iterator().next();
            List<String> signatures = new ArrayList<>(List.of(line.substring(line.indexOf("dkim(")).split("\\)")));
            signatures.removeIf(s -> !s.startsWith("dkim("));
            assertThat(signatures).hasSize(100);
            assertThat(signatures.get(0)).isEqualTo("dkim(mail.example0.com/strict/pass"); // strict alignment first
            assertThat(signatures.get(1)).isEqualTo("dkim(example0.com//pass"); // relaxed; the empty selector written
            assertThat(signatures.get(2)).isEqualTo("dkim(other0.example/o0/pass");
            assertThat(signatures.get(61)).isEqualTo("dkim(other59.example/o59/pass");
            assertThat(signatures.get(62)).isEqualTo("dkim(fail0.example/f0/fail");
            assertThat(signatures.get(99)).isEqualTo("dkim(fail37.example/f37/fail");
            assertThat(line).contains("|pass|"); // policy_evaluated/dkim: an aligned signature passed
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void overrideReasonsAreMappedPerFormat(Backend backend) throws Exception {
        EvaluationRecord base = Records.record(0);
        EvaluationRecord r = new EvaluationRecord(base.key(), base.time(), base.sourceIp(), base.headerFrom(),
                base.envelopeFrom(), base.envelopeTo(), base.policyDomain(), base.discoveryMode(),
                base.policyDomainRole(), base.published(), DmarcResult.FAIL, base.appliedPolicy(), Disposition.NONE,
                base.action(), List.of(PolicyOverride.FORWARDED, PolicyOverride.SAMPLED_OUT,
                PolicyOverride.POLICY_TEST_MODE, PolicyOverride.MAILING_LIST), base.spf(), base.dkim());
        try (JdbcHistoryStore store = open(backend)) {
            store.write(List.of(r));
            String rfc9990 = build(store, "example0.com", PERIOD, ReportFormat.RFC9990).records().keySet().iterator().next();
            assertThat(rfc9990).contains("|other:forwarded,other:sampled_out,policy_test_mode,mailing_list,|");
            String rfc7489 = build(store, "example0.com", PERIOD, ReportFormat.RFC7489).records().keySet().iterator().next();
            assertThat(rfc7489).contains("|forwarded,sampled_out,other:policy_test_mode,mailing_list,|");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void arcOverridesNameTheirSealerInTheReasonsComment(Backend backend) throws Exception {
        // Issue 13: RFC 9990 PolicyOverrideReason comment names the trusted ARC sealer; one sealer, one record.
        EvaluationRecord base = Records.record(0);
        EvaluationRecord fwd1 = arcOverride(withKey(base, 2_000_001, base.time()), PolicyOverride.TRUSTED_FORWARDER,
                "fwd.example.net", 1);
        EvaluationRecord fwd2 = arcOverride(withKey(base, 2_000_002, base.time().plusSeconds(60)),
                PolicyOverride.TRUSTED_FORWARDER, "fwd.example.net", 1);
        EvaluationRecord list = arcOverride(withKey(base, 2_000_003, base.time()), PolicyOverride.MAILING_LIST,
                "lists.example.org", 2);
        // A trusted_forwarder without a known sealer (stored before V9): the reason alone.
        EvaluationRecord bare = arcOverride(withKey(base, 2_000_004, base.time()), PolicyOverride.TRUSTED_FORWARDER,
                null, 0);
        try (JdbcHistoryStore store = open(backend)) {
            store.write(List.of(fwd1, fwd2, list, bare));
            assertThat(store.list(new org.jamesdmarc.store.HistoryQuery(Optional.empty(), Optional.empty(),
                    Optional.empty(), 10)))
                    .filteredOn(r -> r.key().equals(list.key())).singleElement()
                    .satisfies(r -> assertThat(r.arcSealer()).isEqualTo(list.arcSealer()));
            for (ReportFormat format : ReportFormat.values()) {
                Map<String, Long> records = build(store, "example0.com", PERIOD, format).records();
                assertThat(records).as(format.name()).hasSize(3);
                assertThat(records).as(format.name())
                        .anySatisfy((line, n) -> {
                            assertThat(line).contains("|trusted_forwarder:arc=pass as=1 d=fwd.example.net,|");
                            assertThat(n).isEqualTo(2L);
                        })
                        .anySatisfy((line, n) -> {
                            assertThat(line).contains("|mailing_list:arc=pass as=2 d=lists.example.org,|");
                            assertThat(n).isEqualTo(1L);
                        })
                        .anySatisfy((line, n) -> assertThat(line).contains("|trusted_forwarder,|"));
            }
        }
    }

    /** {@code r} failing DMARC, its disposition lowered to none by {@code reason} from {@code sealer} (null: unknown). */
    private static EvaluationRecord arcOverride(EvaluationRecord r, PolicyOverride reason, String sealer, int instance) {
        return new EvaluationRecord(r.key(), r.time(), r.sourceIp(), r.headerFrom(), r.envelopeFrom(), r.envelopeTo(),
                r.policyDomain(), r.discoveryMode(), r.policyDomainRole(), r.published(), DmarcResult.FAIL,
                r.appliedPolicy(), Disposition.NONE, r.action(), List.of(reason), r.spf(), r.dkim(),
                sealer == null ? Optional.empty()
                        : Optional.of(new EvaluationRecord.ArcSealer(DomainName.of(sealer), instance)));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void anRfc7489ReportHasItsShape(Backend backend) throws Exception {
        // Passing under an enforcing policy (sp=quarantine applied): RFC 9990 says "pass", RFC 7489 "none".
        EvaluationRecord passing = withResult(Records.record(2), DmarcResult.PASS);
        try (JdbcHistoryStore store = open(backend)) {
            store.write(List.of(passing, Records.record(5))); // both example2.com; record 5 is the later one
            ParsedReport legacy = build(store, "example2.com", PERIOD, ReportFormat.RFC7489);
            assertThat(legacy.namespace()).isNull();
            assertThat(legacy.metadataElements()).containsExactly("org_name", "email", "extra_contact_info",
                    "report_id", "date_range");
            assertThat(legacy.policy()).containsKeys("sp", "pct", "fo").doesNotContainKeys("np", "testing",
                    "discovery_method");
            // The latest message's policy: record 5 publishes no pct (100 by default), fo=1:d.
            assertThat(legacy.policy()).containsEntry("pct", "100").containsEntry("fo", "1:d")
                    .containsEntry("sp", "reject");
            assertThat(legacy.records().keySet()).anyMatch(l -> l.startsWith("192.0.2.3|none|pass|"))
                    .noneMatch(l -> l.contains("|pass|pass|"));
            ParsedReport current = build(store, "example2.com", PERIOD, ReportFormat.RFC9990);
            assertThat(current.namespace()).isEqualTo("urn:ietf:params:xml:ns:dmarc-2.0");
            assertThat(current.metadataElements()).contains("generator");
            assertThat(current.policy()).containsEntry("discovery_method", "psl").containsEntry("testing", "y")
                    .containsEntry("p", "reject");
            assertThat(current.records().keySet()).anyMatch(l -> l.startsWith("192.0.2.3|pass|pass|"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aDomainsReportAloneEqualsItsReportAmongAllAndAgainIsIdentical(Backend backend) throws Exception {
        try (JdbcHistoryStore store = open(backend)) {
            store.write(Records.records(0, 90));
            rollUp(store);
            AggregateReportBuilder builder = new AggregateReportBuilder(new ReportCounterReader(store), REPORTER);
            Map<String, byte[]> all = new HashMap<>();
            builder.buildAll(PERIOD, ReportFormat.RFC9990, new AggregateReportBuilder.ReportSink() {
                @Override
                public OutputStream open(ReportPolicy policy, ReportId id) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    all.put(policy.policyDomain().name(), out.toByteArray());
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            all.put(policy.policyDomain().name(), toByteArray());
                        }
                    };
                }
            });
            for (String domain : List.of("example0.com", "example1.com", "example2.com")) {
                byte[] alone = bytes(builder, domain, PERIOD, ReportFormat.RFC9990);
                assertThat(alone).isEqualTo(all.get(domain)).isEqualTo(bytes(builder, domain, PERIOD, ReportFormat.RFC9990));
            }
            assertThat(builder.build(DomainName.of("nothing.example"), PERIOD, ReportFormat.RFC9990,
                    new ByteArrayOutputStream())).isEmpty();
            Map<String, Long> domains = new HashMap<>();
            builder.forEachDomain(PERIOD, p -> domains.put(p.policyDomain().name(), p.messages()));
            Map<String, Long> expected = new HashMap<>();
            for (EvaluationRecord r : Records.records(0, 90)) {
                if (r.published().isPresent()) {
                    expected.merge(r.policyDomain().orElseThrow().name(), 1L, Long::sum);
                }
            }
            assertThat(domains).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void messagesStoredBeforeTheCountersAreCountedByTheMigrationAndRetentionDropsWholeHours(Backend backend)
            throws Exception {
        List<EvaluationRecord> records = Records.records(0, 200);
        try (JdbcHistoryStore store = open(backend)) {
            store.write(records);
        }
        // As a database of before V2 would be: no counters, migration 3 not applied.
        try (Connection c = DriverManager.getConnection(db.url().replace("jdbc:mysql:", "jdbc:mariadb:"), db.user(), "");
             Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM dmarc_report_row");
            s.executeUpdate("DELETE FROM dmarc_report_policy");
            // Flyway quotes its history table's name, which H2 then keeps in lower case.
            s.executeUpdate(backend == Backend.H2
                    ? "DELETE FROM \"dmarc_schema_history\" WHERE \"version\" IN ('3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14')"
                    : "DELETE FROM dmarc_schema_history WHERE version IN ('3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14')");
            // V4 (the delivery ledger), V5 (the roll-up), V6 (failure reports), V7 (inbound reports), V8 (the
            // ledger's Report-ID index), V9 (the ARC sealer), V10 (the inbound roll-up), V11 (failing sources), V12 (history totals), V13 and V14
            // (inbound indexes) came after the backfill: undone too (an index goes with its table), so that the store
            // applies 3 to 14 in order (Flyway applies no version below the newest one applied).
            for (String table : new String[] {"dmarc_report_delivery", "dmarc_report_period", "dmarc_report_lock",
                "dmarc_rollup_pending", "dmarc_rollup_state", "dmarc_failure_rate", "dmarc_failure_report",
                "dmarc_inbound_report", "dmarc_inbound_raw", "dmarc_inbound_record", "dmarc_inbound_rejected",
                "dmarc_inbound_failure", "dmarc_inbound_day", "dmarc_inbound_source", "dmarc_inbound_source_org",
                "dmarc_report_failing", "dmarc_report_failing_source", "dmarc_report_slice_total",
                "dmarc_report_domain_total"}) {
                s.executeUpdate("DROP TABLE " + table);
            }
            s.executeUpdate("ALTER TABLE dmarc_report_row DROP COLUMN slice_seconds");
            s.executeUpdate("ALTER TABLE dmarc_report_policy DROP COLUMN slice_seconds");
            s.executeUpdate("ALTER TABLE dmarc_report_row DROP COLUMN override_comment");
            s.executeUpdate("ALTER TABLE dmarc_message DROP COLUMN arc_sealer");
            s.executeUpdate("ALTER TABLE dmarc_message DROP COLUMN arc_instance");
        }
        try (JdbcHistoryStore store = open(backend)) {
            assertThat(store.schemaVersion()).isEqualTo("14");
            Map<String, ParsedReport> reports = buildAll(store, PERIOD, ReportFormat.RFC9990);
            for (ParsedReport report : reports.values()) {
                assertThat(report.records()).isEqualTo(expected(records, report.domain(), ReportFormat.RFC9990));
            }
            // Records are one a minute from 08:00:00.250; a cutoff at 09:30 keeps the hour 09:00-10:00's counters.
            store.expireBefore(Instant.parse("2026-12-01T09:30:00Z"), 50);
            try (Connection c = DriverManager.getConnection(db.url().replace("jdbc:mysql:", "jdbc:mariadb:"),
                    db.user(), ""); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT MIN(period_hour) FROM dmarc_report_row")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(Instant.parse("2026-12-01T09:00:00Z").getEpochSecond());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void severalBuilderThreadsWriteTheSameReportsAsOne(Backend backend) throws Exception {
        db = stores.database(backend, tmp);
        List<EvaluationRecord> records = new ArrayList<>();
        for (EvaluationRecord r : Records.records(0, 300)) {
            // 60 policy domains, so that the key ranges of the threads each get some.
            String domain = "d" + (r.key().hashCode() & 0xffff) % 60 + ".example";
            records.add(inDomain(r, DomainName.of(domain)));
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(db.url(), db.user(), Secret.none(), 8))) {
            store.write(records);
            new ReportRollup(store, Duration.ofDays(1)).rollUp();
            AggregateReportBuilder builder = new AggregateReportBuilder(new ReportCounterReader(store), REPORTER);
            Map<String, byte[]> one = collect(builder, 1);
            Map<String, byte[]> four = collect(builder, 4);
            assertThat(one.size()).isGreaterThan(40);
            assertThat(four.keySet()).isEqualTo(one.keySet());
            for (Map.Entry<String, byte[]> e : one.entrySet()) {
                assertThat(four.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    private static Map<String, byte[]> collect(AggregateReportBuilder builder, int threads) throws IOException {
        Map<String, byte[]> all = new java.util.concurrent.ConcurrentHashMap<>();
        long n = builder.buildAll(PERIOD, ReportFormat.RFC9990, new AggregateReportBuilder.ReportSink() {
            @Override
            public OutputStream open(ReportPolicy policy, ReportId id) {
                return new ByteArrayOutputStream() {
                    @Override
                    public void close() {
                        assertThat(all.put(policy.policyDomain().name(), toByteArray())).isNull();
                    }
                };
            }
        }, threads);
        assertThat(n).isEqualTo(all.size());
        return all;
    }

    private static EvaluationRecord inDomain(EvaluationRecord r, DomainName domain) {
        return new EvaluationRecord(r.key(), r.time(), r.sourceIp(), Optional.of(domain), r.envelopeFrom(),
                r.envelopeTo(), r.policyDomain().map(d -> domain), r.discoveryMode(), r.policyDomainRole(),
                r.published(), r.result(), r.appliedPolicy(), r.disposition(), r.action(), r.overrides(), r.spf(),
                r.dkim());
    }

    @Test
    void periodsAreUtcDaysOrHoursDividingTheDay() {
        assertThat(ReportPeriod.containing(Instant.parse("2026-12-01T13:20:00Z"), Duration.ofHours(6)))
                .isEqualTo(new ReportPeriod(Instant.parse("2026-12-01T12:00:00Z"), Instant.parse("2026-12-01T18:00:00Z")));
        assertThatThrownBy(() -> new ReportPeriod(Instant.parse("2026-12-01T00:00:00Z"),
                Instant.parse("2026-12-01T05:00:00Z"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReportPeriod(Instant.parse("2026-12-01T01:00:00Z"),
                Instant.parse("2026-12-01T03:00:00Z"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(ReportId.fileName(DomainName.of("mx.example.net"), DomainName.of("example.com"), PERIOD, true))
                .matches("mx\\.example\\.net!example\\.com!1796083200!1796169599![0-9a-f]{20}\\.xml\\.gz");
    }

    // ---------------------------------------------------------------------------------------------- helpers ---

    /**
     * The roll-up by the hour (report.period PT1H): the counters as the writers kept them before V5, so that day and
     * hour periods can both be read; the day slice is ReportRollupTest's.
     */
    private static void rollUp(JdbcHistoryStore store) {
        new ReportRollup(store, Duration.ofHours(1)).rollUp();
    }

    private static Map<String, ParsedReport> buildAll(JdbcHistoryStore store, ReportPeriod period, ReportFormat format)
            throws Exception {
        rollUp(store);
        AggregateReportBuilder builder = new AggregateReportBuilder(new ReportCounterReader(store), REPORTER);
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        long n = builder.buildAll(period, format, new AggregateReportBuilder.ReportSink() {
            @Override
            public OutputStream open(ReportPolicy policy, ReportId id) {
                return new ByteArrayOutputStream() {
                    @Override
                    public void close() {
                        bytes.put(policy.policyDomain().name(), toByteArray());
                    }
                };
            }
        });
        assertThat(n).isEqualTo(bytes.size());
        Map<String, ParsedReport> reports = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : bytes.entrySet()) {
            ReportSchemas.validate(e.getValue(), format);
            ParsedReport report = ParsedReport.parse(e.getValue());
            assertThat(report.domain()).isEqualTo(e.getKey());
            reports.put(e.getKey(), report);
        }
        return reports;
    }

    private static ParsedReport build(JdbcHistoryStore store, String domain, ReportPeriod period, ReportFormat format)
            throws Exception {
        rollUp(store);
        byte[] xml = bytes(new AggregateReportBuilder(new ReportCounterReader(store), REPORTER), domain, period, format);
        ReportSchemas.validate(xml, format);
        return ParsedReport.parse(xml);
    }

    private static byte[] bytes(AggregateReportBuilder builder, String domain, ReportPeriod period, ReportFormat format)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(builder.build(DomainName.of(domain), period, format, out)).isPresent();
        return out.toByteArray();
    }

    /** The records and counts of {@code domain}'s report, computed here from the records (the spec restated). */
    static Map<String, Long> expected(List<EvaluationRecord> records, String domain, ReportFormat format) {
        Map<String, Long> lines = new HashMap<>();
        for (EvaluationRecord r : records) {
            if (r.published().isEmpty() || !r.policyDomain().map(DomainName::name).orElse("").equals(domain)) {
                continue;
            }
            lines.merge(line(r, format), 1L, Long::sum);
        }
        return lines;
    }

    private static String line(EvaluationRecord r, ReportFormat format) {
        boolean enforcing = r.appliedPolicy().map(a -> a.policy() != Policy.NONE).orElse(false);
        String disposition = r.disposition() == Disposition.NONE && r.result() == DmarcResult.PASS && enforcing
                && format == ReportFormat.RFC9990 ? "pass" : r.disposition().reportValue();
        boolean dkimPass = r.dkim().stream().anyMatch(d -> d.result() == DkimResult.PASS
                && d.alignment() == AlignmentStatus.ALIGNED);
        boolean spfPass = r.spf().result() == org.jamesdmarc.auth.SpfResult.PASS
                && r.spf().alignment() == AlignmentStatus.ALIGNED;
        StringBuilder b = new StringBuilder();
        b.append(r.sourceIp().getHostAddress()).append('|').append(disposition).append('|')
                .append(dkimPass ? "pass" : "fail").append('|').append(spfPass ? "pass" : "fail").append('|');
        for (PolicyOverride o : r.overrides()) {
            boolean listed = format == ReportFormat.RFC9990
                    ? o != PolicyOverride.FORWARDED && o != PolicyOverride.SAMPLED_OUT
                    : o != PolicyOverride.POLICY_TEST_MODE;
            b.append(listed ? o.reportValue() : "other:" + o.reportValue()).append(',');
        }
        String headerFrom = r.headerFrom().map(DomainName::name).orElse("");
        String envelopeTo = String.join(" ", r.envelopeTo().stream().map(DomainName::name).toList());
        b.append('|').append(headerFrom).append('|').append(r.envelopeFrom().map(DomainName::name).orElse(""))
                .append('|').append(envelopeTo.isEmpty() ? "-" : envelopeTo).append('|');
        List<EvaluationRecord.Dkim> dkim = new ArrayList<>(r.dkim());
        dkim.sort(Comparator.comparingInt(d -> d.result() != DkimResult.PASS ? 4
                : d.domain().map(DomainName::name).orElse("").equals(headerFrom) ? 1
                : d.alignment() == AlignmentStatus.ALIGNED ? 2 : 3));
        for (EvaluationRecord.Dkim d : dkim.subList(0, Math.min(100, dkim.size()))) {
            b.append("dkim(").append(d.domain().map(DomainName::name).orElse("")).append('/').append(d.selector())
                    .append('/').append(d.result().keyword()).append(')');
        }
        if (format == ReportFormat.RFC7489) {
            b.append("spf(").append(r.spf().domain().map(DomainName::name).orElse("")).append('/')
                    .append(r.spf().scope().keyword()).append('/').append(r.spf().result().keyword()).append(')');
        } else if (r.spf().domain().isPresent()) {
            b.append("spf(").append(r.spf().domain().get().name()).append('/')
                    .append(r.spf().scope() == SpfScope.MFROM ? "mfrom" : "-").append('/')
                    .append(r.spf().result().keyword()).append(')');
        }
        return b.toString();
    }

    private static EvaluationRecord withKey(EvaluationRecord r, int key, Instant time) {
        return new EvaluationRecord(Records.key(key), time, r.sourceIp(), r.headerFrom(), r.envelopeFrom(),
                r.envelopeTo(), r.policyDomain(), r.discoveryMode(), r.policyDomainRole(), r.published(), r.result(),
                r.appliedPolicy(), r.disposition(), r.action(), r.overrides(), r.spf(), r.dkim());
    }

    private static EvaluationRecord withDkim(EvaluationRecord r, List<EvaluationRecord.Dkim> dkim) {
        return new EvaluationRecord(r.key(), r.time(), r.sourceIp(), r.headerFrom(), r.envelopeFrom(),
                r.envelopeTo(), r.policyDomain(), r.discoveryMode(), r.policyDomainRole(), r.published(), r.result(),
                r.appliedPolicy(), r.disposition(), r.action(), r.overrides(), r.spf(), dkim);
    }

    private static EvaluationRecord withResult(EvaluationRecord r, DmarcResult result) {
        return new EvaluationRecord(r.key(), r.time(), r.sourceIp(), r.headerFrom(), r.envelopeFrom(),
                r.envelopeTo(), r.policyDomain(), r.discoveryMode(), r.policyDomainRole(), r.published(), result,
                r.appliedPolicy(), Disposition.NONE, r.action(), List.of(), r.spf(), r.dkim());
    }
}
