package org.jamesdmarc.reporting.james;

import java.util.Objects;


import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.jamesdmarc.reporting.delivery.HandOff;
import org.jamesdmarc.reporting.failure.FailureReportMessage;
import org.jamesdmarc.reporting.failure.FailureReportOutbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands failure reports (RFC 9991) to James's mailet context, exactly as {@link MailetContextReportOutbound} does for
 * aggregate reports (both through {@link MarkedReportMail}): one {@link Mail} per report (envelope sender the reporter's address, one recipient the
 * {@code ruf} address, the composed bytes unchanged), state {@code root}, through {@code sendMail(Mail)} so that the
 * marker attribute {@value MailetContextReportOutbound#REPORT_NAME} travels with it. Its value here is
 * {@value #MARKER_PREFIX} and the report's Message-ID: the DMARC check and the history skip marked mail, so a
 * failure report is never itself evaluated, recorded or reported on (RFC 9991 §4.1: no report loops), and the
 * admin's outbound path (DKIM signing, RemoteDelivery) applies. {@link HandOff.Accepted} once the spool took it,
 * {@link HandOff.Failed} otherwise (a failure report is not retried: the next failure will be reported). Never throws.
 */
public final class MailetContextFailureReportOutbound implements FailureReportOutbound {

    private static final Logger LOG = LoggerFactory.getLogger(MailetContextFailureReportOutbound.class);

    /** The start of the marker's value on failure report mail. */
    public static final String MARKER_PREFIX = "failure-report ";

    private final MailetContext context;

    public MailetContextFailureReportOutbound(MailetContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public HandOff handOff(FailureReportMessage message) {
        try {
            return new HandOff.Accepted(MarkedReportMail.send(context, message.envelopeFrom(), message.recipient(),
                    message.content(), MARKER_PREFIX + message.messageId()));
        } catch (Exception | LinkageError e) {
            LOG.warn("DMARC failure report {} to {}: not queued: {}", message.messageId(), message.recipient(),
                    e.toString());
            return new HandOff.Failed("James did not queue the mail: " + e);
        }
    }

    /** The James mail of {@code message}: envelope, MIME message as composed, the marker, state root. */
    static MailImpl toMail(FailureReportMessage message) throws Exception {
        return MarkedReportMail.toMail(message.envelopeFrom(), message.recipient(), message.content(),
                MARKER_PREFIX + message.messageId());
    }
}
