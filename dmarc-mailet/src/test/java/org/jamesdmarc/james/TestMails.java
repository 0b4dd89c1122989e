package org.jamesdmarc.james;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

/** Messages for the adapter tests. */
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

    private TestMails() {
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
