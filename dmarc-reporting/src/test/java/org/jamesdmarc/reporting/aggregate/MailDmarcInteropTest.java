package org.jamesdmarc.reporting.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.reporting.delivery.ReportMail;
import org.jamesdmarc.reporting.delivery.ReportMessage;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportCounterReader;
import org.jamesdmarc.store.ReportPolicy;
import org.jamesdmarc.store.ReportRollup;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Interop (issue 10 item 7): reports built by {@link AggregateReportBuilder} from a real store (embedded H2) are read
 * by another implementation's parser, Mail::DMARC's {@code Mail::DMARC::Report::Receive} (Debian's
 * {@code libmail-dmarc-perl}, run as a {@code perl} process through {@code mail-dmarc-read.pl}), and what it reads
 * must equal what the test stored: metadata, date range, published policy, and each record's source IP, count,
 * disposition, policy-evaluated DKIM and SPF, reasons, identifiers and authentication results.
 *
 * <p>What Mail::DMARC 1.20211209 cannot do, shown precisely: it reads with namespace-less XPath
 * ({@code /feedback/report_metadata}), so a report in RFC 9990's namespace
 * ({@value ReportFormat#RFC9990_NAMESPACE}) matches nothing and it dies; the RFC 7489 format (the per-destination
 * option {@code report.format.<destination>=rfc7489}) is read in full. And it reads every DKIM result of a record
 * as the record's first one ({@code do_node_record_auth} takes {@code ./auth_results/dkim/<field>} of the record,
 * whose {@code string_value} is the first match's, for each signature): a record with several signatures comes back
 * with that many copies of the first, which the test expects explicitly.
 *
 * <p>Missing {@code perl} or the module skips the test, or fails it under {@value MissingTool#REQUIRE_ENV}.
 */
class MailDmarcInteropTest {

    private static final LocalDate DAY = LocalDate.of(2026, 12, 1);
    private static final ReportPeriod PERIOD = ReportPeriod.utcDay(DAY);
    private static final Reporter REPORTER = new Reporter("Example Receiver", "dmarc-reports@mx.example.net",
            Optional.of("https://mx.example.net/dmarc"), DomainName.of("mx.example.net"), "James DMARC test");
    /** 200 minutes from 08:00 (three policy domains, 0 to 2 DKIM signatures, IPv4 and IPv6, with and without records). */
    private static final List<EvaluationRecord> RECORDS = Records.records(0, 200);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static Backend.TestDatabase db;
    private static JdbcHistoryStore store;
    private static Path script;

    @BeforeAll
    static void storeAndTool() throws Exception {
        requireMailDmarc();
        script = tmp.resolve("mail-dmarc-read.pl");
        try (InputStream in = MailDmarcInteropTest.class.getResourceAsStream("mail-dmarc-read.pl")) {
            Files.copy(in, script);
        }
        db = Backend.H2.create(tmp);
        store = JdbcHistoryStore.open(db.config());
        for (int from = 0; from < RECORDS.size(); from += 50) {
            store.write(RECORDS.subList(from, from + 50));
        }
        // The writers only mark messages pending (V5): the roll-up makes the counters the builder reads.
        new ReportRollup(store, Duration.ofDays(1)).rollUp();
    }

    @AfterAll
    static void close() {
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.drop();
        }
    }

    @Test
    void mailDmarcReadsEveryRfc7489ReportAsStored() throws Exception {
        Map<String, byte[]> reports = buildAll(ReportFormat.RFC7489);
        assertThat(reports.keySet()).containsExactlyInAnyOrder("example0.com", "example1.com", "example2.com");
        assertThat(AggregateReportBuilderTest.expected(RECORDS, "example2.com", ReportFormat.RFC7489).keySet())
                .as("records with no, one and two DKIM signatures").anyMatch(l -> DKIM.matcher(l).results().count() == 2);
        for (Map.Entry<String, byte[]> report : reports.entrySet()) {
            String domain = report.getKey();
            ReportSchemas.validate(report.getValue(), ReportFormat.RFC7489);
            Path xml = Files.write(tmp.resolve(domain + ".xml"), report.getValue());
            Result read = mailDmarc("xml", xml);
            assertThat(read.exit()).as(domain + ": " + read.stderr()).isZero();
            JsonNode parsed = JSON.readTree(read.stdout());
            assertMetadata(parsed.get("metadata"), domain);
            assertThat(parsed.get("metadata").get("uuid").asText()).isEqualTo(reportId(domain));
            assertThat(policy(parsed.get("policy_published"))).as(domain).isEqualTo(expectedPolicy(domain));
            assertThat(records(parsed.get("records"))).as(domain).isEqualTo(asMailDmarcReadsThem(
                    AggregateReportBuilderTest.expected(RECORDS, domain, ReportFormat.RFC7489)));
        }
    }

    @Test
    void mailDmarcReadsAWholeRfc7489ReportMessage() throws Exception {
        String domain = "example1.com";
        byte[] xml = buildAll(ReportFormat.RFC7489).get(domain);
        ReportMessage message = ReportMail.compose(REPORTER, DomainName.of(domain), PERIOD, ReportFormat.RFC7489,
                "rua@" + domain, gzip(xml), PERIOD.end().plusSeconds(1800));
        Path eml = Files.write(tmp.resolve("report.eml"), message.content());
        Result read = mailDmarc("mail", eml);
        assertThat(read.exit()).as(read.stderr()).isZero();
        JsonNode parsed = JSON.readTree(read.stdout());
        assertMetadata(parsed.get("metadata"), domain);
        // The Report-ID as Mail::DMARC takes it from our Subject field (its uuid), and the same in the XML.
        assertThat(parsed.get("metadata").get("uuid").asText()).isEqualTo(reportId(domain));
        assertThat(policy(parsed.get("policy_published"))).isEqualTo(expectedPolicy(domain));
        assertThat(records(parsed.get("records"))).isEqualTo(asMailDmarcReadsThem(
                AggregateReportBuilderTest.expected(RECORDS, domain, ReportFormat.RFC7489)));
    }

    @Test
    void mailDmarcCannotReadTheRfc9990NamespaceAndDiesOnIt() throws Exception {
        Map<String, byte[]> reports = buildAll(ReportFormat.RFC9990);
        for (Map.Entry<String, byte[]> report : reports.entrySet()) {
            ReportSchemas.validate(report.getValue(), ReportFormat.RFC9990);
            assertThat(ParsedReport.parse(report.getValue()).namespace()).isEqualTo(ReportFormat.RFC9990_NAMESPACE);
            Path xml = Files.write(tmp.resolve(report.getKey() + "-9990.xml"), report.getValue());
            Result read = mailDmarc("xml", xml);
            // Its XPath "/feedback/report_metadata" has no namespace: no node, and the next call is on undef.
            assertThat(read.exit()).as(read.stdout()).isNotZero();
            assertThat(read.stdout()).isEmpty();
            assertThat(read.stderr()).containsPattern(
                    "Can't call method \"findnodes\" on an undefined value at \\S+/Mail/DMARC/Report/Receive\\.pm");
        }
        // The same report without the namespace declaration is read: the namespace is the only obstacle.
        String domain = "example0.com";
        String withoutNamespace = new String(reports.get(domain), StandardCharsets.UTF_8)
                .replace(" xmlns=\"" + ReportFormat.RFC9990_NAMESPACE + "\"", "");
        assertThat(withoutNamespace).doesNotContain(ReportFormat.RFC9990_NAMESPACE);
        Result read = mailDmarc("xml", Files.writeString(tmp.resolve("no-namespace.xml"), withoutNamespace));
        assertThat(read.exit()).as(read.stderr()).isZero();
        assertMetadata(JSON.readTree(read.stdout()).get("metadata"), domain);
    }

    // ---------------------------------------------------------------------------------------------- helpers ---

    private static void assertMetadata(JsonNode metadata, String domain) {
        assertThat(metadata.get("org_name").asText()).isEqualTo(REPORTER.orgName());
        assertThat(metadata.get("email").asText()).isEqualTo(REPORTER.email());
        assertThat(metadata.get("extra_contact_info").asText()).isEqualTo(REPORTER.extraContactInfo().orElseThrow());
        assertThat(metadata.get("report_id").asText()).isEqualTo(reportId(domain));
        assertThat(metadata.get("begin").asLong()).isEqualTo(PERIOD.begin().getEpochSecond());
        // RFC 7489's and RFC 9990's date_range end is inclusive: the period's last second.
        assertThat(metadata.get("end").asLong()).isEqualTo(PERIOD.end().getEpochSecond() - 1);
    }

    private static String reportId(String domain) {
        return ReportId.of(REPORTER.receiver(), DomainName.of(domain), PERIOD).value();
    }

    /** The published policy of {@code domain}'s latest message in the period, as an RFC 7489 report states it. */
    private static Map<String, String> expectedPolicy(String domain) {
        EvaluationRecord latest = RECORDS.stream()
                .filter(r -> r.published().isPresent() && r.policyDomain().orElseThrow().name().equals(domain))
                .max(Comparator.comparing(EvaluationRecord::time)).orElseThrow();
        EvaluationRecord.PublishedPolicy p = latest.published().orElseThrow();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("domain", domain);
        m.put("adkim", p.adkim().name().substring(0, 1).toLowerCase());
        m.put("aspf", p.aspf().name().substring(0, 1).toLowerCase());
        Policy policy = p.p().orElseThrow();
        m.put("p", policy.name().toLowerCase());
        // RFC 7489 requires sp and pct: the policy's own defaults when the record has none.
        m.put("sp", p.sp().orElse(policy).name().toLowerCase());
        m.put("pct", Integer.toString(p.pct().orElse(100)));
        return m;
    }

    private static Map<String, String> policy(JsonNode published) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String key : List.of("domain", "adkim", "aspf", "p", "sp", "pct")) {
            if (published.has(key)) {
                m.put(key, published.get(key).asText());
            }
        }
        return m;
    }

    /**
     * Mail::DMARC's records as lines of {@link ParsedReport}'s form, so they compare with
     * {@link AggregateReportBuilderTest#expected}: {@code ip|disposition|dkim|spf|reasons,|header_from|envelope_from|
     * envelope_to|dkim(d/s/r)...spf(d/scope/r)}.
     */
    private static Map<String, Long> records(JsonNode records) {
        Map<String, Long> lines = new HashMap<>();
        for (JsonNode r : records) {
            JsonNode row = r.get("row");
            JsonNode evaluated = row.get("policy_evaluated");
            StringBuilder line = new StringBuilder();
            line.append(row.get("source_ip").asText()).append('|').append(evaluated.get("disposition").asText())
                    .append('|').append(evaluated.get("dkim").asText()).append('|')
                    .append(evaluated.get("spf").asText()).append('|');
            for (JsonNode reason : list(evaluated.get("reason"))) {
                line.append(reason.get("type").asText());
                String comment = reason.path("comment").asText("");
                if (!comment.isEmpty()) {
                    line.append(':').append(comment);
                }
                line.append(',');
            }
            JsonNode ids = r.get("identifiers");
            String envelopeTo = ids.path("envelope_to").asText("");
            line.append('|').append(ids.get("header_from").asText()).append('|')
                    .append(ids.path("envelope_from").asText("")).append('|')
                    .append(envelopeTo.isEmpty() ? "-" : envelopeTo).append('|');
            JsonNode auth = r.get("auth_results");
            for (JsonNode d : list(auth.get("dkim"))) {
                line.append("dkim(").append(d.path("domain").asText("")).append('/')
                        .append(d.path("selector").asText("")).append('/').append(d.get("result").asText()).append(')');
            }
            for (JsonNode s : list(auth.get("spf"))) {
                line.append("spf(").append(s.path("domain").asText("")).append('/').append(s.path("scope").asText(""))
                        .append('/').append(s.get("result").asText()).append(')');
            }
            lines.merge(line.toString(), row.get("count").asLong(), Long::sum);
        }
        return lines;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(out::add);
        }
        return out;
    }

    private static final Pattern DKIM = Pattern.compile("dkim\\([^)]*\\)");

    /** Mail::DMARC's reading of several DKIM results: as many copies of the record's first one. */
    private static Map<String, Long> asMailDmarcReadsThem(Map<String, Long> expected) {
        Map<String, Long> out = new HashMap<>();
        expected.forEach((line, count) -> {
            Matcher m = DKIM.matcher(line);
            List<String> signatures = new ArrayList<>();
            while (m.find()) {
                signatures.add(m.group());
            }
            String read = line;
            if (signatures.size() > 1) {
                int start = line.indexOf(signatures.get(0));
                String all = String.join("", signatures);
                assertThat(line.substring(start)).startsWith(all);
                read = line.substring(0, start) + signatures.get(0).repeat(signatures.size())
                        + line.substring(start + all.length());
            }
            out.merge(read, count, Long::sum);
        });
        return out;
    }

    private static Map<String, byte[]> buildAll(ReportFormat format) throws IOException {
        AggregateReportBuilder builder = new AggregateReportBuilder(new ReportCounterReader(store), REPORTER);
        Map<String, byte[]> out = new LinkedHashMap<>();
        builder.buildAll(PERIOD, format, new AggregateReportBuilder.ReportSink() {
            @Override
            public OutputStream open(ReportPolicy policy, ReportId id) {
                return new ByteArrayOutputStream() {
                    @Override
                    public void close() {
                        out.put(policy.policyDomain().name(), toByteArray());
                    }
                };
            }
        });
        return out;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result mailDmarc(String mode, Path file) throws Exception {
        return run(List.of("perl", script.toString(), mode, file.toString()));
    }

    private static Result run(List<String> command) throws Exception {
        Path out = Files.createTempFile(tmp, "perl", ".out");
        Path err = Files.createTempFile(tmp, "perl", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("perl did not finish in 120 s: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void requireMailDmarc() {
        try {
            Result r = run(List.of("perl", "-MMail::DMARC::Report::Receive", "-MJSON::PP", "-e", "1"));
            if (r.exit() == 0) {
                return;
            }
            MissingTool.unavailable("perl cannot load Mail::DMARC::Report::Receive (Debian package libmail-dmarc-perl): "
                    + r.stderr().lines().findFirst().orElse(""));
        } catch (IOException e) {
            MissingTool.unavailable("perl is not installed (Debian packages perl, libmail-dmarc-perl): " + e.getMessage());
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
