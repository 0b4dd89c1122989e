package org.jamesdmarc.reporting.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.reporting.aggregate.AggregateReportBuilder;
import org.jamesdmarc.reporting.aggregate.ReportFormat;
import org.jamesdmarc.reporting.aggregate.ReportPeriod;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.InboundFormat;
import org.jamesdmarc.store.InboundOrigin;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.InboundStats;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.ReportCounterReader;
import org.jamesdmarc.store.ReportRollup;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reports our own {@link AggregateReportBuilder} writes (issue 10), in both formats, ingest back to the counts of
 * the messages they were built from: per policy domain, the messages and those that passed DMARC.
 */
class OwnReportsRoundTripTest {

    private static final ReportPeriod PERIOD = ReportPeriod.utcDay(LocalDate.of(2026, 12, 1));
    private static final Reporter REPORTER = new Reporter("Example Receiver", "dmarc-reports@mx.example.net",
            Optional.of("https://mx.example.net/dmarc"), DomainName.of("mx.example.net"), "James DMARC test");

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void ourReportsIngestBackToTheirMessages(Backend backend) throws Exception {
        db = stores.database(backend, tmp);
        List<EvaluationRecord> records = Records.records(0, 400);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(records);
            new ReportRollup(store, Duration.ofDays(1)).rollUp();
            InboundReportStore inbound = new InboundReportStore(store);
            ReportIngest ingest = new ReportIngest(inbound, IngestLimits.defaults(),
                    Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC));
            AggregateReportBuilder builder = new AggregateReportBuilder(new ReportCounterReader(store), REPORTER);
            for (ReportFormat format : ReportFormat.values()) {
                Map<String, byte[]> reports = new LinkedHashMap<>();
                builder.buildAll(PERIOD, format, (policy, id) -> new ByteArrayOutputStream() {
                    @Override
                    public void close() {
                        // Both formats' reports of a period share their report id (a re-send is identical): the RFC
                        // 7489 ones get another, so that they are new reports and not duplicates of the RFC 9990 ones.
                        String xml = toString(java.nio.charset.StandardCharsets.UTF_8);
                        reports.put(policy.policyDomain().name(), ReportSamples.utf8(format == ReportFormat.RFC7489
                                ? xml.replace("<report_id>", "<report_id>rfc7489-") : xml));
                    }
                });
                assertThat(reports).isNotEmpty();
                for (Map.Entry<String, byte[]> e : reports.entrySet()) {
                    IngestOutcome o = ingest.ingestReport(new ByteArrayInputStream(ReportSamples.gzip(e.getValue())),
                            InboundOrigin.file(format + "-" + e.getKey() + ".xml.gz"));
                    assertThat(o).as(format + " " + e.getKey()).isInstanceOf(IngestOutcome.Stored.class);
                    long expected = records.stream().filter(r -> r.published().isPresent()
                            && r.policyDomain().map(DomainName::name).orElse("").equals(e.getKey())).count();
                    assertThat(((IngestOutcome.Stored) o).messages()).isEqualTo(expected);
                    // the same report once more: a duplicate
                    assertThat(ingest.ingestReport(new ByteArrayInputStream(e.getValue()), InboundOrigin.file("again")))
                            .isInstanceOf(IngestOutcome.Duplicate.class);
                }
                // The DMARC pass counts are the reports' policy_evaluated (DKIM or SPF aligned pass).
                int formats = format.ordinal() + 1; // each format's reports count the same messages once more
                for (InboundStats.DomainSummary d : inbound.domains(InboundStats.TimeRange.all())) {
                    long pass = records.stream().filter(r -> r.published().isPresent()
                            && r.policyDomain().map(DomainName::name).orElse("").equals(d.policyDomain())
                            && passes(r)).count();
                    long all = records.stream().filter(r -> r.published().isPresent()
                            && r.policyDomain().map(DomainName::name).orElse("").equals(d.policyDomain())).count();
                    assertThat(d.volume().messages()).as(d.policyDomain()).isEqualTo(all * formats);
                    assertThat(d.volume().dmarcPass()).as(d.policyDomain()).isEqualTo(pass * formats);
                }
                assertThat(inbound.reports(Optional.empty(), InboundStats.Page.first(100)))
                        .filteredOn(s -> s.report().reportId().startsWith("rfc7489-") == (format == ReportFormat.RFC7489))
                        .isNotEmpty().allSatisfy(s -> assertThat(s.report().format()).isEqualTo(
                                format == ReportFormat.RFC9990 ? InboundFormat.RFC9990 : InboundFormat.RFC7489));
            }
        }
    }

    /** RFC 9990 §2.1.4 policy_evaluated: an aligned passing DKIM signature or an aligned SPF pass. */
    private static boolean passes(EvaluationRecord r) {
        return r.dkim().stream().anyMatch(d -> d.result() == DkimResult.PASS && d.alignment() == AlignmentStatus.ALIGNED)
                || (r.spf().result() == SpfResult.PASS && r.spf().alignment() == AlignmentStatus.ALIGNED);
    }
}
