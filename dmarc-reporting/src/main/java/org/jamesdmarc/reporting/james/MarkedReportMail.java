package org.jamesdmarc.reporting.james;

import java.io.ByteArrayInputStream;
import java.util.Objects;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

/**
 * The one way James DMARC's report mail (aggregate and failure reports) enters James: a {@link MailImpl} with the
 * composed bytes unchanged (parsed, not re-encoded), the envelope given, the marker attribute
 * {@value MailetContextReportOutbound#REPORT_NAME}, state {@code root}, queued through
 * {@link MailetContext#sendMail(Mail)} (the overload that keeps attributes; see {@link MailetContextReportOutbound}).
 */
final class MarkedReportMail {

    private MarkedReportMail() {
    }

    /**
     * The James mail of a composed report.
     *
     * @param marker the value of the marker attribute (the Report-ID, or {@code failure-report <Message-ID>})
     */
    static MailImpl toMail(String envelopeFrom, String recipient, byte[] content, String marker) throws Exception {
        return toMail(MailImpl.getId(), envelopeFrom, recipient, content, marker);
    }

    /** The James mail of a composed report, under the mail name {@code name}. */
    static MailImpl toMail(String name, String envelopeFrom, String recipient, byte[] content, String marker)
            throws Exception {
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(content));
        return MailImpl.builder()
                .name(name)
                .sender(new MailAddress(envelopeFrom))
                .addRecipient(new MailAddress(recipient))
                .mimeMessage(mime)
                .addAttribute(new Attribute(MailetContextReportOutbound.REPORT, AttributeValue.of(marker)))
                .state(Mail.DEFAULT)
                .remoteAddr("127.0.0.1")
                .remoteHost("localhost")
                .build();
    }

    /**
     * Builds the mail and queues it into {@code context}, disposing of it afterwards.
     *
     * @return what the spool took, for the hand-off's description
     * @throws Exception when building or queuing the mail failed
     */
    static String send(MailetContext context, String envelopeFrom, String recipient, byte[] content, String marker)
            throws Exception {
        Objects.requireNonNull(context, "context");
        MailImpl mail = toMail(envelopeFrom, recipient, content, marker);
        try {
            context.sendMail(mail);
            return "queued as " + mail.getName() + " into James's " + Mail.DEFAULT + " processor";
        } finally {
            mail.dispose();
        }
    }
}
