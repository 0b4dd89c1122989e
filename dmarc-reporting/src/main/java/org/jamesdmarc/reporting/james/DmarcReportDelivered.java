package org.jamesdmarc.reporting.james;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.mailet.Mail;
import org.jamesdmarc.store.ReportLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that aggregate report mail was delivered: put it in the processor that {@code RemoteDelivery}'s
 * {@code onSuccess} names. For a mail carrying {@value MailetContextReportOutbound#REPORT_NAME} (set by
 * {@link MailetContextReportOutbound} on every report it hands to James), each recipient's ledger row (that
 * Report-ID, that destination) becomes {@code delivered} ({@code dmarc report status} counts it), and the report's copy
 * in the outbox ({@code report.outbox}, {@link ReportOutbox}) is removed: it is not handed to James again at the next
 * start. Any other mail passes untouched.
 *
 * <p><b>When.</b> James 3.8.1's {@code RemoteDelivery} ({@code DeliveryRunnable.attemptDelivery}), once the gateway
 * or MX accepted the mail, sends it with {@code MailetContext.sendMail(mail, onSuccess)} to the {@code onSuccess}
 * processor, attributes kept, with the recipients that were delivered. A report to a local mailbox never meets
 * {@code RemoteDelivery}: put this mailet, with {@code consume} {@code false}, before {@code LocalDelivery} too.
 *
 * <p>It never throws and never changes the mail, except that with {@code consume} set to {@code true} (the default)
 * report mail ends there (state {@code ghost}): nothing more is to be done with a delivered copy. A database that
 * cannot be reached is logged (the row stays {@code handed_off}; the outbox copy is removed all the same: the mail was
 * delivered, it must not go again).
 *
 * <table>
 * <caption>DmarcReportDelivered parameters</caption>
 * <tr><th>parameter</th><th>value</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code consume}</td><td>{@code true} or {@code false}</td><td>{@code true}</td><td>end report mail here
 *     once recorded; other mail always goes on</td></tr>
 * </table>
 *
 * <p>Example ({@code mailetcontainer.xml}; {@code DmarcHistoryModule} listed in {@code extensions.properties}):
 *
 * <pre>{@code
 * <processor state="relay" enableJmx="true">
 *   <mailet match="All" class="RemoteDelivery">
 *     <outgoing>outgoing</outgoing>
 *     <bounceProcessor>relay-bounces</bounceProcessor>
 *     <onSuccess>relay-delivered</onSuccess>
 *     ...
 *   </mailet>
 * </processor>
 * <processor state="relay-delivered" enableJmx="true">
 *   <mailet match="HasMailAttribute=org.jamesdmarc.report" class="org.jamesdmarc.reporting.james.DmarcReportDelivered"/>
 *   <mailet match="All" class="Null"/>
 * </processor>
 * <processor state="local-delivery" enableJmx="true">
 *   <mailet match="HasMailAttribute=org.jamesdmarc.report" class="org.jamesdmarc.reporting.james.DmarcReportDelivered">
 *     <consume>false</consume>
 *   </mailet>
 *   <mailet match="All" class="LocalDelivery"/>
 * </processor>
 * }</pre>
 */
public final class DmarcReportDelivered extends ReportOutcomeMailet {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcReportDelivered.class);

    @Inject
    public DmarcReportDelivered(ReportDatabase database, ReportOutbox outbox) {
        this(() -> new ReportLedger(database.store()), outbox, Clock.systemUTC());
    }

    DmarcReportDelivered(Supplier<ReportLedger> ledger, ReportOutbox outbox, Clock clock) {
        super(ledger, outbox, clock);
    }

    @Override
    boolean consumeByDefault() {
        return true;
    }

    @Override
    boolean record(ReportLedger ledger, String reportId, String destination, Mail mail, Instant now) {
        return ledger.deliveredAfterHandOff(reportId, destination, now);
    }

    @Override
    void log(String reportId, String destination, Mail mail, boolean recorded, Optional<RuntimeException> failure) {
        if (failure.isPresent()) {
            LOG.warn("DMARC report {} to {} delivered; not recorded: {}", reportId, destination,
                    failure.get().toString());
        } else if (recorded) {
            LOG.info("DMARC report {} to {} delivered", reportId, destination);
        } else {
            LOG.warn("DMARC report {} to {} delivered, but the ledger has no such report handed off",
                    reportId, destination);
        }
    }

    @Override
    public String getMailetInfo() {
        return "DmarcReportDelivered: records the delivery of DMARC aggregate report mail";
    }
}
