package org.jamesdmarc.reporting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.reporting.aggregate.ReportFormat;
import org.jamesdmarc.reporting.aggregate.ReportId;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.junit.jupiter.api.Test;

/** The report email (RFC 9990 "Email"), read back by javax.mail (only this test uses it). */
class ReportMailTest {

    private static final Reporter REPORTER = new Reporter("Exämple \"Receiver\"", "dmarc-reports@mx.example.net",
            Optional.empty(), DomainName.of("mx.example.net"), "test");
    private static final DomainName DOMAIN = DomainName.of("example.com");

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void anRfc5322MessageWithTheGzipAttachmentSubjectAndStableMessageId() throws Exception {
        byte[] gz = gzip("<feedback/>".repeat(500));
        ReportMessage m = ReportMail.compose(REPORTER, DOMAIN, DeliveryFixtures.DAY, ReportFormat.RFC9990,
                "rua@example.com", gz, Instant.parse("2026-12-02T00:30:00Z"));
        String text = new String(m.content(), StandardCharsets.US_ASCII);

        // CRLF only; 7-bit; no line over 998, and over 78 only for the file name parameters.
        assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        for (byte b : m.content()) {
            assertThat(b & 0xff).isLessThan(128);
        }
        for (String line : text.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
            if (!line.contains(m.fileName())) {
                assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
            }
        }

        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m.content()));
        ReportId id = ReportId.of(REPORTER.receiver(), DOMAIN, DeliveryFixtures.DAY);
        assertThat(parsed.getSubject()).isEqualTo("Report Domain: example.com Submitter: mx.example.net Report-ID: <"
                + id.value() + ">");
        assertThat(parsed.getMessageID()).isEqualTo("<" + m.messageId() + ">");
        assertThat(m.messageId()).isEqualTo(ReportMail.messageId(id, "rua@example.com", ReportFormat.RFC9990))
                .startsWith(DeliveryFixtures.DAY.beginSeconds() + "." + DeliveryFixtures.DAY.endSeconds()
                        + ".example.com.").endsWith("@mx.example.net")
                .isNotEqualTo(ReportMail.messageId(id, "other@example.com", ReportFormat.RFC9990))
                .isNotEqualTo(ReportMail.messageId(id, "rua@example.com", ReportFormat.RFC7489));
        assertThat(parsed.getFrom()[0].toString()).contains("dmarc-reports@mx.example.net");
        assertThat(((javax.mail.internet.InternetAddress) parsed.getFrom()[0]).getPersonal())
                .isEqualTo("Exämple \"Receiver\"");
        assertThat(parsed.getRecipients(javax.mail.Message.RecipientType.TO)[0].toString()).isEqualTo("rua@example.com");
        assertThat(parsed.getSentDate()).isEqualTo(java.util.Date.from(Instant.parse("2026-12-02T00:30:00Z")));

        Multipart parts = (Multipart) parsed.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("example.com").contains(id.value());
        Part attachment = parts.getBodyPart(1);
        assertThat(attachment.isMimeType("application/gzip")).isTrue();
        assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(attachment.getFileName()).isEqualTo(m.fileName())
                .isEqualTo("mx.example.net!example.com!" + DeliveryFixtures.DAY.beginSeconds() + "!"
                        + DeliveryFixtures.DAY.endSeconds() + "!" + id.uniqueId() + ".xml.gz")
                .matches("[a-z0-9.-]+![a-z0-9.-]+![0-9]+![0-9]+![a-zA-Z0-9]+\\.xml\\.gz");
        assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(gz);
    }

    @Test
    void theSameReportComposedAgainIsIdenticalButForTheDate() throws Exception {
        byte[] gz = gzip("<feedback/>");
        ReportMessage a = ReportMail.compose(REPORTER, DOMAIN, DeliveryFixtures.DAY, ReportFormat.RFC9990,
                "rua@example.com", gz, Instant.parse("2026-12-02T00:30:00Z"));
        ReportMessage b = ReportMail.compose(REPORTER, DOMAIN, DeliveryFixtures.DAY, ReportFormat.RFC9990,
                "rua@example.com", gz, Instant.parse("2026-12-02T00:30:00Z"));
        assertThat(a.content()).isEqualTo(b.content());
    }

    @Test
    void dotStuffingAndBareLineEndsOnTheWire() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SmtpReportOutbound.writeData(out, ".a\r\n..b\nc\r.\r\nd".getBytes(StandardCharsets.US_ASCII));
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("..a\r\n...b\r\nc\r\n..\r\nd\r\n.\r\n");
    }

    @Test
    void destinationsWithSizeLimitsAndJunk() {
        assertThat(ReportDestination.parse("mailto:rua@Example.COM!10m")).hasValueSatisfying(d -> {
            assertThat(d.address()).isEqualTo("rua@example.com");
            assertThat(d.sizeLimit()).hasValue(10L << 20);
        });
        assertThat(ReportDestination.parse("mailto:a%2Bb@example.com?subject=x")).hasValueSatisfying(d ->
                assertThat(d.address()).isEqualTo("a+b@example.com"));
        assertThat(ReportDestination.parse("https://example.com/r")).isEmpty();
        assertThat(ReportDestination.parse("mailto:a@example.com!10x")).isEmpty();
        assertThat(ReportDestination.parse("mailto:a%0d%0aRCPT%20TO:<x>@example.com")).isEmpty();
        assertThat(ReportDestination.parse("mailto:@example.com")).isEmpty();
    }
}
