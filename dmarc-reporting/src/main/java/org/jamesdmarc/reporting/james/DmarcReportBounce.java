package org.jamesdmarc.reporting.james;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.jamesdmarc.store.ReportLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the delivery failures of aggregate report mail against the report: put it first in the processor that
 * {@code RemoteDelivery}'s {@code bounceProcessor} names. For a mail carrying {@value
 * MailetContextReportOutbound#REPORT_NAME} (set by {@link MailetContextReportOutbound} on every report it hands to
 * James), each recipient's ledger row (that Report-ID, that destination) becomes {@code failed}, with the reason
 * {@code RemoteDelivery} gave, and is never retried ({@code dmarc report status} shows it); the report's copy in the
 * outbox ({@code report.outbox}, {@link ReportOutbox}) is removed. Any other mail passes untouched.
 *
 * <p><b>The reason.</b> James 3.8.1's {@code RemoteDelivery} (its {@code Bouncer}), when it gives up on a mail and a
 * {@code bounceProcessor} is configured, sets the mail attributes {@value #DELIVERY_ERROR_NAME} (a string: the
 * error message) and, when the remote server answered with a code, {@value #DELIVERY_ERROR_CODE_NAME} (an
 * integer), then sends the same mail, attributes kept, to that processor. The recorded reason is
 * {@code RemoteDelivery: [<code> ]<delivery-error>}.
 *
 * <p>It never throws and never changes the mail, except that with {@code consume} set to {@code true} a report mail
 * whose failure was recorded is ended there (state {@code ghost}: no bounce message to {@code report.email}, nothing
 * stored). A database that cannot be reached is logged (the report stays {@code handed_off}). A recipient with no
 * ledger row (the report went to the mailbox an external destination's authorization record named instead) is
 * logged.
 *
 * <table>
 * <caption>DmarcReportBounce parameters</caption>
 * <tr><th>parameter</th><th>value</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code consume}</td><td>{@code true} or {@code false}</td><td>{@code false}</td><td>end report mail here
 *     once its failure is recorded; other mail always goes on</td></tr>
 * </table>
 *
 * <p>Example ({@code mailetcontainer.xml}; {@code DmarcHistoryModule} listed in {@code extensions.properties}, the
 * database is the history's):
 *
 * <pre>{@code
 * <processor state="relay" enableJmx="true">
 *   <mailet match="All" class="RemoteDelivery">
 *     <outgoing>outgoing</outgoing>  <!-- a mail queue's name: durable as the server's mail queues are -->
 *     <bounceProcessor>bounces</bounceProcessor>
 *     ...
 *   </mailet>
 * </processor>
 * <processor state="bounces" enableJmx="true">
 *   <mailet match="All" class="org.jamesdmarc.reporting.james.DmarcReportBounce">
 *     <consume>true</consume>
 *   </mailet>
 *   <mailet match="All" class="DSNBounce">
 *     <passThrough>false</passThrough>
 *   </mailet>
 * </processor>
 * }</pre>
 */
public final class DmarcReportBounce extends ReportOutcomeMailet {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcReportBounce.class);

    static final String DELIVERY_ERROR_NAME = "delivery-error";
    static final String DELIVERY_ERROR_CODE_NAME = "delivery-error-code";
    /** Set by James 3.8.1's RemoteDelivery ({@code Bouncer.DELIVERY_ERROR}). */
    static final AttributeName DELIVERY_ERROR = AttributeName.of(DELIVERY_ERROR_NAME);
    /** Set by James 3.8.1's RemoteDelivery when the server answered with a code ({@code Bouncer.DELIVERY_ERROR_CODE}). */
    static final AttributeName DELIVERY_ERROR_CODE = AttributeName.of(DELIVERY_ERROR_CODE_NAME);

    @Inject
    public DmarcReportBounce(ReportDatabase database, ReportOutbox outbox) {
        this(() -> new ReportLedger(database.store()), outbox, Clock.systemUTC());
    }

    DmarcReportBounce(Supplier<ReportLedger> ledger, Clock clock) {
        this(ledger, ReportOutbox.none(), clock);
    }

    DmarcReportBounce(Supplier<ReportLedger> ledger, ReportOutbox outbox, Clock clock) {
        super(ledger, outbox, clock);
    }

    @Override
    boolean consumeByDefault() {
        return false;
    }

    /** Only a bounce whose failure was recorded ends here: otherwise the bounce goes on to whoever is told. */
    @Override
    boolean ends(boolean consume, boolean anyRecorded) {
        return consume && anyRecorded;
    }

    @Override
    boolean record(ReportLedger ledger, String reportId, String destination, Mail mail, Instant now) {
        return ledger.failedAfterHandOff(reportId, destination, reason(mail), now);
    }

    @Override
    void log(String reportId, String destination, Mail mail, boolean recorded, Optional<RuntimeException> failure) {
        String reason = reason(mail);
        if (failure.isPresent()) {
            LOG.warn("DMARC report {} to {} bounced ({}); not recorded: {}", reportId, destination, reason,
                    failure.get().toString());
        } else if (recorded) {
            LOG.info("DMARC report {} to {} failed after its hand-off: {}", reportId, destination, reason);
        } else {
            LOG.warn("DMARC report {} to {} bounced ({}), but the ledger has no such report and destination",
                    reportId, destination, reason);
        }
    }

    /** {@code RemoteDelivery: [<code> ]<delivery-error>}, from the attributes RemoteDelivery set. */
    static String reason(Mail mail) {
        Optional<Object> code = mail.getAttribute(DELIVERY_ERROR_CODE).map(a -> a.getValue().value());
        Optional<Object> error = mail.getAttribute(DELIVERY_ERROR).map(a -> a.getValue().value());
        StringBuilder b = new StringBuilder("RemoteDelivery: ");
        code.filter(Number.class::isInstance).ifPresent(c -> b.append(c).append(' '));
        b.append(error.map(String::valueOf).map(String::strip).filter(s -> !s.isEmpty())
                .orElse(Optional.ofNullable(mail.getErrorMessage()).filter(s -> !s.isBlank())
                        .orElse("no " + DELIVERY_ERROR_NAME + " attribute")));
        return b.toString();
    }

    @Override
    public String getMailetInfo() {
        return "DmarcReportBounce: records delivery failures of DMARC aggregate report mail";
    }
}
