package org.jamesdmarc.reporting.james;

import java.util.Objects;


import org.apache.james.core.MailAddress;
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
 * <p><b>Kept before it is handed over.</b> The mail is named {@link ReportOutbox#key} (Report-ID and destination)
 * and, when {@code report.outbox} is set, stored in that repository <em>before</em> {@code sendMail}: a James whose
 * queues are in memory hands it over again after a crash ({@link ReportOutbox}). A mail that cannot be stored there is
 * not handed over.
 *
 * <p>{@link HandOff.Accepted} once the spool queue took the mail (it is then James's: a durable queue, or the
 * outbox, keeps it over a restart); {@link HandOff.Deferred} when building, keeping or enqueuing it failed (retried
 * later with backoff by the run). Never throws.
 */
public final class MailetContextReportOutbound implements ReportOutbound {

    private static final Logger LOG = LoggerFactory.getLogger(MailetContextReportOutbound.class);

    /** The marker attribute's name; the same as the core's {@code DmarcAttributes.REPORT} (not imported here). */
    public static final String REPORT_NAME = "org.jamesdmarc.report";
    /** The marker attribute: a string, the Report-ID of the report the mail carries. */
    public static final AttributeName REPORT = AttributeName.of(REPORT_NAME);

    private final MailetContext context;
    private final ReportOutbox outbox;

    /** Without an outbox: what James's queues keep is all there is. */
    public MailetContextReportOutbound(MailetContext context) {
        this(context, ReportOutbox.none());
    }

    public MailetContextReportOutbound(MailetContext context, ReportOutbox outbox) {
        this.context = Objects.requireNonNull(context, "context");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public HandOff handOff(ReportMessage message) {
        MailImpl mail = null;
        try {
            mail = toMail(message);
            try {
                outbox.keep(mail);
            } catch (Exception | LinkageError e) {
                LOG.warn("DMARC report {} to {}: not kept in the outbox {}, not queued: {}",
                        message.reportId().value(), message.recipient(), outbox.describe(), e.toString());
                return new HandOff.Deferred("could not keep it in the outbox " + outbox.describe() + ": " + e);
            }
            context.sendMail(mail);
            return new HandOff.Accepted("queued as " + mail.getName() + " into James's " + Mail.DEFAULT
                    + " processor");
        } catch (Exception | LinkageError e) {
            LOG.warn("DMARC report {} to {}: not queued: {}", message.reportId().value(), message.recipient(),
                    e.toString());
            return new HandOff.Deferred("James did not queue the mail: " + e);
        } finally {
            if (mail != null) {
                mail.dispose();
            }
        }
    }

    /**
     * The James mail of {@code message}: named {@link ReportOutbox#key}, envelope, MIME message as composed, the marker
     * attribute, state root.
     */
    static MailImpl toMail(ReportMessage message) throws Exception {
        return MarkedReportMail.toMail(
                ReportOutbox.key(message.reportId().value(), new MailAddress(message.recipient()).asString()),
                message.envelopeFrom(), message.recipient(), message.content(), message.reportId().value());
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
