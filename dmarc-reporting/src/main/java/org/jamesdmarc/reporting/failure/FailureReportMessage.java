package org.jamesdmarc.reporting.failure;

import java.util.Objects;

/**
 * One failure report to one destination, ready to hand off.
 *
 * @param envelopeFrom the SMTP MAIL FROM (the reporter's address)
 * @param recipient    the {@code ruf} address (SMTP RCPT TO)
 * @param messageId    the Message-ID field's value without angle brackets
 * @param content      the whole RFC 5322 message, CRLF line ends; 8-bit only where the failed message's header
 *                     section or body was
 */
public record FailureReportMessage(String envelopeFrom, String recipient, String messageId, byte[] content) {
    public FailureReportMessage {
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(content, "content");
    }
}
