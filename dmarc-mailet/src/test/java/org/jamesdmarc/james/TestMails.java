package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.FailedMessage;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DmarcResult;

/**
 * Messages for the adapter tests, and what the adapters must make of {@link #RAW} sent by {@value #CLIENT} (HELO
 * {@code helo.example.net}, MAIL FROM {@code bounce@bounce.example.net}, RCPT TO {@code bob@example.org}).
 */
final class TestMails {

    static final String RAW = "Received: from mail.example.net (mail.example.net [192.0.2.1])\r\n"
            + "\tby mx.example.org with ESMTP id 1; Mon, 2 Mar 2026 10:00:00 +0000\r\n"
            + "Authentication-Results: mx.example.org; dmarc=pass header.from=example.com\r\n"
            + "Authentication-Results: upstream.example.net; spf=pass smtp.mailfrom=example.com\r\n"
            + "Authentication-Results: MX.EXAMPLE.ORG; dkim=pass header.d=example.com\r\n"
            + "From: Alice <alice@example.com>\r\n"
            + "To: bob@example.org\r\n"
            + "Subject: hello\r\n"
            + "Date: Mon, 2 Mar 2026 09:59:58 +0000\r\n"
            + "Message-ID: <1@example.com>\r\n"
            + "\r\n"
            + "Hello Bob.\r\n";

    /** The client the tests' mail comes from. */
    static final String CLIENT = "192.0.2.1";

    private TestMails() {
    }

    /** {@code ctx} is what the check is asked about {@link #RAW} from {@link #CLIENT}. */
    static void assertContextOfRaw(MessageContext ctx) throws Exception {
        assertThat(ctx.clientAddress()).isEqualTo(InetAddress.getByName(CLIENT));
        assertThat(ctx.helo()).isEqualTo("helo.example.net");
        assertThat(ctx.mailFrom()).contains("bounce@bounce.example.net");
        assertThat(new String(ctx.message(), StandardCharsets.US_ASCII)).isEqualTo(RAW);
    }

    /** {@code r} records {@link #RAW} failing DMARC: its domains (RFC 9990 identifiers) and the result. */
    static void assertFailingRecordOfRaw(EvaluationRecord r) {
        assertThat(r.headerFrom()).contains(DomainName.of("example.com"));
        assertThat(r.envelopeFrom()).contains(DomainName.of("bounce.example.net"));
        assertThat(r.envelopeTo()).containsExactly(DomainName.of("example.org"));
        assertThat(r.policyDomain()).contains(DomainName.of("example.com"));
        assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
    }

    /** {@code m} offers {@link #RAW} for a failure report to {@code mailto:ruf@example.com}. */
    static void assertFailedRawForRuf(FailedMessage m) {
        assertThat(m.mailFrom()).contains("bounce@bounce.example.net");
        assertThat(new String(m.message(), StandardCharsets.US_ASCII)).isEqualTo(RAW);
        assertThat(m.decision().destinations()).extracting(org.jamesdmarc.policy.ReportUri::uri)
                .containsExactly("mailto:ruf@example.com");
    }

    static MimeMessage message() throws Exception {
        return new MimeMessage(Session.getDefaultInstance(new Properties()),
                new ByteArrayInputStream(RAW.getBytes(StandardCharsets.US_ASCII)));
    }

    static List<String> headerLines(MimeMessage message) throws Exception {
        return Collections.list(message.getAllHeaderLines());
    }

    static String written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
