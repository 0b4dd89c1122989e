package org.jamesdmarc.james;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.CheckSettings;
import org.jamesdmarc.check.CheckSettingsParser;
import org.jamesdmarc.check.DmarcChecker;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.FailureReportSink;
import org.jamesdmarc.check.MessageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks DMARC (RFC 9989, RFC 7489 records accepted) for each mail: SPF and DKIM (own checks or trusted
 * upstream results), identifier alignment and the sender's published policy. It then
 * <ul>
 * <li>removes the Authentication-Results fields that claim our authserv-id (forged, RFC 8601 §5),</li>
 * <li>adds our {@code Authentication-Results} field at the top of the header,</li>
 * <li>adds {@code DMARC-Filter: James DMARC v<version>} below it when {@code softwareHeader} is true,</li>
 * <li>sets the mail attributes listed in {@link DmarcAttributes} ({@code org.jamesdmarc.result},
 *     {@code org.jamesdmarc.disposition}, ...), which {@link IsDmarcFail} and {@link DmarcResultIs} match,</li>
 * <li>and, when DMARC was evaluated (not for {@code skipped} mail, a refused From field or a failed check),
 *     {@code org.jamesdmarc.evaluation}: the message's evaluation record for the history, as bytes
 *     ({@code EvaluationRecordCodec.encode}; read it with {@link DmarcAttributes#evaluationRecord}), with action
 *     {@code delivered} as a placeholder that the {@code DmarcHistory} mailet replaces.</li>
 * </ul>
 * The mailet only reports: what happens to failing mail is decided by the matchers and mailets after it.
 * It never throws for anything in a message; when the check itself fails it logs, sets
 * {@code org.jamesdmarc.result=temperror} and {@code org.jamesdmarc.error}, and lets the mail go on.
 * When {@link DmarcMessageHook} already evaluated the mail during the SMTP transaction
 * ({@code org.jamesdmarc.evaluatedAtSmtp}), that evaluation is reused: only the header is written, so give
 * both the same parameters (the hook's authserv-id is the one written); the hook's attributes, its
 * {@code org.jamesdmarc.evaluation} record included, stay as they are.
 *
 * <p>Report mail James DMARC sends itself (mail attribute {@code org.jamesdmarc.report}, see
 * {@link DmarcAttributes}) is not checked: no evaluation, no header field, no attribute.
 *
 * <p>Put it in the {@code root} processor, before anything that adds Authentication-Results fields, so it
 * sees the message as received. Mail James creates itself (bounces, notifications) has remote address
 * 127.0.0.1: list it in the {@code ignoreHosts} file, or match around it.
 *
 * <p>Parameters: this table is the one complete list, for the mailet (its init parameters) and, except
 * {@code softwareHeader}, for {@link DmarcMessageHook} (child elements of its {@code <handler>}); the
 * OpenDMARC equivalent is in brackets. Booleans are {@code true}/{@code false}/{@code yes}/{@code no} in any
 * case; lists are separated by commas; an absent or blank parameter takes its default. Durations are a number
 * with an optional unit {@code ms}, {@code s} (the default unit), {@code m}, {@code h}, {@code d}
 * ({@code 500ms}, {@code 5s}, {@code 5}), or ISO-8601 ({@code PT5S}). Relative paths resolve against the
 * current directory of James's JVM.
 *
 * <table>
 * <caption>DmarcCheck parameters</caption>
 * <tr><th>parameter</th><th>value</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code authservId}</td><td>an RFC 2045 token: letters, digits, {@code . - _} and the like; no
 *     spaces, {@code ;}, quotes, {@code /} or {@code @}</td><td>the local host name</td><td>our authserv-id in the
 *     Authentication-Results field we add; incoming fields claiming it are forged and removed (RFC 8601 §5)
 *     (AuthservID)</td></tr>
 * <tr><td>{@code trustedAuthservIds}</td><td>list of authserv-ids (tokens), compared
 *     case-insensitively</td><td>none</td><td>upstream Authentication-Results fields whose {@code spf} and
 *     {@code dkim} results are used instead of our own checks (TrustedAuthservIDs). Believed only for mail a
 *     {@code trustedRelays} relay passed on, and only in the part of the header that relay added (the fields
 *     above its Received field naming the original client, and the Authentication-Results fields right below it,
 *     where milters insert theirs); such a relay must remove incoming fields claiming its own id (RFC 8601
 *     §5)</td></tr>
 * <tr><td>{@code ignoreHosts}</td><td>path of a readable file of at most 4 MiB, OpenDMARC IgnoreHosts format:
 *     entries separated by line ends or commas, {@code #} starts a comment; an IP address, a CIDR block, a host
 *     name, {@code .example.com} for every name below example.com, {@code !entry} to exclude what it
 *     names</td><td>no file: every client is checked</td><td>mail from these clients is not checked (result
 *     {@code skipped}). Addresses match the client's address (behind {@code trustedRelays}, the original
 *     client's; when the relay's Received field cannot be read, nothing is skipped). Host names match the
 *     client's forward-confirmed reverse DNS name (a PTR name whose A/AAAA records lead back to the address),
 *     never the HELO name, which the client chooses; when DNS fails they match nothing (IgnoreHosts)</td></tr>
 * <tr><td>{@code ignoreAuthenticatedClients}</td><td>boolean</td><td>{@code true}</td><td>mail from SMTP-AUTH clients
 *     is not checked, result {@code skipped} (IgnoreAuthenticatedClients, whose default is false)</td></tr>
 * <tr><td>{@code ignoreMailFrom}</td><td>list of domains (exact names; U-labels allowed)</td><td>none</td><td>mail
 *     is not checked (result {@code skipped}) when every domain its From field names is listed
 *     (IgnoreMailFrom)</td></tr>
 * <tr><td>{@code requiredHeaders}</td><td>boolean</td><td>{@code true}</td><td>refuse (result {@code permerror},
 *     disposition {@code reject}; the hook answers 550 5.7.1, {@link IsDmarcFail}{@code =reject} matches it) mail
 *     without exactly one From field naming a usable domain; other RFC 5322 §3.6 fields are not checked.
 *     On by default: a check against spoofing fails closed on an author it cannot read. {@code false} gives
 *     OpenDMARC's behaviour: such mail gets {@code permerror} (disposition {@code none}) and goes on
 *     (RequiredHeaders, whose default is false)</td></tr>
 * <tr><td>{@code rejectMultiValueFrom}</td><td>boolean</td><td>{@code false}</td><td>refuse (result
 *     {@code permerror}, disposition {@code reject})
 *     mail whose From names several domains. Without it each domain is evaluated and the strictest result
 *     kept (RFC 9989 §5.3.1, §11.5); more than 3 domains are refused anyway, and so are several domains whose
 *     evaluation would end in {@code temperror} for lack of per-message DNS budget (RejectMultiValueFrom)</td></tr>
 * <tr><td>{@code spfSelfValidate}</td><td>boolean</td><td>{@code true}</td><td>check SPF ourselves when no trusted
 *     upstream SPF result is there; false: SPF is then {@code none} (SPFSelfValidate, whose default is
 *     false)</td></tr>
 * <tr><td>{@code spfIgnoreResults}</td><td>boolean</td><td>{@code false}</td><td>ignore upstream SPF results (trusted
 *     Authentication-Results and a trusted relay's Received-SPF) (SPFIgnoreResults)</td></tr>
 * <tr><td>{@code dkimSelfValidate}</td><td>boolean</td><td>{@code true}</td><td>verify DKIM signatures ourselves when
 *     no trusted upstream DKIM result is there; false: no DKIM results then</td></tr>
 * <tr><td>{@code dkimPartialBodyPasses}</td><td>boolean</td><td>{@code false}</td><td>a DKIM signature whose
 *     {@code l=} tag leaves body content unsigned still counts as a pass (RFC 6376 §3.5). By default such a
 *     signature gives {@code dkim=policy} and never an aligned pass: anyone can append content to a replayed
 *     signed message (RFC 6376 §8.2)</td></tr>
 * <tr><td>{@code trustedArcSealers}</td><td>list of domains (an ARC-Seal's exact {@code d=})</td><td>none</td><td>
 *     forwarders whose ARC results are trusted (RFC 8617 §7.2): a DMARC fail whose ARC chain passes, whose most
 *     recent sealer is listed and whose ARC-Authentication-Results record {@code dmarc=pass} (or an aligned SPF or
 *     DKIM pass) for the same Author Domain gets disposition {@code none}, override reason
 *     {@code trusted_forwarder}. Every message with an ARC-Seal gets {@code arc=} in our
 *     Authentication-Results</td></tr>
 * <tr><td>{@code arcListSealers}</td><td>list of domains</td><td>none</td><td>the same for mailing lists:
 *     override reason {@code mailing_list}</td></tr>
 * <tr><td>{@code trustedRelays}</td><td>list of IP addresses and CIDR blocks</td><td>none</td><td>relays in
 *     front of James (e.g. a Postfix MX): for their connections the check judges the original client, read
 *     from the relay's Received field, and may use the Received-SPF field that relay added (only for the
 *     envelope sender James saw) and its {@code trustedAuthservIds} Authentication-Results</td></tr>
 * <tr><td>{@code trustAuthResultsFromAnyClient}</td><td>boolean</td><td>{@code false}</td><td>OpenDMARC's model:
 *     believe {@code trustedAuthservIds} results from any client, wherever they stand in the header. Unsafe: a
 *     sender writing {@code Authentication-Results: <trusted id>; dkim=pass header.d=<victim>} chooses its own
 *     results; logged as a warning at start-up</td></tr>
 * <tr><td>{@code dnsServers}</td><td>IP literals with an optional port, separated by commas or white space:
 *     {@code 192.0.2.53}, {@code 127.0.0.1:5353}, {@code [::1]:53}; no host names</td><td>the system's
 *     resolvers</td><td>the resolvers asked, in order, for every DMARC, SPF and DKIM lookup</td></tr>
 * <tr><td>{@code dnsTimeout}</td><td>duration, more than 0 and at most 1m</td><td>{@code 5s}</td><td>per query and
 *     server; a timeout makes the result {@code temperror}, never a reject (DNSTimeout)</td></tr>
 * <tr><td>{@code dnsRetries}</td><td>0 to 10</td><td>{@code 1}</td><td>extra tries per server after a timeout or
 *     network error</td></tr>
 * <tr><td>{@code dnsCacheSize}</td><td>0 to 10000000</td><td>{@code 10000}</td><td>DNS answers kept in the cache; 0
 *     turns it off</td></tr>
 * <tr><td>{@code dnsMinTtl}, {@code dnsMaxTtl}</td><td>durations, {@code dnsMaxTtl} not below
 *     {@code dnsMinTtl}</td><td>{@code 0}, {@code 1d}</td><td>bounds on how long a cached answer lives (its DNS TTL is
 *     clamped to them)</td></tr>
 * <tr><td>{@code dnsNegativeTtl}</td><td>duration</td><td>{@code 1m}</td><td>how long NXDOMAIN/NODATA is cached when
 *     the answer carried no SOA (RFC 2308 §5)</td></tr>
 * <tr><td>{@code discovery}</td><td>{@code treewalk} or {@code psl}</td><td>{@code treewalk}</td><td>how the policy
 *     and Organizational Domains are found: the RFC 9989 §4.10 DNS Tree Walk, or the RFC 7489 public
 *     suffix list</td></tr>
 * <tr><td>{@code publicSuffixList}</td><td>path of a readable Public Suffix List file</td><td>the bundled
 *     list</td><td>the list {@code discovery=psl} uses (PublicSuffixList)</td></tr>
 * <tr><td>{@code legacyPct}</td><td>boolean</td><td>{@code false}</td><td>honour RFC 7489 {@code pct} sampling
 *     (RFC 9989 retired {@code pct})</td></tr>
 * <tr><td>{@code maxDnsQueriesPerMessage}</td><td>10 to 10000</td><td>{@code 50}</td><td>DNS queries one message's
 *     check may send (answers from the cache are free). Four fifths are reserved for what decides the verdict
 *     (policy discovery of the author domains, SPF and DKIM of identifiers that could align with them, the
 *     alignment tree walks); running out of them gives {@code temperror}, never pass or fail. One fifth is for
 *     the rest (SPF and signatures that cannot align, only reported): running out of it leaves that work
 *     undone, e.g. {@code dkim=policy reason="not verified: per-message DNS budget used up"}. Counted in the
 *     metric {@code dmarc_budget_exhausted}</td></tr>
 * <tr><td>{@code maxTimePerMessage}</td><td>duration, more than 0 and at most 10m</td><td>{@code 5s}</td><td>time
 *     one message's check may spend waiting for DNS answers (queries in parallel count once), shared the same
 *     way; a query under way when it runs out is cut short</td></tr>
 * <tr><td>{@code softwareHeader}</td><td>boolean</td><td>{@code false}</td><td>mailet only: add
 *     {@code DMARC-Filter: James DMARC v<version>} below our Authentication-Results (SoftwareHeader)</td></tr>
 * </table>
 * A bad value stops James at start-up with a message naming the parameter, e.g.
 * {@code Invalid DmarcCheck parameter: dnsTimeout: 'abc' is not a duration ...}.
 *
 * <p>Failure reports (RFC 9991): a mail this mailet evaluates itself (no {@link DmarcMessageHook} in front, or one
 * that did not mark the mail) whose policy asks for them ({@code ruf}, {@code fo}) is offered to the
 * {@code check.FailureReportSink} the {@code DmarcHistoryModule} binds (sent when {@code failure.enabled=true} in
 * {@code conf/dmarc.properties}), without a {@code Delivery-Result} since the later mailets decide what becomes of
 * it. A mail the hook evaluated is not offered again here: the hook already did, once per message.
 *
 * <p>Metrics (James {@link MetricFactory}): counters {@code dmarc_evaluations_<result>},
 * {@code dmarc_evaluations_error} and {@code dmarc_budget_exhausted} (checks that ran out of their
 * per-message DNS budget), timer {@code dmarc_evaluation}.
 *
 * <p>Example ({@code mailetcontainer.xml}, {@code root} processor):
 * <pre>{@code
 * <mailet match="All" class="org.jamesdmarc.james.DmarcCheck">
 *     <authservId>mx.example.org</authservId>
 *     <trustedAuthservIds>mx1.example.org</trustedAuthservIds>
 *     <ignoreHosts>/etc/james/dmarc-ignore-hosts</ignoreHosts>
 *     <dnsTimeout>5s</dnsTimeout>
 *     <softwareHeader>true</softwareHeader>
 * </mailet>
 * <!-- DMARC fail with p=reject: keep it aside in a repository, out of the users' way -->
 * <mailet match="org.jamesdmarc.james.IsDmarcFail=reject" class="ToRepository">
 *     <repositoryPath>file://var/mail/dmarc-rejected/</repositoryPath>
 * </mailet>
 * <!-- p=quarantine: deliver into the recipients' Spam folder -->
 * <mailet match="org.jamesdmarc.james.IsDmarcFail=quarantine" class="WithStorageDirective">
 *     <targetFolderName>Spam</targetFolderName>
 * </mailet>
 * }</pre>
 */
public class DmarcCheck extends GenericMailet {

    public static final String SOFTWARE_HEADER = "softwareHeader";

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcCheck.class);

    private final DmarcMetrics metrics;
    private final Function<MessageContext, CheckOutcome> injectedChecker;
    private volatile FailureReportSink failureReports = FailureReportSink.DISCARD;
    private MeteredCheck check;
    private CheckSettings settings;
    private boolean softwareHeader;

    /** Used by James's Guice mailet loader. */
    @Inject
    public DmarcCheck(MetricFactory metricFactory) {
        this(metricFactory, null);
    }

    /** Without metrics. */
    public DmarcCheck() {
        this(NoopMetricFactory.INSTANCE, null);
    }

    /** For tests: {@code checker} replaces the {@link DmarcChecker} built from the parameters (still parsed). */
    DmarcCheck(MetricFactory metricFactory, Function<MessageContext, CheckOutcome> checker) {
        this.metrics = new DmarcMetrics(Objects.requireNonNull(metricFactory, "metricFactory"));
        this.injectedChecker = checker;
    }

    /**
     * Where mail this mailet evaluates goes when its policy asks for failure reports (RFC 9991). Injected by James's
     * Guice when a module binds a {@link FailureReportSink} (the {@code DmarcHistoryModule}, which also binds this
     * mailet in its injector so that the optional sink reaches it); otherwise {@link FailureReportSink#DISCARD}.
     */
    @com.google.inject.Inject(optional = true)
    public void setFailureReportSink(FailureReportSink failureReports) {
        this.failureReports = Objects.requireNonNull(failureReports, "failureReports");
    }

    @Override
    public void init() throws MessagingException {
        CheckSetup<MessagingException> setup = new CheckSetup<>("DmarcCheck",
                name -> Optional.ofNullable(getInitParameter(name)), MessagingException::new);
        settings = setup.settings();
        softwareHeader = setup.bool(SOFTWARE_HEADER, false);
        check = setup.start(settings, injectedChecker, metrics);
    }

    /** The parsed settings (after {@link #init()}). */
    public CheckSettings settings() {
        return settings;
    }

    @Override
    public void service(Mail mail) {
        if (DmarcAttributes.isReportMail(mail)) {
            // Our own aggregate report (issue 10): never evaluated, so it never enters the history and no report
            // is ever about report mail. Only James DMARC's report sender sets the attribute.
            return;
        }
        if (DmarcAttributes.evaluatedAtSmtp(mail)) {
            writeSmtpEvaluation(mail);
            return;
        }
        MeteredCheck.Checked checked;
        try {
            checked = check.run(() -> MailContexts.from(mail));
        } catch (Exception e) {
            LOGGER.warn("DMARC check of mail {} failed; result temperror, mail goes on", mail.getName(), e);
            DmarcAttributes.storeError(mail, describe(e));
            return;
        }
        Optional<EvaluationRecord> evaluated = check.store(mail, checked);
        // What becomes of the mail is up to the mailets after this one (IsDmarcFail, ToRepository...): no action.
        FailureReportOffer.offer(failureReports, evaluated, checked, Optional.empty(), "mail " + mail.getName());
        CheckOutcome outcome = checked.outcome();
        writeHeaders(mail, outcome.forgedAuthResultsFields(), outcome.authenticationResults());
        check.finish();
    }

    /** The SMTP hook evaluated the mail and stored its outcome: write the header from it. */
    private void writeSmtpEvaluation(Mail mail) {
        DmarcAttributes.clearEvaluatedAtSmtp(mail);
        Optional<String> ar = DmarcAttributes.string(mail, DmarcAttributes.AUTHENTICATION_RESULTS);
        if (ar.isEmpty()) {
            LOGGER.warn("Mail {} is marked as evaluated at SMTP time but has no {} attribute",
                    mail.getName(), DmarcAttributes.AUTHENTICATION_RESULTS.asString());
            return;
        }
        List<Integer> forged = DmarcAttributes.list(mail, DmarcAttributes.FORGED_AUTHENTICATION_RESULTS, Integer.class);
        writeHeaders(mail, forged, ar.get());
    }

    private void writeHeaders(Mail mail, List<Integer> forged, String authenticationResults) {
        List<HeaderEditor.Field> fields = new ArrayList<>();
        // RFC 8601 §5: our Authentication-Results field goes on top.
        fields.add(new HeaderEditor.Field(HeaderEditor.AUTHENTICATION_RESULTS, authenticationResults));
        if (softwareHeader) {
            fields.add(new HeaderEditor.Field(SoftwareVersion.HEADER, SoftwareVersion.headerValue()));
        }
        try {
            HeaderEditor.apply(mail.getMessage(), forged, fields);
        } catch (Exception e) {
            LOGGER.warn("Cannot write the DMARC header fields of mail {}", mail.getName(), e);
            mail.setAttribute(DmarcAttributes.ERROR.withValue(org.apache.mailet.AttributeValue.of(
                    "cannot write header fields: " + describe(e))));
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public String getMailetInfo() {
        return "DMARC check (" + SoftwareVersion.headerValue() + ")";
    }
}
