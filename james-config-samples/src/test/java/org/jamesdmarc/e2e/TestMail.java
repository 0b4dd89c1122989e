package org.jamesdmarc.e2e;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

/** Raw test messages carrying a unique {@code X-Test-Token}, and reading back their DMARC header fields. */
final class TestMail {
    static final String TOKEN_HEADER = "X-Test-Token";

    private TestMail() {
    }

    static String token() {
        return UUID.randomUUID().toString();
    }

    /**
     * A CRLF message from {@code from} to {@code to}, subject {@code "dmarc e2e <token>"}, with
     * {@code extraHeaders} (complete fields, no CRLF) on top.
     */
    static byte[] message(String from, String to, String token, List<String> extraHeaders) {
        String domain = domainOf(from);
        StringBuilder sb = new StringBuilder();
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        sb.append("From: Alice <").append(from).append(">\r\n")
            .append("To: ").append(to).append("\r\n")
            .append("Subject: dmarc e2e ").append(token).append("\r\n")
            .append("Date: Wed, 25 Nov 2026 12:00:00 +0000\r\n")
            .append("Message-ID: <").append(token).append('@').append(domain).append(">\r\n")
            .append(TOKEN_HEADER).append(": ").append(token).append("\r\n")
            .append("\r\n")
            .append("hello ").append(token).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String domainOf(String address) {
        return address.substring(address.indexOf('@') + 1);
    }

    /** Every Authentication-Results field, unfolded. */
    static List<String> authResults(MimeMessage m) throws MessagingException {
        String[] values = m.getHeader("Authentication-Results");
        if (values == null) {
            return List.of();
        }
        return Arrays.stream(values).map(v -> MimeUtility.unfold(v).strip()).toList();
    }

    /** The Authentication-Results fields whose authserv-id is {@code authservId}. */
    static List<String> authResults(MimeMessage m, String authservId) throws MessagingException {
        return authResults(m).stream().filter(v -> v.startsWith(authservId + ";")).toList();
    }
}
