package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.e2e.SampleReportSender.REPORT_DOMAIN;
import static org.jamesdmarc.e2e.SampleReportSender.REPORT_FROM;
import static org.jamesdmarc.e2e.SampleReportSender.REPORT_SELECTOR;
import static org.jamesdmarc.e2e.SampleReportSender.homeWithReportKey;
import static org.jamesdmarc.e2e.SampleReportSender.shortReportPeriod;
import static org.jamesdmarc.e2e.SampleSetup.BAD_IP;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.SPF;
import static org.jamesdmarc.e2e.SampleSetup.closeAll;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import javax.mail.BodyPart;
import javax.mail.Multipart;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import com.fasterxml.jackson.databind.JsonNode;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Aggregate reports (RFC 9990) sent by a real James 3.8.1 with the sample configuration, started by
 * {@code ./run-james}: the report task inside James (DmarcReportScheduler) builds them from the history that SMTP
 * traffic recorded, the sample's {@code dmarc-report} processor signs them with James's DKIMSign and RemoteDelivery
 * hands them to the relay gateway, here this test's SMTP sink: the senders' "rua mailbox".
 *
 * <p>The sample's own settings are used ({@code report.email=dmarc-reports@james.local}, DKIMSign
 * {@code d=james.local; s=dmarc-report}), except the period, shortened to a minute, and the delay and check
 * interval, to seconds (a conf overlay of {@code dmarc.properties}); run-james gives the report task knotd as its DNS
 * ({@code report.dnsServers} from {@code DMARC_DNS_SERVERS}). The report key is the test's own, written into the
 * James home before the start as {@code ./run-james} would generate it, so that knotd can publish it.
 *
 * <p>Traffic: {@value #SENDER} ({@code p=quarantine; rua=mailto:}{@value #RUA}) gets 3 SPF-aligned passes from
 * 127.0.0.2, 2 failures from 127.0.0.3 (quarantined) and 1 DKIM-aligned pass from 127.0.0.3; {@value #BOUNCING}
 * ({@code rua=mailto:}{@value #REFUSED_RUA}, which the gateway refuses with a 550) one pass. Both rua hosts publish
 * the external destination verification record (RFC 9990 §4).
 */
class DmarcReportIT {
    private static final String SENDER = "report-sender.test";
    private static final String BOUNCING = "report-bouncing.test";
    private static final String RUA_HOST = "rua.test";
    private static final String RUA = "dmarc@" + RUA_HOST;
    private static final String REFUSED_RUA = "refused@" + RUA_HOST;
    private static final String REFUSAL = "550 5.1.1 <" + REFUSED_RUA + ">: mailbox unavailable";
    private static final String BOUNCES = "var/mail/dmarc-report-bounces";
    /** Messages sent per policy domain. */
    private static final int SENDER_MESSAGES = 6;
    private static final int BOUNCING_MESSAGES = 1;
    /** A one-minute period ends, then the delay, then the next check: well within this. */
    private static final Duration REPORTS_WITHIN = Duration.ofSeconds(150);
    private static final Pattern FILE_NAME = Pattern.compile(
        Pattern.quote(REPORT_DOMAIN + "!" + SENDER + "!") + "(\\d+)!(\\d+)!([A-Za-z0-9]+)\\.xml\\.gz");

    private static KnotDnsServer dns;
    private static SmtpSink ruaMailbox;
    private static JamesProcess james;
    /** Every report message the rua mailbox received, by the policy domain of its subject. */
    private static final Map<String, List<ReceivedReport>> REPORTS = new TreeMap<>();

    /** One report mail as the rua mailbox got it, and its XML. */
    private record ReceivedReport(SmtpSink.Message smtp, MimeMessage mime, String fileName, String contentType,
                                  byte[] xml, Document document) {
        String metadata(String name) {
            return text(document.getDocumentElement(), "report_metadata", name);
        }
    }

    @BeforeAll
    static void sendTrafficAndCollectTheReports() throws Exception {
        Swaks.assumeInstalled();
        DkimTestSigner reportKey = SampleReportSender.newReportKey();
        DkimTestSigner senderKey = DkimTestSigner.rsa2048(SENDER, "sel1");
        ruaMailbox = SmtpSink.answeringData(m -> m.recipients().contains(REFUSED_RUA) ? REFUSAL
            : "250 2.0.0 Ok: queued");
        dns = SampleReportSender.publish(KnotDnsServer.builder()
            .zone(SENDER)
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=quarantine; rua=mailto:" + RUA)
                .txt(senderKey.selector() + "._domainkey", senderKey.txtRecord())
            .zone(BOUNCING)
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=none; rua=mailto:" + REFUSED_RUA)
            .zone(RUA_HOST)
                .txt(SENDER + "._report._dmarc", "v=DMARC1")
                .txt(BOUNCING + "._report._dmarc", "v=DMARC1")
            .and(), reportKey)
            .start();
        Path home = homeWithReportKey(reportKey);
        james = JamesProcess.builder("dmarc-report").home(home).dnsServers(dns.hostPort())
            .env("JAMES_RELAY_GATEWAY", JamesProcess.HOST + ":" + ruaMailbox.port())
            .confOverlay(shortReportPeriod())
            .start();

        awayFromTheEndOfAMinute();
        Instant firstSent = Instant.now();
        for (int i = 0; i < 3; i++) {
            swaks(GOOD_IP, "alice@" + SENDER);
        }
        for (int i = 0; i < 2; i++) {
            swaks(BAD_IP, "mallory@" + SENDER);
        }
        byte[] signed = senderKey.sign(TestMail.message("bob@" + SENDER, james.user(), TestMail.token(), List.of()));
        SmtpClient.from(james, BAD_IP, "mail.elsewhere.test").sendRaw(signed, "bob@elsewhere.test", james.user());
        swaks(GOOD_IP, "carol@" + BOUNCING);
        DmarcCommand.awaitHistory(james, SENDER_MESSAGES + BOUNCING_MESSAGES, Duration.ofSeconds(60));
        System.out.printf("DmarcReportIT: %d messages sent from %s, recorded by %s%n",
            SENDER_MESSAGES + BOUNCING_MESSAGES, firstSent, Instant.now());

        collectReports();
    }

    /** The traffic of one test run fits in one one-minute period unless it starts in its last seconds. */
    private static void awayFromTheEndOfAMinute() throws InterruptedException {
        int second = Instant.now().atZone(ZoneOffset.UTC).getSecond();
        if (second > 40) {
            Thread.sleep((61 - second) * 1000L);
        }
    }

    private static void swaks(String ip, String from) throws Exception {
        Swaks.Result r = Swaks.to(JamesProcess.HOST, james.smtpPort()).from(ip).helo("mail." + TestMail.domainOf(from))
            .mailFrom(from).rcptTo(james.user()).header("From: " + from).send();
        assertThat(r.delivered()).as("accepted by James:%n%s", r.transcript()).isTrue();
    }

    /**
     * Reads what the rua mailbox receives until the reports of {@value #SENDER} count every message sent (a period
     * boundary may split them over two reports) and {@value #BOUNCING}'s report came (and was refused).
     */
    private static void collectReports() throws Exception {
        Instant giveUp = Instant.now().plus(REPORTS_WITHIN);
        while (senderCount() < SENDER_MESSAGES || REPORTS.getOrDefault(BOUNCING, List.of()).isEmpty()) {
            Duration left = Duration.between(Instant.now(), giveUp);
            assertThat(left.isNegative()).as("reports received within %s: %s; ledger: %s%nJames log:%n%s",
                REPORTS_WITHIN, REPORTS.keySet(), DmarcCommand.run(james.home(), "report", "status", "--json"),
                james.logTail()).isFalse();
            Optional<SmtpSink.Message> next = ruaMailbox.awaitMessage(left);
            if (next.isPresent()) {
                ReceivedReport report = parse(next.get());
                String domain = text(report.document().getDocumentElement(), "policy_published", "domain");
                REPORTS.computeIfAbsent(domain, d -> new ArrayList<>()).add(report);
                System.out.printf("DmarcReportIT: report for %s to %s at %s: %s%n", domain,
                    next.get().recipients(), Instant.now(), report.fileName());
            }
        }
    }

    private static long senderCount() {
        return REPORTS.getOrDefault(SENDER, List.of()).stream().mapToLong(r -> counts(r.document()).values().stream()
            .mapToLong(Long::longValue).sum()).sum();
    }

    private static ReceivedReport parse(SmtpSink.Message smtp) throws Exception {
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(smtp.data().getBytes(StandardCharsets.UTF_8)));
        assertThat(mime.getContent()).as("a multipart report mail:%n%s", smtp.data()).isInstanceOf(Multipart.class);
        Multipart parts = (Multipart) mime.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.getFileName() != null) {
                byte[] xml;
                try (InputStream in = new GZIPInputStream(part.getInputStream())) {
                    xml = in.readAllBytes();
                }
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
                return new ReceivedReport(smtp, mime, part.getFileName(), part.getContentType(), xml, doc);
            }
        }
        throw new AssertionError("no attachment in:\n" + smtp.data());
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(james, ruaMailbox, dns);
    }

    private static List<ReceivedReport> senderReports() {
        return REPORTS.get(SENDER);
    }

    @Test
    void theReportGoesToTheRuaFromTheReportAddress() {
        for (ReceivedReport r : senderReports()) {
            assertThat(r.smtp().recipients()).containsExactly(RUA);
            assertThat(r.smtp().helo()).as("RemoteDelivery's heloName").isEqualTo("mx.james.local");
            assertThat(r.smtp().headerValues("From")).singleElement().satisfies(f -> assertThat(f).endsWith("<"
                + REPORT_FROM + ">"));
            assertThat(r.metadata("org_name")).isEqualTo("James DMARC sample");
            assertThat(r.metadata("email")).isEqualTo(REPORT_FROM);
        }
    }

    @Test
    void subjectFileNameAndMessageIdFollowRfc9990() throws Exception {
        for (ReceivedReport r : senderReports()) {
            String reportId = r.metadata("report_id");
            Element range = child(child(r.document().getDocumentElement(), "report_metadata"), "date_range");
            String begin = text(range, "begin");
            String end = text(range, "end");
            // RFC 9990 "Email": Report Domain: <policy domain> Submitter: <receiver> Report-ID: <id>
            assertThat(r.mime().getSubject())
                .isEqualTo("Report Domain: " + SENDER + " Submitter: " + REPORT_DOMAIN + " Report-ID: <" + reportId + ">");
            // receiver "!" policy-domain "!" begin "!" end [ "!" unique-id ] ".xml.gz"
            Matcher name = FILE_NAME.matcher(r.fileName());
            assertThat(name.matches()).as(r.fileName()).isTrue();
            assertThat(name.group(1)).isEqualTo(begin);
            assertThat(name.group(2)).isEqualTo(end);
            assertThat(r.contentType()).startsWith("application/gzip");
            // The Message-ID is derived from the Report-ID (the same on a re-send).
            String left = reportId.substring(0, reportId.lastIndexOf('@'));
            assertThat(r.mime().getMessageID()).matches("<" + Pattern.quote(left) + "\\.[0-9a-f]{8}@"
                + Pattern.quote(REPORT_DOMAIN) + ">");
            assertThat(reportId).endsWith("@" + REPORT_DOMAIN).contains(SENDER);
            assertThat(Long.parseLong(end) - Long.parseLong(begin)).as("a one-minute period").isBetween(59L, 60L);
        }
    }

    @Test
    void theXmlIsValidAgainstTheRfc9990SchemaAndCountsWhatWasSent() throws Exception {
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
            .newSchema(rfc9990Xsd().toFile());
        Map<String, Long> bySourceAndDisposition = new TreeMap<>();
        long dkimPasses = 0;
        for (ReceivedReport r : REPORTS.values().stream().flatMap(List::stream).toList()) {
            schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(r.xml())));
            assertThat(r.document().getDocumentElement().getNamespaceURI())
                .isEqualTo("urn:ietf:params:xml:ns:dmarc-2.0");
        }
        for (ReceivedReport r : senderReports()) {
            counts(r.document()).forEach((k, v) -> bySourceAndDisposition.merge(k, v, Long::sum));
            dkimPasses += records(r.document()).stream()
                .filter(rec -> "pass".equals(text(rec, "row", "policy_evaluated", "dkim")))
                .mapToLong(rec -> Long.parseLong(text(rec, "row", "count"))).sum();
            assertThat(text(r.document().getDocumentElement(), "policy_published", "p")).isEqualTo("quarantine");
        }
        // RFC 9990 ActionDispositionType: "pass" is no action for mail passing DMARC under an enforcing policy
        // (p=quarantine here); under p=none it is "none" (the other domain below).
        assertThat(bySourceAndDisposition).containsExactlyInAnyOrderEntriesOf(Map.of(
            GOOD_IP + " pass", 3L,
            BAD_IP + " quarantine", 2L,
            BAD_IP + " pass", 1L));
        assertThat(dkimPasses).as("the DKIM-signed message").isEqualTo(1);
        assertThat(REPORTS.get(BOUNCING)).as("refused by the gateway, so sent once").hasSize(1);
        assertThat(counts(REPORTS.get(BOUNCING).get(0).document())).containsExactly(Map.entry(GOOD_IP + " none", 1L));
    }

    @Test
    void theReportIsDkimSignedAndPassesOurOwnDmarcCheck() throws Exception {
        ReceivedReport r = senderReports().get(0);
        assertThat(r.smtp().headerValues("DKIM-Signature")).singleElement().satisfies(sig -> assertThat(sig)
            .contains("d=" + REPORT_DOMAIN + ";").contains("s=" + REPORT_SELECTOR + ";"));
        Path message = Files.createTempFile(james.home(), "report-", ".eml");
        Files.writeString(message, r.smtp().data(), StandardCharsets.UTF_8);

        DmarcCommand.Result evaluation = DmarcCommand.runWithoutHome(james.home(), "evaluate", "--ip", "127.0.0.1",
            "--helo", r.smtp().helo(), "--mail-from", r.smtp().mailFrom(), "--dns", dns.hostPort(),
            "--message", message.toString(), "--json");

        assertThat(evaluation.exit()).as(evaluation.toString()).isZero();
        JsonNode outcome = evaluation.json();
        assertThat(outcome.get("dmarc").get("result").asText()).as(evaluation.toString()).isEqualTo("pass");
        assertThat(outcome.get("dmarc").get("policyDomain").asText()).isEqualTo(REPORT_DOMAIN);
        assertThat(outcome.get("dkim")).anySatisfy(d -> {
            assertThat(d.get("domain").asText()).isEqualTo(REPORT_DOMAIN);
            assertThat(d.get("selector").asText()).isEqualTo(REPORT_SELECTOR);
            assertThat(d.get("result").asText()).isEqualTo("pass");
            assertThat(d.get("aligned").asBoolean()).isTrue();
        });
    }

    @Test
    void reportMailIsNotInTheHistory() throws Exception {
        List<JsonNode> records = DmarcCommand.awaitHistory(james, SENDER_MESSAGES + BOUNCING_MESSAGES,
            Duration.ofSeconds(10));
        assertThat(records).as("the messages sent, nothing else").hasSize(SENDER_MESSAGES + BOUNCING_MESSAGES);
        assertThat(records).allSatisfy(rec -> assertThat(rec.get("headerFrom").asText()).isIn(SENDER, BOUNCING));
    }

    @Test
    void theLedgerShowsTheReportSentAndTheRefusedOneFailedThroughTheBounceProcessor() throws Exception {
        Instant giveUp = Instant.now().plusSeconds(60);
        JsonNode status;
        Optional<JsonNode> failed;
        do {
            DmarcCommand.Result run = DmarcCommand.run(james.home(), "report", "status", "--json");
            assertThat(run.exit()).as(run.toString()).isZero();
            status = run.json();
            failed = problem(status, BOUNCING);
            if (failed.isPresent() && failed.get().get("state").asText().equals("failed")) {
                break;
            }
            Thread.sleep(500);
        } while (Instant.now().isBefore(giveUp));
        assertThat(failed).as("%s in %s%nJames log:%n%s", BOUNCING, status, james.logTail()).isPresent();
        JsonNode f = failed.get();
        assertThat(f.get("state").asText()).isEqualTo("failed");
        assertThat(f.get("destination").asText()).isEqualTo(REFUSED_RUA);
        assertThat(f.get("reason").asText()).as("the gateway's answer").contains("550");
        assertThat(problem(status, SENDER)).as("sent, no problem").isEmpty();
        long sent = 0;
        for (JsonNode p : status.get("periods")) {
            sent += p.get("sent").asLong();
        }
        assertThat(sent).as("handed off: the reports of %s", SENDER).isEqualTo(senderReports().size());

        assertThat(MailRepositories.messages(james, BOUNCES)).as("the refused report is kept in %s", BOUNCES)
            .singleElement().satisfies(m -> assertThat(m).contains("Report Domain: " + BOUNCING));
    }

    private static Optional<JsonNode> problem(JsonNode status, String domain) {
        for (JsonNode p : status.get("problems")) {
            if (p.get("domain").asText().equals(domain)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Path rfc9990Xsd() {
        Path xsd = JamesProcess.repositoryRoot().resolve("../shared/reference/rfc9990-aggregate-report-schema.xsd")
            .normalize();
        assertThat(xsd).as("RFC 9990's schema beside the repository").isRegularFile();
        return xsd;
    }

    // ------------------------------------------------------------------------------ the XML

    private static List<Element> records(Document doc) {
        List<Element> records = new ArrayList<>();
        NodeList nodes = doc.getDocumentElement().getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getLocalName().equals("record")) {
                records.add(e);
            }
        }
        return records;
    }

    /** Message counts by "source-ip disposition". */
    private static Map<String, Long> counts(Document doc) {
        Map<String, Long> counts = new TreeMap<>();
        for (Element rec : records(doc)) {
            counts.merge(text(rec, "row", "source_ip") + " " + text(rec, "row", "policy_evaluated", "disposition"),
                Long.parseLong(text(rec, "row", "count")), Long::sum);
        }
        return counts;
    }

    private static Element child(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        throw new AssertionError("no <" + localName + "> in <" + parent.getLocalName() + ">");
    }

    private static String text(Element from, String... path) {
        Element e = from;
        for (String name : path) {
            e = child(e, name);
        }
        return e.getTextContent().strip();
    }
}
