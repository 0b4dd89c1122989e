package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.e2e.SampleReportSender.REPORT_DOMAIN;
import static org.jamesdmarc.e2e.SampleReportSender.REPORT_FROM;
import static org.jamesdmarc.e2e.SampleReportSender.REPORT_SELECTOR;
import static org.jamesdmarc.e2e.SampleSetup.AUTHSERV_ID;
import static org.jamesdmarc.e2e.SampleSetup.BAD_IP;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.SPF;
import static org.jamesdmarc.e2e.SampleSetup.closeAll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.mail.BodyPart;
import javax.mail.Multipart;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failure reports (RFC 9991) sent by a real James 3.8.1 with the sample configuration and its commented
 * {@code failure.*} block enabled (a conf overlay of {@code dmarc.properties}; the redaction key is the test's own,
 * {@code conf/dmarc-failure-secret} in the overlay). The reports leave through the sample's {@code dmarc-report}
 * processor (DKIMSign, RemoteDelivery) to the relay gateway, this test's SMTP sink, which stands for the
 * {@code ruf} mailboxes of {@value #RUF_HOST} (it authorizes every policy domain of the test, RFC 9990
 * "Verifying External Destinations") and of {@value #NOAUTH_HOST} (which authorizes none).
 *
 * <p>Traffic, from 127.0.0.2-127.0.0.8 (none of them trusted by the sample): for each {@code fo} value a domain of
 * its own with its own {@code ruf} address, one message that must be reported and one that must not; 1,000 forged
 * messages of {@value #FLOOD} over five SMTP sessions. Then a second James with the sample as shipped
 * (failure reports off) gets a failing message and sends nothing.
 */
class DmarcFailureReportIT {
    private static final String RUF_HOST = "ruf.test";
    private static final String NOAUTH_HOST = "noauth.test";
    /** fo=0 (the default), p=reject: the main message, checked field by field; two ruf, one not authorizing. */
    private static final String FO0 = "fo0.test";
    /** fo=1, p=quarantine: a DMARC pass by SPF alone is reported. */
    private static final String FO1 = "fo1.test";
    /** fo=d, p=none: a failed signature is reported (DKIM report), whatever DMARC says. */
    private static final String FOD = "fod.test";
    /** fo=s, p=reject: an SPF failure is reported (SPF report) though DKIM makes DMARC pass. */
    private static final String FOS = "fos.test";
    /** p=reject: 1,000 forged messages, at most one report (failure.perDestination=1). */
    private static final String FLOOD = "flood.test";
    private static final int FLOOD_MESSAGES = 1000;
    private static final int FLOOD_SESSIONS = 5;
    private static final String CARBON_COPY = "carol@elsewhere.test";
    private static final Duration REPORTS_WITHIN = Duration.ofSeconds(180);

    private static final byte[] SECRET = HexFormat.of().parseHex(
        "00112233445566778899aabbccddeeff0123456789abcdef0123456789abcdef");

    private static KnotDnsServer dns;
    private static SmtpSink rufMailboxes;
    private static JamesProcess james;
    private static DkimTestSigner fo0Key;
    /** The reports received, by their ruf address. */
    private static final Map<String, List<Report>> REPORTS = new LinkedHashMap<>();
    private static Instant mainSent;
    private static JsonNode failureLog;
    /** What the sink received from the James with the sample as shipped, in order. */
    private static final List<SmtpSink.Message> FROM_DISABLED = new ArrayList<>();
    private static JsonNode disabledLog;
    private static String enabledJamesLog;
    private static String disabledJamesLog;

    /** One report mail as its ruf mailbox got it: the envelope, the MIME message and its three parts. */
    private record Report(SmtpSink.Message smtp, MimeMessage mime, String text, Map<String, String> feedback,
                          String feedbackRaw, String headersContentType, String headers) {
    }

    @BeforeAll
    static void sendTrafficAndCollectTheReports() throws Exception {
        DkimTestSigner reportKey = SampleReportSender.newReportKey();
        fo0Key = DkimTestSigner.rsa2048(FO0, "sel1");
        DkimTestSigner fodKey = DkimTestSigner.rsa2048(FOD, "sel1");
        DkimTestSigner fosKey = DkimTestSigner.rsa2048(FOS, "sel1");
        rufMailboxes = SmtpSink.accepting();
        dns = SampleReportSender.publish(KnotDnsServer.builder()
            .zone(FO0)
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject; ruf=mailto:fo0@" + RUF_HOST + ",mailto:spy@" + NOAUTH_HOST)
                .txt(fo0Key.selector() + "._domainkey", fo0Key.txtRecord())
            .zone(FO1)
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=quarantine; fo=1; ruf=mailto:fo1@" + RUF_HOST)
            .zone(FOD)
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=none; fo=d; ruf=mailto:fod@" + RUF_HOST)
                .txt(fodKey.selector() + "._domainkey", fodKey.txtRecord())
            .zone(FOS)
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject; fo=s; ruf=mailto:fos@" + RUF_HOST)
                .txt(fosKey.selector() + "._domainkey", fosKey.txtRecord())
            .zone(FLOOD)
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject; ruf=mailto:flood@" + RUF_HOST)
            .zone(RUF_HOST)
                .txt(FO0 + "._report._dmarc", "v=DMARC1")
                .txt(FO1 + "._report._dmarc", "v=DMARC1")
                .txt(FOD + "._report._dmarc", "v=DMARC1")
                .txt(FOS + "._report._dmarc", "v=DMARC1")
                .txt(FLOOD + "._report._dmarc", "v=DMARC1")
            .zone(NOAUTH_HOST)
                .txt("@", "v=spf1 -all")
            .and(), reportKey)
            .start();
        Instant started = Instant.now();
        james = JamesProcess.builder("dmarc-failure").home(SampleReportSender.homeWithReportKey(reportKey))
            .dnsServers(dns.hostPort())
            .env("JAMES_RELAY_GATEWAY", JamesProcess.HOST + ":" + rufMailboxes.port())
            .confOverlay(failureReportsEnabled())
            .start();
        System.out.printf("DmarcFailureReportIT: James ready in %s%n", Duration.between(started, Instant.now()));

        // fo=0: the main message, DMARC fail (SPF fails from BAD_IP, the aligned signature fails: body changed after
        // signing), refused at SMTP; and a pass that asks for nothing.
        mainSent = Instant.now();
        byte[] main = tampered(fo0Key.signWithTags(TestMail.message("mallory@" + FO0, james.user(), TestMail.token(),
            List.of("Cc: Carol <" + CARBON_COPY + ">", "Reply-To: Mallory <mallory@" + FO0 + ">")),
            "i=@news." + FO0 + ";"));
        assertThat(send(BAD_IP, "mallory@" + FO0, main)).startsWith("550");
        assertThat(send(GOOD_IP, "alice@" + FO0, plain("alice@" + FO0))).startsWith("250");
        // fo=1: DMARC passes by SPF alone (no signature): reported; with an aligned DKIM pass too it would not be.
        assertThat(send(GOOD_IP, "alice@" + FO1, plain("alice@" + FO1))).startsWith("250");
        // fo=d: a failed signature (DMARC passes by SPF) is reported; an unsigned pass is not.
        assertThat(send(GOOD_IP, "alice@" + FOD, tampered(fodKey.sign(plain("alice@" + FOD))))).startsWith("250");
        assertThat(send(GOOD_IP, "bob@" + FOD, plain("bob@" + FOD))).startsWith("250");
        // fo=s: SPF fails from BAD_IP though the valid signature makes DMARC pass: reported; SPF pass is not.
        assertThat(send(BAD_IP, "alice@" + FOS, fosKey.sign(plain("alice@" + FOS)))).startsWith("250");
        assertThat(send(GOOD_IP, "bob@" + FOS, plain("bob@" + FOS))).startsWith("250");

        Instant floodStart = Instant.now();
        flood();
        System.out.printf("DmarcFailureReportIT: %d forged messages sent in %s%n", FLOOD_MESSAGES,
            Duration.between(floodStart, Instant.now()));

        // fo0 (sent) + spy (unauthorized), fo1, fod, fos, flood: 1 sent + 999 rate-limited.
        failureLog = awaitFailureLog(james, 5 + 1 + (FLOOD_MESSAGES - 1));
        collectReports(5);
        System.out.printf("DmarcFailureReportIT: reports logged and received by %s%n", Instant.now());

        enabledJamesLog = Files.readString(james.logFile());
        runTheSampleAsShipped();
    }

    /** The sample's dmarc.properties with its failure block enabled, a larger queue (the flood), the test's key. */
    private static Path failureReportsEnabled() throws IOException {
        String sample = Files.readString(JamesProcess.repositoryRoot()
            .resolve("james-config-samples/conf/dmarc.properties"));
        String enabled = SampleReportSender.replaceLine(sample, "#failure.enabled=", "failure.enabled=true");
        // Every forged message is queued, so each is counted in the log (a full queue would drop some uncounted).
        enabled = SampleReportSender.replaceLine(enabled, "#failure.queueSize=", "failure.queueSize=5000");
        assertThat(enabled).contains("report.email=" + REPORT_FROM).contains("#failure.perDestination=1");
        Path dir = Files.createDirectories(JamesProcess.repositoryRoot()
            .resolve("james-config-samples/target/james-e2e"));
        Path overlay = Files.createTempDirectory(dir, "failure-conf-");
        Files.writeString(overlay.resolve("dmarc.properties"), enabled);
        Files.write(overlay.resolve("dmarc-failure-secret"), SECRET);
        return overlay;
    }

    private static String send(String ip, String mailFrom, byte[] message) throws IOException {
        try (RawSmtpSession s = RawSmtpSession.open(james, ip, "mail." + TestMail.domainOf(mailFrom))) {
            return s.send(mailFrom, james.user(), message);
        }
    }

    private static byte[] plain(String from) {
        return TestMail.message(from, james.user(), TestMail.token(), List.of());
    }

    /** {@code signed} with its body changed after signing: the signature's body hash no longer matches. */
    private static byte[] tampered(byte[] signed) {
        String text = new String(signed, StandardCharsets.UTF_8);
        assertThat(text).contains("\r\n\r\nhello ");
        return text.replace("\r\n\r\nhello ", "\r\n\r\nHELLO ").getBytes(StandardCharsets.UTF_8);
    }

    /** {@value #FLOOD_MESSAGES} forged messages (SPF fails, no signature: DMARC fail, p=reject), a few sessions. */
    private static void flood() throws Exception {
        int perSession = FLOOD_MESSAGES / FLOOD_SESSIONS;
        for (int session = 0; session < FLOOD_SESSIONS; session++) {
            String ip = "127.0.0." + (4 + session);
            try (RawSmtpSession s = RawSmtpSession.open(james, ip, "mail." + FLOOD)) {
                for (int i = 0; i < perSession; i++) {
                    String reply = s.send("forger@" + FLOOD, james.user(), plain("forger@" + FLOOD));
                    assertThat(reply).as("forged message %d from %s", i, ip).startsWith("550");
                }
            }
        }
    }

    /** {@code dmarc report status --json} until the failure report log holds {@code count} settled entries. */
    private static JsonNode awaitFailureLog(JamesProcess of, long count) throws Exception {
        Instant giveUp = Instant.now().plus(REPORTS_WITHIN);
        JsonNode status;
        while (true) {
            DmarcCommand.Result run = DmarcCommand.run(of.home(), "report", "status", "--json");
            assertThat(run.exit()).as(run.toString()).isZero();
            status = run.json().get("failureReports");
            long settled = 0;
            for (var e : (Iterable<Map.Entry<String, JsonNode>>) status.get("last24h")::fields) {
                if (!e.getKey().equals("pending")) {
                    settled += e.getValue().asLong();
                }
            }
            if (settled >= count) {
                return status;
            }
            assertThat(Instant.now()).as("%d failure reports logged within %s: %s%nJames log:%n%s", count,
                REPORTS_WITHIN, status, of.logTail()).isBefore(giveUp);
            Thread.sleep(500);
        }
    }

    private static void collectReports(int count) throws Exception {
        Instant giveUp = Instant.now().plus(REPORTS_WITHIN);
        int received = 0;
        while (received < count) {
            Duration left = Duration.between(Instant.now(), giveUp);
            assertThat(left.isNegative()).as("%d reports received within %s: %s%nJames log:%n%s", count,
                REPORTS_WITHIN, REPORTS.keySet(), james.logTail()).isFalse();
            Optional<SmtpSink.Message> next = rufMailboxes.awaitMessage(left);
            if (next.isPresent()) {
                Report r = parse(next.get());
                for (String rcpt : next.get().recipients()) {
                    REPORTS.computeIfAbsent(rcpt, k -> new ArrayList<>()).add(r);
                }
                received++;
            }
        }
    }

    private static Report parse(SmtpSink.Message smtp) throws Exception {
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(smtp.data().getBytes(StandardCharsets.UTF_8)));
        assertThat(mime.getContent()).as("a multipart report:%n%s", smtp.data()).isInstanceOf(Multipart.class);
        Multipart parts = (Multipart) mime.getContent();
        assertThat(parts.getCount()).as(smtp.data()).isEqualTo(3);
        BodyPart text = parts.getBodyPart(0);
        BodyPart feedback = parts.getBodyPart(1);
        BodyPart headers = parts.getBodyPart(2);
        assertThat(new ContentType(text.getContentType()).getBaseType()).isEqualToIgnoringCase("text/plain");
        assertThat(new ContentType(feedback.getContentType()).getBaseType())
            .isEqualToIgnoringCase("message/feedback-report");
        String feedbackRaw = read(feedback.getInputStream());
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : feedbackRaw.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                fields.put(last, fields.get(last) + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            last = line.substring(0, colon);
            assertThat(fields).as("each feedback field once: %s", feedbackRaw).doesNotContainKey(last);
            fields.put(last, line.substring(colon + 1).strip());
        }
        return new Report(smtp, mime, read(text.getInputStream()), fields, feedbackRaw, headers.getContentType(),
            read(headers.getInputStream()));
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A second James, the sample as shipped (failure reports off), the same DNS and gateway: a failing message of
     * {@value #FO0} is refused and reported to nobody. A probe relayed after it through the same gateway arrives
     * alone: a report would have been queued before it.
     */
    private static void runTheSampleAsShipped() throws Exception {
        james.close();
        james = JamesProcess.builder("dmarc-failure-off").dnsServers(dns.hostPort())
            .env("JAMES_RELAY_GATEWAY", JamesProcess.HOST + ":" + rufMailboxes.port())
            .start();
        byte[] failing = TestMail.message("mallory@" + FO0, james.user(), TestMail.token(), List.of());
        assertThat(send(BAD_IP, "mallory@" + FO0, failing)).startsWith("550");
        DmarcCommand.awaitHistory(james, 1, Duration.ofSeconds(60));
        // 127.0.0.1 is the sample's authorized address: James relays its mail to the gateway.
        String probe = TestMail.token();
        SmtpClient.from(james, JamesProcess.HOST, "localhost").sendRaw(
            TestMail.message("postmaster@james.local", "probe@" + RUF_HOST, probe, List.of()),
            "postmaster@james.local", "probe@" + RUF_HOST);
        Instant giveUp = Instant.now().plus(REPORTS_WITHIN);
        while (FROM_DISABLED.stream().noneMatch(m -> m.data().contains(probe))) {
            Duration left = Duration.between(Instant.now(), giveUp);
            assertThat(left.isNegative()).as("the probe relayed within %s%nJames log:%n%s", REPORTS_WITHIN,
                james.logTail()).isFalse();
            rufMailboxes.awaitMessage(left).ifPresent(FROM_DISABLED::add);
        }
        DmarcCommand.Result run = DmarcCommand.run(james.home(), "report", "status", "--json");
        assertThat(run.exit()).as(run.toString()).isZero();
        disabledLog = run.json().get("failureReports");
        disabledJamesLog = Files.readString(james.logFile());
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(james, rufMailboxes, dns);
    }

    private static Report only(String ruf) {
        assertThat(REPORTS.get(ruf)).as("reports to %s: %s", ruf, REPORTS.keySet()).hasSize(1);
        return REPORTS.get(ruf).get(0);
    }

    /** RFC 6590 style token of {@code local@domain} under the test's key: 16 hex digits of HMAC-SHA256. */
    private static String token(String address) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] digest = mac.doFinal(address.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    @Test
    void theFailingMessageIsReportedFieldByField() throws Exception {
        Report r = only("fo0@" + RUF_HOST);
        assertThat(r.smtp().mailFrom()).isEqualTo(REPORT_FROM);
        assertThat(r.smtp().headerValues("From")).singleElement().satisfies(f -> assertThat(f).endsWith("<"
            + REPORT_FROM + ">"));
        assertThat(r.smtp().headerValues("To")).singleElement().satisfies(t -> assertThat(t).contains("fo0@" + RUF_HOST));
        assertThat(r.smtp().headerValues("Auto-Submitted")).containsExactly("auto-generated");
        ContentType type = new ContentType(r.mime().getContentType());
        assertThat(type.getBaseType()).isEqualToIgnoringCase("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("feedback-report");
        assertThat(r.text()).contains(FO0).contains(BAD_IP);

        Map<String, String> f = r.feedback();
        assertThat(f.get("Feedback-Type")).isEqualTo("auth-failure");
        assertThat(f.get("Version")).isEqualTo("1");
        assertThat(f.get("User-Agent")).startsWith("JamesDMARC/");
        assertThat(f.get("Auth-Failure")).isEqualTo("dmarc");
        // RFC 9991 item 2: both aligned identifiers failed (the signature's body hash, SPF from BAD_IP).
        assertThat(f.get("Identity-Alignment")).isEqualTo("dkim, spf");
        assertThat(f.get("Source-IP")).isEqualTo(BAD_IP);
        assertThat(f.get("Reported-Domain")).isEqualTo(FO0);
        assertThat(f.get("Authentication-Results")).startsWith(AUTHSERV_ID + ";").contains("dmarc=fail")
            .contains("header.from=" + FO0);
        assertThat(f.get("Original-Mail-From")).contains(token("mallory@" + FO0) + "@" + FO0)
            .doesNotContain("mallory");
        Instant arrival = ZonedDateTime.parse(f.get("Arrival-Date"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertThat(arrival).isBetween(mainSent.minusSeconds(2), mainSent.plusSeconds(60));
        assertThat(f.get("Delivery-Result")).isEqualTo("reject");
        assertThat(f.get("DKIM-Domain")).isEqualTo(FO0);
        assertThat(f.get("DKIM-Identity")).as("the signature's i=").isEqualTo("@news." + FO0);
        assertThat(f.get("DKIM-Selector")).isEqualTo("sel1");
        assertThat(f.get("SPF-DNS")).as("the SPF record as retrieved").isEqualTo("txt : " + FO0 + " : " + SPF);

        assertThat(new ContentType(r.headersContentType()).getBaseType()).isEqualToIgnoringCase("text/rfc822-headers");
        assertThat(r.headers()).contains("Subject: dmarc e2e ").contains("DKIM-Signature:")
            .doesNotContain("\r\n\r\nHELLO").doesNotContain("HELLO ");
    }

    @Test
    void localPartsAreRedactedWithTheKeyedTokenAndNoRecipientAppears() throws Exception {
        Report r = only("fo0@" + RUF_HOST);
        String mallory = token("mallory@" + FO0) + "@" + FO0;
        assertThat(r.headers()).as("From and Reply-To: the same address, the same token")
            .contains("From: Alice <" + mallory + ">").contains("<" + mallory + ">");
        assertThat(r.feedback().get("Original-Mail-From")).contains(mallory);
        String all = r.smtp().data();
        assertThat(all).doesNotContain("mallory@").doesNotContain(james.user()).doesNotContain(CARBON_COPY)
            .doesNotContain("carol@");
        assertThat(r.headers()).doesNotContainPattern("(?im)^(To|Cc):");
    }

    @Test
    void eachFoValueGivesExactlyTheReportsItsRulesAskFor() {
        assertThat(REPORTS.keySet()).containsExactlyInAnyOrder("fo0@" + RUF_HOST, "fo1@" + RUF_HOST,
            "fod@" + RUF_HOST, "fos@" + RUF_HOST, "flood@" + RUF_HOST);
        assertThat(only("fo0@" + RUF_HOST).feedback().get("Auth-Failure")).isEqualTo("dmarc");
        Report fo1 = only("fo1@" + RUF_HOST);
        assertThat(fo1.feedback().get("Auth-Failure")).as("fo=1: DKIM gave no aligned pass").isEqualTo("dmarc");
        assertThat(fo1.feedback().get("Reported-Domain")).isEqualTo(FO1);
        assertThat(fo1.feedback().get("Delivery-Result")).isEqualTo("delivered");
        assertThat(fo1.feedback().get("Authentication-Results")).contains("dmarc=pass");
        Report fod = only("fod@" + RUF_HOST);
        assertThat(fod.feedback().get("Auth-Failure")).as("fo=d: the failed signature").isEqualTo("signature");
        assertThat(fod.feedback().get("DKIM-Domain")).isEqualTo(FOD);
        assertThat(fod.feedback().get("DKIM-Identity")).as("no i=: @ and d=").isEqualTo("@" + FOD);
        assertThat(fod.feedback().get("DKIM-Selector")).isEqualTo("sel1");
        Report fos = only("fos@" + RUF_HOST);
        assertThat(fos.feedback().get("Auth-Failure")).as("fo=s: SPF failed").isEqualTo("spf");
        assertThat(fos.feedback().get("Source-IP")).isEqualTo(BAD_IP);
        assertThat(fos.feedback().get("SPF-DNS")).isEqualTo("txt : " + FOS + " : " + SPF);
    }

    @Test
    void aFloodOfForgedMailGetsOneReportAndTheRestAreCountedAsRateLimited() {
        assertThat(only("flood@" + RUF_HOST).feedback().get("Reported-Domain")).isEqualTo(FLOOD);
        JsonNode last24h = failureLog.get("last24h");
        assertThat(last24h.path("sent").asLong()).as("%s", failureLog).isEqualTo(5);
        assertThat(last24h.path("rate_limited").asLong()).as("%s", failureLog).isEqualTo(FLOOD_MESSAGES - 1);
        assertThat(last24h.path("unauthorized").asLong()).as("%s", failureLog).isEqualTo(1);
        assertThat(last24h.path("failed").asLong()).as("%s", failureLog).isZero();
    }

    @Test
    void anExternalDestinationWithoutAuthorizationGetsNothing() {
        assertThat(REPORTS).doesNotContainKey("spy@" + NOAUTH_HOST);
        assertThat(FROM_DISABLED).noneSatisfy(m -> assertThat(m.recipients()).contains("spy@" + NOAUTH_HOST));
        assertThat(failureLog.get("last24h").path("unauthorized").asLong()).as("logged: %s", failureLog).isEqualTo(1);
    }

    @Test
    void theReportIsDkimSignedAndPassesOurOwnDmarcCheck() throws Exception {
        Report r = only("fo0@" + RUF_HOST);
        assertThat(r.smtp().headerValues("DKIM-Signature")).singleElement().satisfies(sig -> assertThat(sig)
            .contains("d=" + REPORT_DOMAIN + ";").contains("s=" + REPORT_SELECTOR + ";"));
        Path scratch = Files.createTempDirectory(JamesProcess.repositoryRoot()
            .resolve("james-config-samples/target/james-e2e"), "failure-eval-");
        Path message = scratch.resolve("report.eml");
        Files.writeString(message, r.smtp().data(), StandardCharsets.UTF_8);

        DmarcCommand.Result evaluation = DmarcCommand.runWithoutHome(scratch, "evaluate", "--ip", "127.0.0.1",
            "--helo", r.smtp().helo(), "--mail-from", r.smtp().mailFrom(), "--dns", dns.hostPort(),
            "--message", message.toString(), "--json");

        assertThat(evaluation.exit()).as(evaluation.toString()).isZero();
        assertThat(evaluation.json().get("dmarc").get("result").asText()).as(evaluation.toString()).isEqualTo("pass");
        assertThat(evaluation.json().get("dmarc").get("policyDomain").asText()).isEqualTo(REPORT_DOMAIN);
    }

    @Test
    void theSampleAsShippedSendsNoFailureReport() {
        assertThat(FROM_DISABLED).as("only the probe reached the gateway").singleElement()
            .satisfies(m -> assertThat(m.recipients()).containsExactly("probe@" + RUF_HOST));
        assertThat(disabledLog.get("last24h").size()).as("nothing logged: %s", disabledLog).isZero();
        assertThat(enabledJamesLog).contains("DMARC failure reports enabled");
        assertThat(disabledJamesLog).doesNotContain("DMARC failure reports enabled");
    }
}
