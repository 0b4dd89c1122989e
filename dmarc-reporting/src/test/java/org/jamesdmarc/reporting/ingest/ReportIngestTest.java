package org.jamesdmarc.reporting.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.reporting.ingest.ReportSamples.gzip;
import static org.jamesdmarc.reporting.ingest.ReportSamples.utf8;
import static org.jamesdmarc.reporting.ingest.ReportSamples.zip;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.InboundFormat;
import org.jamesdmarc.store.InboundOrigin;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.InboundStats;
import org.jamesdmarc.store.InboundStats.Page;
import org.jamesdmarc.store.InboundStats.ReportSummary;
import org.jamesdmarc.store.InboundStats.TimeRange;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportDisposition;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ingesting report files and mails into a real database: the formats and shapes senders use, duplicates, and hostile
 * input refused with a reason and kept aside, never stored half.
 */
class ReportIngestTest {

    private static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");

    @TempDir
    Path tmp;
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();
    private InboundReportStore store;
    private ReportIngest ingest;

    private void open(Backend backend) {
        JdbcHistoryStore jdbc = stores.closeAfter(JdbcHistoryStore.open(stores.database(backend, tmp).config()));
        store = new InboundReportStore(jdbc);
        ingest = new ReportIngest(store, IngestLimits.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Path write(String name, byte[] content) throws IOException {
        Path dir = tmp.resolve("files");
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), content);
    }

