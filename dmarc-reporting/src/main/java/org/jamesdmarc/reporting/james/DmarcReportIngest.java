package org.jamesdmarc.reporting.james;

import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesdmarc.reporting.ingest.IngestCounts;
import org.jamesdmarc.reporting.ingest.IngestLimits;
import org.jamesdmarc.reporting.ingest.IngestOutcome;
import org.jamesdmarc.reporting.ingest.ReportIngest;
import org.jamesdmarc.store.InboundOrigin;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the DMARC reports a mail carries (aggregate reports, RFC 9990 / RFC 7489, gzip, zip or XML attachments;
 * failure reports, RFC 9991) in the history database ({@code conf/dmarc.properties}, through {@link ReportDatabase}),
 * for the dashboard and WebAdmin. Put it behind {@link IsDmarcReport} on the {@code rua}/{@code ruf} mailbox.
 *
 * <ul>
 *   <li>The mail goes on as before (delivered to the mailbox by the rest of the processor), unless
 *       {@code processor} names where to send it after the ingest (e.g. a processor that keeps it in a
 *       repository). A mail with a report that could not be read goes to {@code rejectedProcessor} when set.</li>
 *   <li>A report stored already (the same report mailed twice, to two addresses) is a duplicate and stores
 *       nothing; a report that cannot be read (not XML, a DTD, a decompression bomb, ...) is kept aside in the
 *       database with the reason. Neither fails the mail.</li>
 *   <li>The database unreachable: logged, the attribute says {@code error: ...}, the mail goes on (it is in the
 *       mailbox; {@code dmarc report ingest} can take it later as an {@code .eml} file). Nothing queries the DNS.</li>
 *   <li>Sets the attribute {@value #OUTCOME_NAME} (a string: {@code reports=n records=n messages=n duplicates=n
 *       rejected=n}, or {@code error: ...}).</li>
 * </ul>
 *
 * <table>
 * <caption>DmarcReportIngest parameters</caption>
 * <tr><th>parameter</th><th>value</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code processor}</td><td>a processor name</td><td>none (the mail goes on)</td>
 *     <td>where the mail goes after its reports are stored</td></tr>
 * <tr><td>{@code rejectedProcessor}</td><td>a processor name</td><td>none (as {@code processor})</td>
 *     <td>where a mail goes when one of its reports was refused</td></tr>
 * </table>
 *
 * <p>Example ({@code mailetcontainer.xml}, in the {@code transport} processor before local delivery; the module in
 * {@code extensions.properties}: {@code guice.extension.module=org.jamesdmarc.reporting.james.DmarcHistoryModule}):
 *
 * <pre>{@code
 * <mailet match="org.jamesdmarc.reporting.james.IsDmarcReport=dmarc-reports@james.local"
 *         class="org.jamesdmarc.reporting.james.DmarcReportIngest">
 *   <rejectedProcessor>dmarc-report-rejected</rejectedProcessor>
 * </mailet>
 * ...
 * <processor state="dmarc-report-rejected" enableJmx="true">
 *   <mailet match="All" class="ToRepository">
 *     <repositoryPath>file://var/mail/dmarc-report-rejected/</repositoryPath>
 *   </mailet>
 * </processor>
 * }</pre>
 */
public final class DmarcReportIngest extends GenericMailet {

    static final String OUTCOME_NAME = "org.jamesdmarc.reportIngest";
    /** The attribute set on each mail: what the ingest did. */
    public static final AttributeName OUTCOME = AttributeName.of(OUTCOME_NAME);

    private static final Logger LOG = LoggerFactory.getLogger(DmarcReportIngest.class);

    private final Supplier<JdbcHistoryStore> database;
    private final Runnable reset;
    private final Clock clock;
    private Optional<String> processor = Optional.empty();
    private Optional<String> rejectedProcessor = Optional.empty();

    @Inject
    DmarcReportIngest(ReportDatabase database) {
        this(database::store, database::reset, Clock.systemUTC());
    }

    DmarcReportIngest(Supplier<JdbcHistoryStore> database, Runnable reset, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.reset = Objects.requireNonNull(reset, "reset");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void init() {
        processor = parameter("processor");
        rejectedProcessor = parameter("rejectedProcessor");
    }

    private Optional<String> parameter(String name) {
        return Optional.ofNullable(getInitParameter(name)).map(String::strip).filter(s -> !s.isEmpty());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String name = Optional.ofNullable(mail.getMessage().getMessageID()).orElse(mail.getName());
        List<IngestOutcome> outcomes;
        try (InputStream in = new MimeMessageInputStream(mail.getMessage())) {
            ReportIngest ingest = new ReportIngest(new InboundReportStore(database.get()), IngestLimits.defaults(),
                    clock);
            outcomes = ingest.ingestMessage(in, InboundOrigin.Kind.MAIL, name);
        } catch (StoreException e) {
            reset.run();
            LOG.warn("DMARC reports of mail {} not stored (the mail goes on): {}", name, e.getMessage());
            mail.setAttribute(new Attribute(OUTCOME, AttributeValue.of("error: " + e.getMessage())));
            processor.ifPresent(mail::setState);
            return;
        } catch (java.io.IOException e) {
            LOG.warn("DMARC reports of mail {} not read (the mail goes on): {}", name, e.getMessage());
            mail.setAttribute(new Attribute(OUTCOME, AttributeValue.of("error: " + e.getMessage())));
            processor.ifPresent(mail::setState);
            return;
        }
        IngestCounts counts = IngestCounts.ZERO.plus(outcomes);
        for (IngestOutcome o : outcomes) {
            if (o instanceof IngestOutcome.Rejected r) {
                LOG.info("DMARC report refused and kept aside: {}: {}", r.name(), r.reason());
            }
        }
        mail.setAttribute(new Attribute(OUTCOME, AttributeValue.of("reports=" + counts.reports() + " records="
                + counts.records() + " messages=" + counts.messages() + " duplicates=" + counts.duplicates()
                + " rejected=" + counts.rejected())));
        Optional<String> next = counts.rejected() > 0 && rejectedProcessor.isPresent() ? rejectedProcessor : processor;
        next.ifPresent(mail::setState);
    }

    @Override
    public String getMailetInfo() {
        return "DmarcReportIngest: stores the DMARC aggregate and failure reports a mail carries";
    }
}
