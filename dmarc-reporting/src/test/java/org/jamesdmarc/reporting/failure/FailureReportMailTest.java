package org.jamesdmarc.reporting.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.FailureReportType;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.junit.jupiter.api.Test;

/** Failure reports read back with mime4j, field by field; what is dropped, redacted and kept. */
class FailureReportMailTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final LocalPartRedactor REDACTOR = LocalPartRedactor.withSecret(SECRET);
    private static final Reporter REPORTER = new Reporter("Receiver Org", "dmarc-noreply@receiver.example",
            Optional.empty(), DomainName.of("receiver.example"), "test");
    private static final Instant ARRIVAL = Instant.parse("2026-12-01T10:15:30Z");
    private static final Instant NOW = Instant.parse("2026-12-01T10:15:31Z");

    private static final String ORIGINAL = String.join("\r\n",
            "Received: from mx.sender.example (mx.sender.example [192.0.2.2])",
            "\tby mx.receiver.example with ESMTP id 42",
            "\tfor <alice@receiver.example>; Tue, 1 Dec 2026 10:15:30 +0000",
            "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel1; i=news@example.com;",
            " h=From:To:Subject; bh=abc=; b=def=",
            "From: \"Mallory\" <ceo@example.com>",
            "Reply-To: ceo@example.com",
            "To: Alice <alice@receiver.example>, bob@receiver.example",
            "Cc: carol@other.example",
            "Delivered-To: alice@receiver.example",
            "Subject: Urgent wire transfer",
            "Message-ID: <abc.123@mx.sender.example>",
            "Date: Tue, 1 Dec 2026 10:15:29 +0000",
            "MIME-Version: 1.0",
            "Content-Type: text/plain",
            "",
            "Please pay alice@receiver.example now.",
            "");

    private static FailureReport report(FailureReportType type, byte[] message) {
        return new FailureReport(type, DomainName.of("example.com"), address("192.0.2.2"), ARRIVAL,
                Optional.of("bounce+x@mx.sender.example"),
                "mx.receiver.example;\r\n dkim=fail header.d=example.com header.s=sel1;\r\n"
                        + " spf=fail smtp.mailfrom=example.com;\r\n dmarc=fail header.from=example.com",
                "dkim, spf",
                Optional.of(new DkimOutcome(DkimResult.FAIL, DomainName.of("example.com"), "sel1", "bad")),
                Optional.of(new SpfOutcome(SpfResult.FAIL, DomainName.parse("example.com"), SpfScope.MFROM)),
                Optional.of("v=spf1 ip4:198.51.100.0/24 -all"), Optional.of(DeliveryResult.REJECT), message);
    }

    private static FailureReport report() {
        return report(FailureReportType.DMARC, ORIGINAL.getBytes(StandardCharsets.UTF_8));
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Message parse(byte[] content) throws IOException {
        DefaultMessageBuilder b = new DefaultMessageBuilder();
        b.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        return b.parseMessage(new ByteArrayInputStream(content));
    }

    private static String text(Body body) throws IOException {
        try (InputStream in = ((SingleBody) body).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The fields of a header section (or a message/feedback-report body) in order, values unfolded. */
    private static Map<String, List<String>> fields(String section) throws IOException {
        Message m = parse((section + "\r\n").getBytes(StandardCharsets.UTF_8));
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Field f : m.getHeader().getFields()) {
            out.computeIfAbsent(f.getName(), k -> new java.util.ArrayList<>())
                    .add(f.getBody().replaceAll("\\r\\n", "").strip());
        }
        return out;
    }

    private static FailureReportMessage compose(FailureReport r, FailureReportOptions options) {
        return FailureReportMail.compose(REPORTER, r, "ruf@example.com", options, REDACTOR, NOW);
    }

    private static final FailureReportOptions DEFAULTS = new FailureReportOptions(AttachedContent.HEADERS, true,
            "JamesDMARC/test");

    @Test
    void a_dmarc_report_has_every_arf_field() throws IOException {
        FailureReportMessage sent = compose(report(), DEFAULTS);
        assertThat(sent.envelopeFrom()).isEqualTo("dmarc-noreply@receiver.example");
        assertThat(sent.recipient()).isEqualTo("ruf@example.com");
        Message m = parse(sent.content());
        assertThat(m.getMimeType()).isEqualTo("multipart/report");
        assertThat(m.getHeader().getField("Content-Type").getBody()).contains("report-type=feedback-report");
        assertThat(m.getSubject()).isEqualTo("DMARC failure report for example.com (dmarc)");
        assertThat(m.getFrom().get(0).getAddress()).isEqualTo("dmarc-noreply@receiver.example");
        assertThat(m.getTo().toString()).contains("ruf@example.com");
        assertThat(m.getMessageId()).isEqualTo("<" + sent.messageId() + ">");
        assertThat(sent.messageId()).endsWith("@receiver.example");
        assertThat(m.getHeader().getField("Auto-Submitted").getBody()).isEqualTo("auto-generated");

        List<Entity> parts = ((Multipart) m.getBody()).getBodyParts();
        assertThat(parts).extracting(Entity::getMimeType)
                .containsExactly("text/plain", "message/feedback-report", "text/rfc822-headers");
        assertThat(text(parts.get(0).getBody())).contains("example.com").contains("192.0.2.2")
                .doesNotContain("Urgent").doesNotContain("alice");

        Map<String, List<String>> arf = fields(text(parts.get(1).getBody()));
        assertThat(arf.get("Feedback-Type")).containsExactly("auth-failure");
        assertThat(arf.get("Version")).containsExactly("1");
        assertThat(arf.get("User-Agent")).containsExactly("JamesDMARC/test");
        assertThat(arf.get("Auth-Failure")).containsExactly("dmarc");
        assertThat(arf.get("Identity-Alignment")).containsExactly("dkim, spf");
        assertThat(arf.get("Source-IP")).containsExactly("192.0.2.2");
        assertThat(arf.get("Reported-Domain")).containsExactly("example.com");
        assertThat(arf.get("Authentication-Results")).singleElement().asString()
                .startsWith("mx.receiver.example;").contains("dmarc=fail header.from=example.com");
        String token = REDACTOR.token("bounce+x", "mx.sender.example");
        assertThat(arf.get("Original-Mail-From")).containsExactly("<" + token + "@mx.sender.example>");
        assertThat(arf.get("Arrival-Date")).containsExactly("Tue, 1 Dec 2026 10:15:30 +0000");
        assertThat(arf.get("Delivery-Result")).containsExactly("reject");
        assertThat(arf.get("DKIM-Domain")).containsExactly("example.com");
        assertThat(arf.get("DKIM-Identity")).containsExactly("@example.com");
        assertThat(arf.get("DKIM-Selector")).containsExactly("sel1");
        assertThat(arf.get("SPF-DNS")).containsExactly("txt : example.com : v=spf1 ip4:198.51.100.0/24 -all");
        assertThat(arf.keySet()).containsExactly("Feedback-Type", "Version", "User-Agent", "Auth-Failure",
                "Identity-Alignment", "Source-IP", "Reported-Domain", "Authentication-Results", "Original-Mail-From",
                "Arrival-Date", "Delivery-Result", "DKIM-Domain", "DKIM-Identity", "DKIM-Selector", "SPF-DNS");
    }

    @Test
    void the_header_section_drops_recipients_and_redacts_every_local_part() throws IOException {
        Message m = parse(compose(report(), DEFAULTS).content());
        String headers = text(((Multipart) m.getBody()).getBodyParts().get(2).getBody());
        Map<String, List<String>> f = fields(headers);
        assertThat(f.keySet()).containsExactly("Received", "DKIM-Signature", "From", "Reply-To", "Subject",
                "Message-ID", "Date", "MIME-Version", "Content-Type");
        String ceo = REDACTOR.token("ceo", "example.com");
        assertThat(f.get("From")).containsExactly("\"Mallory\" <" + ceo + "@example.com>");
        assertThat(f.get("Reply-To")).containsExactly(ceo + "@example.com");
        assertThat(f.get("Received").get(0)).contains("for <" + REDACTOR.token("alice", "receiver.example")
                + "@receiver.example>").contains("mx.sender.example [192.0.2.2]");
        assertThat(f.get("DKIM-Signature").get(0)).contains("d=example.com").contains("s=sel1")
                .contains("i=" + REDACTOR.token("news", "example.com") + "@example.com;");
        assertThat(f.get("Message-ID")).containsExactly("<abc.123@mx.sender.example>");
        assertThat(f.get("Subject")).containsExactly("Urgent wire transfer");
        assertThat(headers).doesNotContain("alice").doesNotContain("bob").doesNotContain("carol")
                .doesNotContain("ceo@").doesNotContain("news@").doesNotContain("Please pay");
    }

    @Test
    void the_same_address_gives_the_same_token_and_another_secret_another() {
        assertThat(REDACTOR.token("Alice", "Example.com")).isEqualTo(REDACTOR.token("alice", "example.com"))
                .matches("[0-9a-f]{16}");
        assertThat(REDACTOR.token("alice", "example.com")).isNotEqualTo(REDACTOR.token("alice", "example.net"));
        LocalPartRedactor other = LocalPartRedactor.withSecret(LocalPartRedactor.generateSecret());
        assertThat(other.token("alice", "example.com")).isNotEqualTo(REDACTOR.token("alice", "example.com"));
        assertThatThrownBy(() -> LocalPartRedactor.withSecret(new byte[15])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_redactor_finds_quoted_and_unicode_local_parts_and_leaves_identifiers() {
        assertThat(REDACTOR.redact("\"john smith\"@example.com, jöhn@例え.jp"))
                .isEqualTo(REDACTOR.token("\"john smith\"", "example.com") + "@example.com, "
                        + REDACTOR.token("jöhn", "例え.jp") + "@例え.jp");
        assertThat(REDACTOR.redact("no address here; a @ b")).isEqualTo("no address here; a @ b");
    }

    @Test
    void without_sender_redaction_the_sender_is_clear_and_recipients_still_hidden() throws IOException {
        FailureReportMessage sent = compose(report(), new FailureReportOptions(AttachedContent.HEADERS, false, "x/1"));
        Message m = parse(sent.content());
        List<Entity> parts = ((Multipart) m.getBody()).getBodyParts();
        assertThat(fields(text(parts.get(1).getBody())).get("Original-Mail-From"))
                .containsExactly("<bounce+x@mx.sender.example>");
        Map<String, List<String>> f = fields(text(parts.get(2).getBody()));
        assertThat(f.get("From")).containsExactly("\"Mallory\" <ceo@example.com>");
        assertThat(f.get("Received").get(0)).doesNotContain("alice");
        assertThat(f).doesNotContainKeys("To", "Cc", "Delivered-To");
    }

    @Test
    void the_whole_message_when_configured() throws IOException {
        FailureReportMessage sent = compose(report(), new FailureReportOptions(AttachedContent.MESSAGE, true, "x/1"));
        Message m = parse(sent.content());
        Entity part = ((Multipart) m.getBody()).getBodyParts().get(2);
        assertThat(part.getMimeType()).isEqualTo("message/rfc822");
        Message inner = (Message) part.getBody();
        assertThat(inner.getSubject()).isEqualTo("Urgent wire transfer");
        assertThat(inner.getTo()).isNull();
        assertThat(text(inner.getBody())).contains("Please pay alice@receiver.example now.");
    }

    @Test
    void a_dkim_report_and_the_null_reverse_path() throws IOException {
        FailureReport r = report(FailureReportType.DKIM, ORIGINAL.getBytes(StandardCharsets.UTF_8));
        r = new FailureReport(r.type(), r.reportedDomain(), address("2001:db8::25"), r.arrivalDate(), Optional.empty(),
                r.authenticationResults(), "none", r.dkim(), Optional.empty(), Optional.empty(), Optional.empty(),
                r.message());
        Message m = parse(compose(r, DEFAULTS).content());
        assertThat(m.getSubject()).isEqualTo("DMARC failure report for example.com (signature)");
        Map<String, List<String>> arf = fields(text(((Multipart) m.getBody()).getBodyParts().get(1).getBody()));
        assertThat(arf.get("Auth-Failure")).containsExactly("signature");
        assertThat(arf.get("Identity-Alignment")).containsExactly("none");
        assertThat(arf.get("Source-IP")).containsExactly("2001:db8:0:0:0:0:0:25");
        assertThat(arf.get("Original-Mail-From")).containsExactly("<>");
        assertThat(arf).doesNotContainKeys("SPF-DNS", "Delivery-Result");
        assertThat(arf.get("DKIM-Selector")).containsExactly("sel1");
    }

    @Test
    void dkim_identity_is_the_signatures_i_with_its_local_part_redacted_like_the_senders() throws IOException {
        FailureReport r = report();
        DkimOutcome signedAsBob = new DkimOutcome(DkimResult.FAIL, Optional.of(DomainName.of("example.com")), "sel1",
                "bad", Optional.of("bob@news.example.com"));
        r = new FailureReport(r.type(), r.reportedDomain(), r.sourceIp(), r.arrivalDate(), r.originalMailFrom(),
                r.authenticationResults(), r.identityAlignment(), Optional.of(signedAsBob), r.spf(), r.spfRecord(),
                r.deliveryResult(), r.message());
        Map<String, List<String>> redacted = fields(text(((Multipart) parse(compose(r, DEFAULTS).content()).getBody())
                .getBodyParts().get(1).getBody()));
        assertThat(redacted.get("DKIM-Identity")).containsExactly(REDACTOR.token("bob", "news.example.com")
                + "@news.example.com");
        Map<String, List<String>> clear = fields(text(((Multipart) parse(compose(r,
                new FailureReportOptions(AttachedContent.HEADERS, false, "x/1")).content()).getBody())
                .getBodyParts().get(1).getBody()));
        assertThat(clear.get("DKIM-Identity")).containsExactly("bob@news.example.com");

        DkimOutcome domainOnly = new DkimOutcome(DkimResult.FAIL, Optional.of(DomainName.of("example.com")), "sel1",
                "bad", Optional.of("@news.example.com"));
        r = new FailureReport(r.type(), r.reportedDomain(), r.sourceIp(), r.arrivalDate(), r.originalMailFrom(),
                r.authenticationResults(), r.identityAlignment(), Optional.of(domainOnly), r.spf(), r.spfRecord(),
                r.deliveryResult(), r.message());
        assertThat(fields(text(((Multipart) parse(compose(r, DEFAULTS).content()).getBody()).getBodyParts().get(1)
                .getBody())).get("DKIM-Identity")).containsExactly("@news.example.com");
    }

    @Test
    void hostile_headers_cannot_break_out_of_their_part() throws IOException {
        String hostile = "From: a@example.com\r\nSubject: x\rX-Injected: 1\r\n"
                + "X-Long: y\n --=_dmarc_failure_\r\n\r\nbody\r\n";
        FailureReport r = report(FailureReportType.DMARC, hostile.getBytes(StandardCharsets.UTF_8));
        r = new FailureReport(r.type(), r.reportedDomain(), r.sourceIp(), r.arrivalDate(),
                Optional.of("evil\r\nX-Evil: 1@example.com"), "mx.receiver.example;\r\nX-Evil: 2\r\n dmarc=fail",
                r.identityAlignment(), r.dkim(), r.spf(), Optional.of("v=spf1\r\nX-Evil: 3"), r.deliveryResult(),
                r.message());
        FailureReportMessage sent = compose(r, DEFAULTS);
        Message m = parse(sent.content());
        List<Entity> parts = ((Multipart) m.getBody()).getBodyParts();
        assertThat(parts).hasSize(3);
        Map<String, List<String>> arf = fields(text(parts.get(1).getBody()));
        assertThat(arf).doesNotContainKey("X-Evil");
        Map<String, List<String>> f = fields(text(parts.get(2).getBody()));
        // A bare CR ends a field for James (javax.mail) and HeaderSection alike: reported as the fields James saw.
        assertThat(f.keySet()).containsExactly("From", "Subject", "X-Injected", "X-Long");
        assertThat(f.get("Subject")).containsExactly("x");
        String raw = new String(sent.content(), StandardCharsets.UTF_8);
        assertThat(raw.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    }

    @Test
    void reporter_and_destination_addresses_are_checked() {
        assertThatThrownBy(() -> FailureReportMail.compose(REPORTER, report(), "ruf@example.com>\r\nBcc: x@y",
                DEFAULTS, REDACTOR, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FailureReport(FailureReportType.DMARC, DomainName.of("example.com"),
                address("192.0.2.2"), ARRIVAL, Optional.empty(), "x", "dkim, dkim", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lines_end_in_crlf_and_the_default_report_is_7bit() {
        byte[] content = compose(report(), DEFAULTS).content();
        String s = new String(content, StandardCharsets.US_ASCII);
        assertThat(s.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
        assertThat(s.chars().allMatch(c -> c < 0x80)).isTrue();
        assertThat(s.lines().collect(Collectors.toList())).allMatch(l -> l.length() <= 998);
    }
}
