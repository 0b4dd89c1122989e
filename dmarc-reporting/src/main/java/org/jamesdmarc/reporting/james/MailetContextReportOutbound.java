package org.jamesdmarc.reporting.james;

import java.util.Objects;


import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.jamesdmarc.reporting.delivery.HandOff;
import org.jamesdmarc.reporting.delivery.ReportMessage;
import org.jamesdmarc.reporting.delivery.ReportOutbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands aggregate report messages to James's mailet context ({@link MarkedReportMail}, shared with the failure
 * reports' {@link MailetContextFailureReportOutbound}), so the admin's outbound path applies to them (DKIM
 * signing with {@code DKIMSign}, {@code RemoteDelivery} and its {@code bounceProcessor}).
 *
 * <p>Each {@link ReportMessage} becomes one James {@link Mail}: the envelope sender is the report's
 * {@code report.email}, the one recipient its destination, the message the MIME bytes {@code ReportMail} composed,
 * unchanged (parsed, not re-encoded: Message-ID and every header field stay as composed), and the mail carries the
 * attribute {@value #REPORT_NAME} with the Report-ID as a string. That attribute marks report mail: the core's
 * {@code DmarcCheck} skips it, {@link DmarcHistory} records nothing for it (report mail never enters the history, so
 * no report is ever about report mail) and {@link DmarcReportBounce} records its bounces against the report. No SMTP
 * client can set a mail attribute.
 *
 * <p><b>Which {@code sendMail}.</b> Checked in James 3.8.1's {@code JamesMailetContext}: {@code sendMail(Mail)}
 * enqueues the given mail itself into the spool queue (adding {@code Mail.SENT_BY_MAILET_ATTRIBUTE}) in the state
 * the mail has, {@code root} ({@code Mail.DEFAULT}) when it has none, so its attributes travel with it. The overloads
 * taking a sender, recipients and a {@code MimeMessage} build a new {@code MailImpl} without attributes: the marker
 * would be lost. This class therefore builds a {@code MailImpl} with the attribute and state {@code root} and calls
 * {@code sendMail(Mail)}: report mail enters the {@code root} processor like any mail James sends itself (the
 * sample's {@code SentByMailet} matchers see it as such too).
 *
 * <p>{@link HandOff.Accepted} once the spool queue took the mail (it is then James's: a durable queue keeps it over
 * a restart); {@link HandOff.Deferred} when building or enqueuing it failed (retried later with backoff by the
 * run). Never throws.
 */
public final class MailetContextReportOutbound implements ReportOutbound {

    private static final Logger LOG = LoggerFactory.getLogger(MailetContextReportOutbound.class);

    /** The marker attribute's name; the same as the core's {@code DmarcAttributes.REPORT} (not imported here). */
    public static final String REPORT_NAME = "org.jamesdmarc.report";
    /** The marker attribute: a string, the Report-ID of the report the mail carries. */
    public static final AttributeName REPORT = AttributeName.of(REPORT_NAME);

    private final MailetContext context;

    public MailetContextReportOutbound(MailetContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public HandOff handOff(ReportMessage message) {
        try {
            return new HandOff.Accepted(MarkedReportMail.send(context, message.envelopeFrom(), message.recipient(),
                    message.content(), message.reportId().value()));
        } catch (Exception | LinkageError e) {
            LOG.warn("DMARC report {} to {}: not queued: {}", message.reportId().value(), message.recipient(),
                    e.toString());
            return new HandOff.Deferred("James did not queue the mail: " + e);
        }
    }

    /** The James mail of {@code message}: envelope, MIME message as composed, the marker attribute, state root. */
    static MailImpl toMail(ReportMessage message) throws Exception {
        return MarkedReportMail.toMail(message.envelopeFrom(), message.recipient(), message.content(),
                message.reportId().value());
    }

    /** Whether {@code mail} is report mail this class sent. */
    static boolean isReportMail(Mail mail) {
        return mail.getAttribute(REPORT).isPresent();
    }

    /** The Report-ID the marker of {@code mail} holds, if it holds a string. */
    static java.util.Optional<String> reportId(Mail mail) {
        return mail.getAttribute(REPORT).map(a -> a.getValue().value()).filter(String.class::isInstance)
                .map(String.class::cast);
    }
}
