package org.jamesdmarc.reporting.delivery;

/**
 * Where a report message goes: the outbound path. {@code dmarc report send} hands it to an SMTP server
 * ({@link SmtpReportOutbound}); inside James the scheduled task hands it to the mailet context
 * ({@code MailetContext.sendMail}), so the admin's outbound path (DKIM signing, RemoteDelivery, its bounce
 * processor) applies. The James implementation must mark the mail it sends (a mail attribute, which no remote
 * sender can set) so that the DMARC check and the history skip it: report mail never appears in the history,
 * so no report is ever about report mail.
 *
 * <p>Called by one thread at a time. Must not throw for a delivery problem: it answers with a {@link HandOff}.
 */
public interface ReportOutbound {

    /** Hands {@code message} over; the answer decides the ledger's state. */
    HandOff handOff(ReportMessage message);
}