    private IngestCounts ingestAll(List<Path> files) throws IOException {
        IngestCounts c = IngestCounts.ZERO;
        for (Path f : files) {
            c = c.plus(ingest.ingestFile(f));
        }
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void sendersShapesAreStoredOnceAndASecondRunFindsOnlyDuplicates(Backend backend) throws IOException {
        open(backend);
        List<Path> files = List.of(
                write("rfc9990.xml", utf8(ReportSamples.rfc9990())),
                write("google.com!example.com!1764460800!1764547199.zip",
                        zip("google.com!example.com!1764460800!1764547199.xml", utf8(ReportSamples.googleStyle("g-1")))),
                write("enterprise.protection.outlook.com!example.com!1764460800!1764547200.xml.gz",
                        gzip(utf8(ReportSamples.microsoftStyle()))),
                write("yahoo.xml", utf8(ReportSamples.yahooStyleOddWhitespace())),
                write("huge.xml.gz", gzip(utf8(ReportSamples.rfc9990NoNamespaceHugeCount()))),
                write("report.eml", ReportSamples.mail("noreply-dmarc-support@google.com", "g-2@google.com",
                        "application/zip", "google.com!example.com!2.zip",
                        zip("report.xml", utf8(ReportSamples.googleStyle("g-2"))))),
                write("failure.eml", ReportSamples.failureReportMail("f-1@receiver.example")));

        IngestCounts first = ingestAll(files);
        // 6 aggregate reports and 1 failure report; messages: 17 + 1001 + 3 + 4 + (2^63-1 saturated) + 1001.
        assertThat(first).isEqualTo(new IngestCounts(7, 3 + 2 + 1 + 1 + 1 + 2, Long.MAX_VALUE, 0, 0));
        IngestCounts second = ingestAll(files);
        assertThat(second).isEqualTo(new IngestCounts(0, 0, 0, 7, 0));

        InboundStats.Totals totals = store.totals();
        assertThat(totals.reports()).isEqualTo(6);
        assertThat(totals.records()).isEqualTo(10);
        assertThat(totals.failures()).isEqualTo(1);
        assertThat(totals.rejected()).isZero();

        // What each shape says, read back.
        Map<String, ReportSummary> byOrg = new java.util.HashMap<>();
        for (ReportSummary s : store.reports(Optional.empty(), Page.first(100))) {
            byOrg.put(s.report().orgName() + "/" + s.report().reportId(), s);
        }
        ReportSummary rfc9990 = byOrg.get("Sample Receiver/3v98abbp8ya9n3va8yr8oa3ya");
        assertThat(rfc9990.report().format()).isEqualTo(InboundFormat.RFC9990);
        assertThat(rfc9990.report().policy().np()).contains(Policy.REJECT);
        assertThat(rfc9990.report().policy().discovery()).contains(DiscoveryMode.TREEWALK);
        assertThat(rfc9990.report().policy().testing()).contains(false);
        assertThat(rfc9990.records()).isEqualTo(3);
        assertThat(rfc9990.volume().messages()).isEqualTo(17);
        assertThat(rfc9990.volume().dmarcPass()).isEqualTo(12);
        assertThat(rfc9990.rawKept()).isTrue();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        assertThat(store.rawXml(rfc9990.id(), raw)).isTrue();
        assertThat(raw.toString(StandardCharsets.UTF_8)).isEqualTo(ReportSamples.rfc9990());

        ReportSummary yahoo = byOrg.get("Yahoo/1764460800.123456");
        assertThat(yahoo.report().policyDomain()).isEqualTo("example.com");
        assertThat(yahoo.report().format()).isEqualTo(InboundFormat.RFC7489);
        assertThat(yahoo.report().policy().p()).contains(Policy.QUARANTINE);
        assertThat(yahoo.report().policy().pct()).hasValue(50);
        assertThat(yahoo.volume().messages()).isEqualTo(4);
        assertThat(yahoo.volume().dmarcPass()).isEqualTo(4);
        assertThat(byOrg.get("google.com/g-2").report().origin().kind()).isEqualTo(InboundOrigin.Kind.FILE);
        assertThat(byOrg.get("google.com/g-2").report().origin().name()).contains("report.eml", "g-2@google.com",
                "google.com!example.com!2.zip");
        assertThat(byOrg.get("Huge/huge-9223372036854775807").volume().messages()).isEqualTo(Long.MAX_VALUE);
        assertThat(byOrg.get("Huge/huge-9223372036854775807").report().format()).isEqualTo(InboundFormat.RFC9990);

        List<InboundStats.SourceSummary> top = store.topSources("example.com", TimeRange.all(), 10);
        assertThat(top.get(0).sourceIp()).isEqualTo("209.85.220.41");
        assertThat(top.get(0).volume().messages()).isEqualTo(2000);
        assertThat(top.get(0).reporters()).containsExactly(Map.entry("google.com", 2000L));
        assertThat(top).filteredOn(s -> s.sourceIp().equals("192.0.2.66")).singleElement()
                .satisfies(s -> assertThat(s.dispositions()).isEqualTo(Map.of(ReportDisposition.REJECT, 3L)));
        assertThat(top).filteredOn(s -> s.sourceIp().equals("203.0.113.9")).singleElement()
                .satisfies(s -> assertThat(s.overrides()).isEqualTo(Map.of(PolicyOverride.FORWARDED, 2L)));
        assertThat(top).filteredOn(s -> s.sourceIp().equals("198.51.100.7")).singleElement()
                .satisfies(s -> assertThat(s.overrides()).isEqualTo(Map.of(PolicyOverride.MAILING_LIST, 5L)));

        InboundStats.StoredFailure failure = store.failures(Optional.of("example.com"), Page.first(10)).get(0);
        assertThat(failure.report().authFailure()).isEqualTo("dmarc");
        assertThat(failure.report().sourceIp()).isEqualTo("192.0.2.66");
        assertThat(failure.report().reporter()).isEqualTo("ruf-sender@receiver.example");
        assertThat(failure.report().arrivalDate()).contains(Instant.parse("2026-12-01T09:59:00Z"));
        assertThat(failure.report().originalMailFrom()).contains("<spoofer@spoof.example>");
        assertThat(failure.report().authResults()).contains("receiver.example; dmarc=fail (p=reject) header.from=example.com");
        assertThat(failure.report().headerFrom()).contains("\"Example\" <ceo@example.com>");
        assertThat(failure.report().subject()).contains("Earn money");
    }

    private IngestOutcome.Rejected refused(String name, byte[] content) throws IOException {
        List<IngestOutcome> outcomes = ingest.ingestFile(write(name, content));
        assertThat(outcomes).singleElement().isInstanceOf(IngestOutcome.Rejected.class);
        assertThat(store.totals().reports()).as("nothing stored of a refused report").isZero();
        assertThat(store.totals().records()).isZero();
        return (IngestOutcome.Rejected) outcomes.get(0);
    }

    @Test
    void hostileReportsAreRefusedWithAReasonAndKeptAside() throws IOException {
        open(Backend.H2);
        assertThat(refused("xxe.xml", utf8(ReportSamples.xxe())).reason()).contains("DTD");
        assertThat(refused("laughs.xml", utf8(ReportSamples.billionLaughs())).reason()).contains("DTD");
        assertThat(refused("bomb.xml.gz", ReportSamples.gzipBomb(64)).reason()).contains("decompression bomb");
        assertThat(refused("nested.gz", gzip(gzip(utf8(ReportSamples.rfc9990())))).reason())
                .contains("archive inside the archive");
        assertThat(refused("nested.zip", zip("a.zip", zip("b.xml", utf8(ReportSamples.rfc9990())))).reason())
                .contains("archive inside the archive");
        byte[] whole = gzip(utf8(ReportSamples.rfc9990()));
        assertThat(refused("truncated.xml.gz", java.util.Arrays.copyOf(whole, whole.length / 2)).reason())
                .contains("truncated gzip");
        assertThat(refused("wrong-root.xml", utf8(ReportSamples.wrongRoot())).reason()).contains("not <feedback>");
        assertThat(refused("two.zip", zip("a.xml", utf8(ReportSamples.rfc9990()), "b.xml",
                utf8(ReportSamples.googleStyle("x")))).reason()).contains("more than one file");
        assertThat(refused("slip.zip", zip("../../etc/cron.d/x.xml", utf8(ReportSamples.rfc9990()))).reason())
                .contains("zip slip");
        assertThat(refused("past.xml", utf8(ReportSamples.countPastTheLimit())).reason()).contains("outside 0..2^63-1");
        assertThat(refused("not-xml.xml", utf8("<feedback><report_metadata>")).reason()).contains("not well-formed XML");
        assertThat(refused("binary.bin", new byte[] {0, 1, 2, 3, 4}).reason()).isNotEmpty();
        // A bad record after good ones: the report's good records are not stored either.
        String badLast = ReportSamples.rfc9990().replace("<source_ip>198.51.100.7</source_ip>",
                "<source_ip>not-an-ip</source_ip>");
        assertThat(refused("bad-record.xml", utf8(badLast)).reason()).contains("record 3", "not an IP address");
        // Counts that each fit but sum past 2^63-1.
        String two = ReportSamples.rfc9990NoNamespaceHugeCount().replace("</record></feedback>",
                "</record>" + ReportSamples.rfc9990NoNamespaceHugeCount().replaceAll(".*(<record>.*</record>).*", "$1")
                        + "</feedback>");
        assertThat(refused("sum.xml", utf8(two)).reason()).contains("sum past 2^63-1");

        assertThat(store.rejected(Page.first(100))).hasSize(14)
                .allSatisfy(r -> assertThat(r.origin().kind()).isEqualTo(InboundOrigin.Kind.FILE));
        // The same refused file again is one row.
        refused("xxe-again.xml", utf8(ReportSamples.xxe()));
        assertThat(store.totals().rejected()).isEqualTo(14);
    }

    @Test
    void aMailWithoutAReportIsRefusedAndAMailWithSeveralReportsStoresEach() throws IOException {
        open(Backend.H2);
        List<IngestOutcome> none = ingest.ingestMessage(new ByteArrayInputStream(utf8(
                "From: a@b.example\r\nSubject: hello\r\n\r\njust text\r\n")), InboundOrigin.Kind.MAIL, "<m1@b.example>");
        assertThat(none).singleElement().isInstanceOf(IngestOutcome.Rejected.class);
        assertThat(((IngestOutcome.Rejected) none.get(0)).reason()).contains("no aggregate or failure report");

        byte[] gz = gzip(utf8(ReportSamples.microsoftStyle()));
        String b64 = java.util.Base64.getMimeEncoder().encodeToString(gz);
        String two = "From: r@x.example\r\nMessage-ID: <two@x.example>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"q\"\r\n\r\n--q\r\nContent-Type: application/gzip\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--q\r\nContent-Type: application/octet-stream;"
                + " name=\"r.xml\"\r\n\r\n" + ReportSamples.yahooStyleOddWhitespace() + "\r\n--q--\r\n";
        List<IngestOutcome> outcomes = ingest.ingestMessage(new ByteArrayInputStream(utf8(two)), InboundOrigin.Kind.MAIL,
                "<two@x.example>");
        assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o).isInstanceOf(IngestOutcome.Stored.class));
        assertThat(store.totals().reports()).isEqualTo(2);
    }

    @Test
    void aLargeReportIsStoredInBatchesAndItsXmlKept() throws IOException {
        open(Backend.H2);
        StringBuilder xml = new StringBuilder(ReportSamples.googleStyle("many").replaceAll("(?s)<record>.*</record>", ""));
        int n = 5_003;
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < n; i++) {
            records.append("<record><row><source_ip>10.0.").append(i / 250).append('.').append(i % 250)
                    .append("</source_ip><count>").append(i + 1).append("</count><policy_evaluated><disposition>none"
                            + "</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers>"
                            + "<header_from>example.com</header_from></identifiers><auth_results><spf><domain>"
                            + "example.com</domain><result>fail</result></spf></auth_results></record>");
        }
        xml.insert(xml.indexOf("</feedback>"), records);
        List<IngestOutcome> outcomes = ingest.ingestFile(write("many.xml.gz", gzip(utf8(xml.toString()))));
        long messages = (long) n * (n + 1) / 2;
        assertThat(outcomes).singleElement().isInstanceOfSatisfying(IngestOutcome.Stored.class, s -> {
            assertThat(s.records()).isEqualTo(n);
            assertThat(s.messages()).isEqualTo(messages);
        });
        assertThat(store.totals().volume()).isEqualTo(new InboundStats.Volume(messages, messages, messages, 0));
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        store.rawXml(((IngestOutcome.Stored) outcomes.get(0)).id(), raw);
        assertThat(raw.toString(StandardCharsets.UTF_8)).isEqualTo(xml.toString());
    }

    @Test
    void limitsAreTheCallersToChoose() throws IOException {
        open(Backend.H2);
        ingest = new ReportIngest(store, new IngestLimits(1 << 20, 1 << 20, 1000, 2, 64, 10),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(refused("three.xml", utf8(ReportSamples.rfc9990())).reason()).contains("more than 2 records");
        String longName = ReportSamples.googleStyle("x").replace("google.com</org_name>", "g".repeat(100) + "</org_name>");
        assertThat(refused("long.xml", utf8(longName)).reason()).contains("<org_name> is longer than 64 characters");
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        System.arraycopy(utf8("<feedback>"), 0, big, 0, 10);
        assertThat(refused("big.xml", big).reason()).contains("larger than 1 MB");
        List<IngestOutcome> outcomes = new ArrayList<>(ingest.ingestFile(write("g.xml", utf8(ReportSamples.googleStyle("ok")))));
        assertThat(outcomes).singleElement().isInstanceOf(IngestOutcome.Stored.class);
    }
}
