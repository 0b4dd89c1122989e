package org.jamesdmarc.reporting.james;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesdmarc.store.ReportLedger;

/**
 * What {@link DmarcReportDelivered} and {@link DmarcReportBounce} share: both meet report mail after James's
 * outbound path is done with it (RemoteDelivery's {@code onSuccess} or {@code bounceProcessor}), record the outcome in
 * the ledger for each recipient (that Report-ID, that destination), release the report's copy in the outbox (it must
 * not be handed to James again at the next start) and, with {@code consume} set, end the mail there.
 *
 * <p>Mail without {@value MailetContextReportOutbound#REPORT_NAME} passes untouched. It never throws from
 * {@link #service}: a ledger that cannot be written is the subclass's log line, and the outbox copy is released all
 * the same.
 */
abstract class ReportOutcomeMailet extends GenericMailet {

    static final String CONSUME = "consume";

    private final Supplier<ReportLedger> ledger;
    private final ReportOutbox outbox;
    private final Clock clock;
    private boolean consume;

    ReportOutcomeMailet(Supplier<ReportLedger> ledger, ReportOutbox outbox, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code consume}'s value when the parameter is absent. */
    abstract boolean consumeByDefault();

    /**
     * Records the outcome of one destination; true when the ledger had that report handed off to it. Throws what the
     * ledger throws (a database that cannot be reached).
     */
    abstract boolean record(ReportLedger ledger, String reportId, String destination, Mail mail, Instant now);

    /** Logs the outcome of one destination: {@code recorded}, or not recorded ({@code failure} empty: no such row). */
    abstract void log(String reportId, String destination, Mail mail, boolean recorded,
                      Optional<RuntimeException> failure);

    /** Whether a report mail whose destinations were handled ends here ({@code anyRecorded}: a row was updated). */
    boolean ends(boolean consume, boolean anyRecorded) {
        return consume;
    }

    @Override
    public void init() throws MessagingException {
        consume = booleanParameter(getInitParameter(CONSUME), CONSUME, consumeByDefault(), getClass().getSimpleName());
    }

    @Override
    public final void service(Mail mail) {
        Optional<String> reportId;
        try {
            reportId = MailetContextReportOutbound.reportId(mail);
        } catch (RuntimeException e) {
            return;
        }
        if (reportId.isEmpty()) {
            return; // not report mail: untouched
        }
        boolean anyRecorded = false;
        for (MailAddress recipient : mail.getRecipients()) {
            String destination = recipient.asString();
            try {
                boolean recorded = record(ledger.get(), reportId.get(), destination, mail, clock.instant());
                anyRecorded |= recorded;
                log(reportId.get(), destination, mail, recorded, Optional.empty());
            } catch (RuntimeException e) {
                log(reportId.get(), destination, mail, false, Optional.of(e));
            }
            // The outbound path is done with it: not handed to James again at the next start (ReportOutbox).
            outbox.release(reportId.get(), destination);
        }
        if (ends(consume, anyRecorded)) {
            mail.setState(Mail.GHOST);
        }
    }

    /** A {@code true}/{@code false} mailet parameter ({@code value} absent or blank: {@code absent}). */
    static boolean booleanParameter(String value, String name, boolean absent, String mailet)
            throws MessagingException {
        if (value == null || value.isBlank()) {
            return absent;
        } else if (value.strip().equalsIgnoreCase("true") || value.strip().equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value.strip().toLowerCase(Locale.ROOT));
        }
        throw new MessagingException(mailet + " parameter " + name + "='" + value.strip()
                + "': expected true or false");
    }
}
