package org.jamesdmarc.james;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.CheckSettings;
import org.jamesdmarc.check.CheckSettingsParser;
import org.jamesdmarc.check.DmarcChecker;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.OutcomeSummary;
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
 *     {@code org.jamesdmarc.disposition}, ...), which {@link IsDmarcFail} and {@link DmarcResultIs} match.</li>
 * </ul>
 * The mailet only reports: what happens to failing mail is decided by the matchers and mailets after it.
 * It never throws for anything in a message; when the check itself fails it logs, sets
 * {@code org.jamesdmarc.result=temperror} and {@code org.jamesdmarc.error}, and lets the mail go on.
 * When {@link DmarcMessageHook} already evaluated the mail during the SMTP transaction
 * ({@code org.jamesdmarc.evaluatedAtSmtp}), that evaluation is reused: only the header is written, so give
 * both the same parameters (the hook's authserv-id is the one written).
 *
 * <p>Put it in the {@code root} processor, before anything that adds Authentication-Results fields, so it
 * sees the message as received. Mail James creates itself (bounces, notifications) has remote address
 * 127.0.0.1: list it in the {@code ignoreHosts} file, or match around it.
 *
 * <p>Parameters (OpenDMARC equivalent in brackets; see {@link CheckSettingsParser} for the value syntax):
 * <ul>
 * <li>{@code authservId}: our authserv-id (AuthservID); default the local host name</li>
 * <li>{@code trustedAuthservIds}: comma list of upstream authserv-ids whose SPF/DKIM results are used (TrustedAuthservIDs)</li>
 * <li>{@code ignoreHosts}: path of a file of addresses, CIDR blocks and host names whose mail is not
 *     checked (IgnoreHosts); result {@code skipped}. A host name matches the client's forward-confirmed
 *     reverse DNS name (PTR and A/AAAA agree), never the HELO name</li>
 * <li>{@code ignoreAuthenticatedClients}: skip SMTP-AUTH clients (IgnoreAuthenticatedClients); default true</li>
 * <li>{@code ignoreMailFrom}: comma list of From domains not checked (IgnoreMailFrom)</li>
 * <li>{@code requiredHeaders}: refuse mail without exactly one valid From field (RequiredHeaders);
 *     default false; result {@code refused}</li>
 * <li>{@code rejectMultiValueFrom}: refuse a From naming several domains (RejectMultiValueFrom); default false</li>
 * <li>{@code spfSelfValidate}: run SPF without a trusted upstream result (SPFSelfValidate); default true</li>
 * <li>{@code spfIgnoreResults}: ignore upstream SPF results (SPFIgnoreResults); default false</li>
 * <li>{@code dkimSelfValidate}: verify DKIM without a trusted upstream result; default true</li>
 * <li>{@code trustedRelays}: comma list of addresses/CIDR blocks of relays in front of James (e.g. a Postfix MX)</li>
 * <li>{@code dnsServers}: comma list of IP literals with optional port ({@code 127.0.0.1:5353}, {@code [::1]:53});
 *     default the system resolvers</li>
 * <li>{@code dnsTimeout}: {@code 500ms}, {@code 5s}, ... (at most 1m); default 5s</li>
 * <li>{@code dnsRetries} (default 1), {@code dnsCacheSize} (answers cached, default 10000, 0 = no cache),
 *     {@code dnsMinTtl} / {@code dnsMaxTtl} (bounds on cached TTLs, default 0 / 1d), {@code dnsNegativeTtl}
 *     (default 1m): see {@link org.jamesdmarc.dns.DnsSettings}</li>
 * <li>{@code discovery}: {@code treewalk} (RFC 9989, default) or {@code psl} (RFC 7489)</li>
 * <li>{@code publicSuffixList}: path of a Public Suffix List file (PublicSuffixList); default the bundled one</li>
 * <li>{@code legacyPct}: honour RFC 7489 {@code pct}; default false</li>
 * <li>{@code softwareHeader}: add the {@code DMARC-Filter} field (SoftwareHeader); default false</li>
 * </ul>
 * A bad value stops James at start-up with a message naming the parameter, e.g.
 * {@code Invalid DmarcCheck parameter: dnsTimeout: 'abc' is not a duration ...}.
 *
 * <p>Metrics (James {@link MetricFactory}): counters {@code dmarc_evaluations_<result>} and
 * {@code dmarc_evaluations_error}, timer {@code dmarc_evaluation}.
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
    private Function<MessageContext, CheckOutcome> checker;
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

    @Override
    public void init() throws MessagingException {
        Function<String, Optional<String>> parameters = name -> Optional.ofNullable(getInitParameter(name));
        try {
            settings = CheckSettingsParser.parse(parameters);
            softwareHeader = CheckSettingsParser.bool(parameters, SOFTWARE_HEADER, false);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("Invalid DmarcCheck parameter: " + e.getMessage(), e);
        }
        if (injectedChecker != null) {
            checker = injectedChecker;
        } else {
            try {
                checker = DmarcChecker.create(settings)::check;
            } catch (RuntimeException e) {
                throw new MessagingException("DmarcCheck cannot start: " + e.getMessage(), e);
            }
        }
    }

    /** The parsed settings (after {@link #init()}). */
    public CheckSettings settings() {
        return settings;
    }

    @Override
    public void service(Mail mail) {
        if (DmarcAttributes.evaluatedAtSmtp(mail)) {
            writeSmtpEvaluation(mail);
            return;
        }
        TimeMetric timer = metrics.startTimer();
        CheckOutcome outcome;
        try {
            outcome = Objects.requireNonNull(checker.apply(MailContexts.from(mail)), "no outcome");
        } catch (Exception e) {
            LOGGER.warn("DMARC check of mail {} failed; result temperror, mail goes on", mail.getName(), e);
            DmarcAttributes.storeError(mail, describe(e));
            metrics.countError();
            return;
        } finally {
            timer.stopAndPublish();
        }
        OutcomeSummary summary = DmarcAttributes.store(mail, outcome);
        metrics.count(outcome, summary);
        writeHeaders(mail, outcome.forgedAuthResultsFields(), outcome.authenticationResults());
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
