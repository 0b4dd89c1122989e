package org.jamesdmarc.reporting.james;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
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
public final class DmarcReportDelivered extends GenericMailet {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcReportDelivered.class);

    static final String CONSUME = "consume";

    private final Supplier<ReportLedger> ledger;
    private final ReportOutbox outbox;
    private final Clock clock;
    private boolean consume = true;

    @Inject
    public DmarcReportDelivered(ReportDatabase database, ReportOutbox outbox) {
        this(() -> new ReportLedger(database.store()), outbox, Clock.systemUTC());
    }

    DmarcReportDelivered(Supplier<ReportLedger> ledger, ReportOutbox outbox, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void init() throws javax.mail.MessagingException {
        consume = DmarcReportBounce.booleanParameter(getInitParameter(CONSUME), CONSUME, true, "DmarcReportDelivered");
    }

    @Override
    public void service(Mail mail) {
        Optional<String> reportId;
        try {
            reportId = MailetContextReportOutbound.reportId(mail);
        } catch (RuntimeException e) {
            return;
        }
        if (reportId.isEmpty()) {
            return; // not report mail: untouched
        }
        for (MailAddress recipient : mail.getRecipients()) {
            String destination = recipient.asString();
            try {
                if (ledger.get().deliveredAfterHandOff(reportId.get(), destination, clock.instant())) {
                    LOG.info("DMARC report {} to {} delivered", reportId.get(), destination);
                } else {
                    LOG.warn("DMARC report {} to {} delivered, but the ledger has no such report handed off",
                            reportId.get(), destination);
                }
            } catch (RuntimeException e) {
                LOG.warn("DMARC report {} to {} delivered; not recorded: {}", reportId.get(), destination,
                        e.toString());
            }
            outbox.release(reportId.get(), destination);
        }
        if (consume) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public String getMailetInfo() {
        return "DmarcReportDelivered: records the delivery of DMARC aggregate report mail";
    }
}
