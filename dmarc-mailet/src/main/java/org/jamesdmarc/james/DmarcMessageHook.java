package org.jamesdmarc.james;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.HeaderViolation;
import org.jamesdmarc.check.CheckSettings;
import org.jamesdmarc.check.CheckSettingsParser;
import org.jamesdmarc.check.DmarcChecker;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationSink;
import org.jamesdmarc.check.FailureReportSink;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.ArcOverride;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.DmarcResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks DMARC at the end of DATA, so the SMTP server can refuse mail whose sender asks for it
 * (OpenDMARC as a milter with RejectFailures). It takes the parameters of {@link DmarcCheck} (the one
 * table, in its Javadoc; all but {@code softwareHeader}), as child elements of its {@code <handler>}, plus
 * two of its own:
 * <ul>
 * <li>{@code rejectFailures} (OpenDMARC RejectFailures, default false): answer
 *     {@code 550 5.7.1} to a DMARC fail whose disposition is {@code reject} (after {@code t=y} and sampling);</li>
 * <li>{@code tempFailOnError} (default false): answer {@code 451 4.4.3} when the result is {@code temperror}
 *     (DNS trouble) or the check itself fails, so the client retries later; otherwise such mail is accepted.</li>
 * </ul>
 * A p=reject failure that a trusted ARC sealer ({@code trustedArcSealers}, {@code arcListSealers}) would have
 * lowered, but whose chain could not be verified for now (a key DNS could not give: {@code arc=temperror}), is
 * answered {@code 451 4.4.3}, never {@code 550}: a DNS failure is never a reason to reject, and the retry is judged
 * again (it is neither recorded nor reported until then).
 * A From field refused by {@code requiredHeaders} or {@code rejectMultiValueFrom} is always answered
 * {@code 550 5.7.1}: those options exist to reject such mail.
 *
 * <p>Accepted mail carries the evaluation as the mail attributes of {@link DmarcAttributes}, plus
 * {@code org.jamesdmarc.evaluatedAtSmtp=true}; the hook does not touch the message. Keep {@link DmarcCheck}
 * in the {@code root} processor: it sees the marker, does not evaluate again, and writes the
 * Authentication-Results field (and removes forged ones) from the stored attributes. Metrics as for
 * {@link DmarcCheck}.
 *
 * <p>History (issue 9): accepted mail carries its evaluation record ({@code org.jamesdmarc.evaluation}, see
 * {@link DmarcAttributes}) for the {@code DmarcHistory} mailet. A mail this hook answers {@code 550 5.7.1} for a
 * DMARC {@code fail} with disposition {@code reject} never reaches a mailet, so the hook hands its record, with
 * action {@code rejected}, to the {@link EvaluationSink} itself. That sink comes from Guice when the
 * {@code org.jamesdmarc.reporting.james.DmarcHistoryModule} is configured ({@code guice.extension.module});
 * without it, nothing is recorded and nothing else changes. Not recorded: {@code 451} temporary failures (the
 * client sends the message again, and it is recorded then) and From fields refused by {@code requiredHeaders}
 * or {@code rejectMultiValueFrom} (DMARC was not evaluated: there is no result to report). The sink never
 * delays or changes the SMTP answer: whatever it throws is logged and ignored.
 *
 * <p>Failure reports (issue 11, RFC 9991): every evaluated message whose policy asks for failure reports
 * ({@code ruf}, {@code fo}: {@code policy.FailureReportRules}), rejected here or accepted, is offered as a
 * {@code check.FailedMessage} to the {@code check.FailureReportSink} a module binds (none: nothing is sent); the same
 * rules as for the evaluation sink apply (never delays or changes the answer).
 *
 * <p>The client is the SMTP session's remote address, the HELO name the session's
 * {@link SMTPSession#CURRENT_HELO_NAME}, the envelope sender the mail's, SMTP AUTH the session's user name.
 *
 * <p>Order: James 3.8.1 ({@code ProtocolHandlerChainImpl}) loads the handlers listed in {@code handlerchain}
 * first and appends the core handlers after them, whatever the position of {@code CoreCmdHandlerLoader} in
 * the list; so this hook runs before the core {@code SendMailHandler} queues the mail, and before
 * {@code AddDefaultAttributesMessageHook} sets the {@code org.apache.james.*} attributes (this hook reads the
 * SMTP session, not those attributes).
 *
 * <p>Example ({@code smtpserver.xml}, inside {@code <smtpserver>}):
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.apache.james.smtpserver.fastfail.ValidRcptHandler"/>
 *     <handler class="org.jamesdmarc.james.DmarcMessageHook">
 *         <authservId>mx.example.org</authservId>
 *         <ignoreHosts>/etc/james/dmarc-ignore-hosts</ignoreHosts>
 *         <rejectFailures>true</rejectFailures>
 *         <tempFailOnError>false</tempFailOnError>
 *     </handler>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 * A bad value stops James at start-up with a {@link ConfigurationException} naming the parameter.
 */
public class DmarcMessageHook implements JamesMessageHook {

    public static final String REJECT_FAILURES = "rejectFailures";
    public static final String TEMP_FAIL_ON_ERROR = "tempFailOnError";

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcMessageHook.class);

    private final DmarcMetrics metrics;
    private final Function<MessageContext, CheckOutcome> injectedChecker;
    private volatile EvaluationSink sink = EvaluationSink.DISCARD;
    private volatile FailureReportSink failureReports = FailureReportSink.DISCARD;
    private MeteredCheck check;
    private CheckSettings settings;
    private boolean rejectFailures;
    private boolean tempFailOnError;

    /** Used by James's Guice loader. */
    @Inject
    public DmarcMessageHook(MetricFactory metricFactory) {
        this(metricFactory, null);
    }

    /** Without metrics. */
    public DmarcMessageHook() {
        this(NoopMetricFactory.INSTANCE, null);
    }

    /** For tests: {@code checker} replaces the {@link DmarcChecker} built from the parameters (still parsed). */
    DmarcMessageHook(MetricFactory metricFactory, Function<MessageContext, CheckOutcome> checker) {
        this.metrics = new DmarcMetrics(Objects.requireNonNull(metricFactory, "metricFactory"));
        this.injectedChecker = checker;
    }

    /**
     * Where the SMTP-time rejections are recorded. Injected by James's Guice when a module binds an
     * {@link EvaluationSink} (the {@code DmarcHistoryModule}); otherwise {@link EvaluationSink#DISCARD}.
     */
    @com.google.inject.Inject(optional = true)
    public void setEvaluationSink(EvaluationSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Where failed messages whose policy asks for failure reports (RFC 9991) go, accepted or rejected here: the
     * mailet container does not evaluate mail this hook evaluated, and rejected mail never reaches it. Injected by
     * James's Guice when a module binds a {@link FailureReportSink}; otherwise {@link FailureReportSink#DISCARD}.
     */
    @com.google.inject.Inject(optional = true)
    public void setFailureReportSink(FailureReportSink failureReports) {
        this.failureReports = Objects.requireNonNull(failureReports, "failureReports");
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        CheckSetup<ConfigurationException> setup = new CheckSetup<>("DmarcMessageHook",
                name -> parameter(config, name), ConfigurationException::new);
        settings = setup.settings();
        rejectFailures = setup.bool(REJECT_FAILURES, false);
        tempFailOnError = setup.bool(TEMP_FAIL_ON_ERROR, false);
        check = setup.start(settings, injectedChecker, metrics);
    }

    /** A handler child element; a list-splitting configuration gives several values, joined back with commas. */
    private static Optional<String> parameter(Configuration config, String name) {
        String[] values = config.getStringArray(name);
        return values.length == 0 ? Optional.empty() : Optional.of(String.join(",", values));
    }

    public CheckSettings settings() {
        return settings;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        MeteredCheck.Checked checked;
        try {
            checked = check.run(() -> context(session, mail));
        } catch (Exception e) {
            LOGGER.warn("DMARC check at SMTP time failed (session {})", session.getSessionID(), e);
            // Without a mark, DmarcCheck evaluates the mail again in the mailet container.
            return tempFailOnError ? tempFail("the DMARC check failed") : HookResult.DECLINED;
        }
        Optional<EvaluationRecord> evaluated = check.store(mail, checked);
        DmarcAttributes.markEvaluatedAtSmtp(mail);
        Optional<DomainName> unverifiedSealer = awaitingArcVerification(checked.outcome());
        if (unverifiedSealer.isPresent()) {
            // Neither recorded nor reported: the sender's retry is evaluated again, and recorded then.
            return tempFail("ARC chain sealed by trusted " + unverifiedSealer.get().name()
                    + " could not be verified for now (DNS)");
        }
        boolean rejected = checked.outcome() instanceof CheckOutcome.Evaluated e && rejectsByPolicy(e.evaluation());
        if (rejected) {
            // The mail never reaches a mailet: record the rejection here, the same record with what we did.
            record(evaluated.map(r -> r.withAction(ActionTaken.REJECTED_AT_SMTP)), session);
        }
        FailureReportOffer.offer(failureReports, evaluated, checked,
                Optional.of(rejected ? ActionTaken.REJECTED_AT_SMTP : ActionTaken.DELIVERED),
                "session " + session.getSessionID());
        HookResult answer = decide(checked.outcome());
        check.finish();
        return answer;
    }

    /** Hands {@code record} to the sink; never lets the sink delay or fail the SMTP answer. */
    private void record(Optional<EvaluationRecord> record, SMTPSession session) {
        if (record.isEmpty()) {
            return;
        }
        try {
            sink.accept(record.get());
        } catch (Exception | LinkageError e) {
            LOGGER.warn("DMARC history: the evaluation sink failed on a rejection (session {}); not recorded",
                    session.getSessionID(), e);
        }
    }

    /**
     * A p=reject failure that a trusted ARC sealer's override would have lowered, had its chain not failed to verify
     * for now (DNS): never a 550 for a DNS failure, so a 451 (RFC 5321 §4.2.5) and the retry is judged again.
     */
    private Optional<DomainName> awaitingArcVerification(CheckOutcome outcome) {
        if (outcome instanceof CheckOutcome.Evaluated e && rejectsByPolicy(e.evaluation())) {
            return ArcOverride.awaitingVerification(e.evaluation(), e.arc(), settings.arcSealers());
        }
        return Optional.empty();
    }

    /** RFC 9989 §5.3.6 / §7.2: the Domain Owner asks for rejection; OpenDMARC RejectFailures lets us honour it. */
    private boolean rejectsByPolicy(DmarcEvaluation ev) {
        return rejectFailures && ev.result() == DmarcResult.FAIL && ev.disposition() == Disposition.REJECT;
    }

    private HookResult decide(CheckOutcome outcome) {
        if (outcome instanceof CheckOutcome.Refused r) {
            // RFC 5322 §3.6: exactly one From field, with a mailbox; we cannot tell who the author is otherwise.
            return reject(r.violation() == HeaderViolation.MULTI_VALUE_FROM ? "Message refused: " + r.detail()
                    : "Message refused, From field not RFC 5322 compliant: " + r.detail());
        }
        if (tempFailOnError && DmarcAttributes.isInternalError(outcome)) {
            return tempFail("the DMARC check failed");
        }
        if (outcome instanceof CheckOutcome.Evaluated e) {
            DmarcEvaluation ev = e.evaluation();
            if (rejectsByPolicy(ev)) {
                String policy = ev.appliedPolicy()
                        .map(a -> " (" + a.tag().tagName() + "=" + a.policy().tagValue() + ")")
                        .orElse("");
                String from = ev.authorDomain().map(DomainName::name).orElse("");
                return reject("Rejected by the DMARC policy" + policy + " of "
                        + ev.policyDomain().map(DomainName::name).orElse(from) + " for From domain " + from);
            }
            // RFC 9989: a DNS failure is a temperror, never a reason to reject; at most ask to retry.
            if (tempFailOnError && ev.result() == DmarcResult.TEMPERROR) {
                return tempFail("DMARC evaluation of " + ev.authorDomain().map(DomainName::name).orElse("")
                        + " failed temporarily (DNS)");
            }
        }
        return HookResult.DECLINED;
    }

    private static HookResult reject(String text) {
        return HookResult.builder()
                .hookReturnCode(HookReturnCode.deny())
                .smtpReturnCode("550")
                .smtpDescription("5.7.1 " + printable(text))
                .build();
    }

    private static HookResult tempFail(String text) {
        return HookResult.builder()
                .hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode("451")
                .smtpDescription("4.4.3 " + printable(text) + ", try again later")
                .build();
    }

    /** An SMTP reply text: printable US-ASCII on one line, at most 200 characters (RFC 5321 §4.2, §4.5.3.1.5). */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && b.length() < 200; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static MessageContext context(SMTPSession session, Mail mail) throws MessagingException, IOException {
        InetSocketAddress remote = session.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            throw new IllegalStateException("the SMTP session has no remote address");
        }
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("");
        boolean authenticated = session.getUsername() != null;
        return new MessageContext(remote.getAddress(), helo, MailContexts.sender(mail), authenticated,
                MailContexts.bytes(mail));
    }
}
