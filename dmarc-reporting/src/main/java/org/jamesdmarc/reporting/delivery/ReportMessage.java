package org.jamesdmarc.reporting.delivery;

import java.util.Objects;

import org.jamesdmarc.reporting.aggregate.ReportId;

/**
 * One report message to one destination, ready to hand off.
 *
 * @param envelopeFrom the SMTP MAIL FROM (the reporter's address)
 * @param recipient    the destination address (SMTP RCPT TO)
 * @param reportId     the report's Report-ID
 * @param messageId    the Message-ID field's value without angle brackets (derived from the Report-ID: the same on a
 *                     re-send)
 * @param fileName     the attachment's file name
 * @param content      the whole RFC 5322 message: CRLF line ends, 7-bit, lines of at most 78 characters but those
 *                     holding the attachment's (long) file name, never over 998
 */
public record ReportMessage(String envelopeFrom, String recipient, ReportId reportId, String messageId,
                            String fileName, byte[] content) {
    public ReportMessage {
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(content, "content");
    }
}
