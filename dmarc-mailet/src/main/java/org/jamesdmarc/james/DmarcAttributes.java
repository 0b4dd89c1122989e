package org.jamesdmarc.james;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.CheckResult;
import org.jamesdmarc.check.EvaluationJson;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.check.OutcomeSummary;
import org.jamesdmarc.check.SkipReason;
import org.jamesdmarc.policy.Disposition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail attributes {@link DmarcCheck} and {@link DmarcMessageHook} set, read by {@link IsDmarcFail},
 * {@link DmarcResultIs} and by standard James matchers such as {@code HasMailAttributeWithValue}.
 * All values are strings unless said otherwise, so they survive James's mail queue serialisation.
 *
 * <table>
 * <caption>Attributes</caption>
 * <tr><th>name</th><th>value</th></tr>
 * <tr><td>{@code org.jamesdmarc.result}</td><td>{@code pass}, {@code fail}, {@code none}, {@code temperror},
 *     {@code permerror} (no usable From field; with disposition {@code reject} when we refuse it:
 *     {@code requiredHeaders}, {@code rejectMultiValueFrom}) or {@code skipped} (not evaluated on purpose:
 *     ignored host, authenticated client...);
 *     {@code temperror} too when the check itself failed (then {@code org.jamesdmarc.error} is set and the
 *     reason is {@code internal_error})</td></tr>
 * <tr><td>{@code org.jamesdmarc.policy}</td><td>the policy the sender's record requests: {@code none},
 *     {@code quarantine}, {@code reject}; absent when no record applied</td></tr>
 * <tr><td>{@code org.jamesdmarc.disposition}</td><td>what to do: {@code none}, {@code quarantine} or
 *     {@code reject}; only a DMARC {@code fail} has more than {@code none} ({@code t=y} lowers it one level);
 *     {@code reject} for a refused From field ({@code permerror})</td></tr>
 * <tr><td>{@code org.jamesdmarc.policyDomain}</td><td>the domain whose {@code _dmarc} record applied; absent when none</td></tr>
 * <tr><td>{@code org.jamesdmarc.fromDomain}</td><td>the RFC5322.From domain; absent when not evaluated</td></tr>
 * <tr><td>{@code org.jamesdmarc.reasons}</td><td>a list of strings: the RFC 9990 policy override reasons
 *     ({@code policy_test_mode}, {@code local_policy}, ...) or the skip/refusal reason
 *     ({@code ignored_host}, {@code authenticated_client}, {@code ignored_mail_from}, {@code no_author_domain},
 *     {@code invalid_from}, {@code multiple_from_fields}, {@code multi_value_from}), or {@code internal_error}</td></tr>
 * <tr><td>{@code org.jamesdmarc.json}</td><td>the whole evaluation as JSON ({@link EvaluationJson})</td></tr>
 * <tr><td>{@code org.jamesdmarc.authenticationResults}</td><td>the Authentication-Results value added</td></tr>
 * <tr><td>{@code org.jamesdmarc.forgedAuthenticationResults}</td><td>a list of integers: 0-based indexes, among
 *     the message's Authentication-Results fields, of those claiming our authserv-id (removed by DmarcCheck)</td></tr>
 * <tr><td>{@code org.jamesdmarc.evaluatedAtSmtp}</td><td>boolean {@code true} while the SMTP hook's evaluation
 *     waits for {@link DmarcCheck} to write its headers; DmarcCheck removes it</td></tr>
 * <tr><td>{@code org.jamesdmarc.error}</td><td>why the check failed internally (the result is then {@code temperror})</td></tr>
 * <tr><td>{@code org.jamesdmarc.report}</td><td>the Report-ID of the aggregate report the mail carries. Set by
 *     James DMARC's report sender ({@code org.jamesdmarc.reporting.james.MailetContextReportOutbound}) on the mail
 *     it hands to the mailet context, never by DmarcCheck or the hook; no SMTP client can set a mail attribute.
 *     {@link DmarcCheck} skips a mail carrying it (no evaluation, no header field, no attribute), the
 *     {@code DmarcHistory} mailet records nothing for it, and {@code DmarcReportBounce} records a bounce of it
 *     against the report: report mail never enters the history, so no report is ever about report mail
 *     (issue 10, "Not a report cannon")</td></tr>
 * <tr><td>{@code org.jamesdmarc.evaluation}</td><td>bytes ({@code AttributeValue.of(byte[])}): the message's
 *     {@link EvaluationRecord} for the evaluation history, in the form of {@link EvaluationRecordCodec#encode};
 *     read it with {@link #evaluationRecord(Mail)}. Set only when DMARC was evaluated ({@code CheckOutcome.Evaluated});
 *     absent for {@code skipped} mail, a refused From field and a failed check. Its action is
 *     {@code delivered}, a placeholder: the {@code DmarcHistory} mailet replaces it by the action it is
 *     configured with. See below</td></tr>
 * </table>
 *
 * <p>The {@code org.jamesdmarc.evaluation} record is {@code EvaluationRecord.of(key, time, outcome, envelope
 * sender, recipients, DELIVERED)} where the key is {@code MessageKey.of(client address, envelope sender,
 * Message-ID, message)}: the SMTP client's address ({@link Mail#getRemoteAddr()}, or the SMTP session's for the
 * hook), the envelope sender ({@link Mail#getMaybeSender()}), the MimeMessage's {@code Message-ID} field (may be
 * absent: then the message's bytes as received are hashed) and the message as received; the time is when the
 * check ran; the recipients are {@link Mail#getRecipients()}. {@link DmarcMessageHook} sets it at SMTP time and
 * {@link DmarcCheck} keeps it when it reuses the hook's evaluation, so the key is that of the message as it came
 * in, before DmarcCheck writes its header fields.
 */
public final class DmarcAttributes {

    public static final AttributeName RESULT = AttributeName.of("org.jamesdmarc.result");
    public static final AttributeName POLICY = AttributeName.of("org.jamesdmarc.policy");
    public static final AttributeName DISPOSITION = AttributeName.of("org.jamesdmarc.disposition");
    public static final AttributeName POLICY_DOMAIN = AttributeName.of("org.jamesdmarc.policyDomain");
    public static final AttributeName FROM_DOMAIN = AttributeName.of("org.jamesdmarc.fromDomain");
    public static final AttributeName REASONS = AttributeName.of("org.jamesdmarc.reasons");
    public static final AttributeName JSON = AttributeName.of("org.jamesdmarc.json");
    public static final AttributeName AUTHENTICATION_RESULTS = AttributeName.of("org.jamesdmarc.authenticationResults");
    public static final AttributeName FORGED_AUTHENTICATION_RESULTS = AttributeName.of("org.jamesdmarc.forgedAuthenticationResults");
    public static final AttributeName EVALUATED_AT_SMTP = AttributeName.of("org.jamesdmarc.evaluatedAtSmtp");
    public static final AttributeName ERROR = AttributeName.of("org.jamesdmarc.error");
    public static final AttributeName EVALUATION = AttributeName.of("org.jamesdmarc.evaluation");
    /** The name of {@link #REPORT}. */
    public static final String REPORT_NAME = "org.jamesdmarc.report";
    /**
     * Marks report mail ({@code org.jamesdmarc.report}, a string: the Report-ID): set by the report sender only,
     * never cleared by {@link #store}; see the table above.
     */
    public static final AttributeName REPORT = AttributeName.of(REPORT_NAME);

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcAttributes.class);

    /** The {@code org.jamesdmarc.result} values. */
    public static final List<String> RESULTS = Arrays.stream(CheckResult.values()).map(CheckResult::keyword).toList();
    /** The {@code org.jamesdmarc.disposition} values. */
    public static final List<String> DISPOSITIONS = List.of("none", "quarantine", "reject");

    private static final List<AttributeName> ALL = List.of(RESULT, POLICY, DISPOSITION, POLICY_DOMAIN, FROM_DOMAIN,
            REASONS, JSON, AUTHENTICATION_RESULTS, FORGED_AUTHENTICATION_RESULTS, EVALUATED_AT_SMTP, ERROR, EVALUATION);

    private DmarcAttributes() {
    }

    /**
     * Replaces every DMARC attribute of {@code mail} by those describing {@code outcome}, with its evaluation
     * record when there is one ({@code org.jamesdmarc.evaluation}).
     */
    static OutcomeSummary store(Mail mail, CheckOutcome outcome, Optional<EvaluationRecord> record) {
        clear(mail);
        OutcomeSummary s = OutcomeSummary.of(outcome);
        set(mail, RESULT, s.result().keyword());
        s.policy().ifPresent(v -> set(mail, POLICY, v.tagValue()));
        set(mail, DISPOSITION, s.disposition().reportValue());
        s.policyDomain().ifPresent(v -> set(mail, POLICY_DOMAIN, v.name()));
        s.fromDomain().ifPresent(v -> set(mail, FROM_DOMAIN, v.name()));
        List<AttributeValue<?>> reasons = new ArrayList<>();
        s.reasons().forEach(r -> reasons.add(AttributeValue.of(r)));
        mail.setAttribute(new Attribute(REASONS, AttributeValue.of(reasons)));
        set(mail, JSON, EvaluationJson.toJson(outcome));
        if (isInternalError(outcome)) {
            set(mail, ERROR, ((CheckOutcome.Skipped) outcome).detail());
        }
        set(mail, AUTHENTICATION_RESULTS, outcome.authenticationResults());
        List<AttributeValue<?>> forged = new ArrayList<>();
        outcome.forgedAuthResultsFields().forEach(i -> forged.add(AttributeValue.of(i)));
        mail.setAttribute(new Attribute(FORGED_AUTHENTICATION_RESULTS, AttributeValue.of(forged)));
        record.ifPresent(r -> mail.setAttribute(new Attribute(EVALUATION, AttributeValue.of(EvaluationRecordCodec.encode(r)))));
        return s;
    }

    /**
     * The evaluation record {@link DmarcCheck} or {@link DmarcMessageHook} left on {@code mail}
     * ({@code org.jamesdmarc.evaluation}); empty when there is none, and when its value is not a record (then
     * logged once, as a warning: the mail goes on, its history entry is lost).
     */
    public static Optional<EvaluationRecord> evaluationRecord(Mail mail) {
        Optional<Object> value = mail.getAttribute(EVALUATION).map(a -> a.getValue().value());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!(value.get() instanceof byte[] bytes)) {
            LOGGER.warn("Mail {}: attribute {} is not bytes but {}; no evaluation record", mail.getName(),
                    EVALUATION.asString(), value.get().getClass().getName());
            return Optional.empty();
        }
        try {
            return Optional.of(EvaluationRecordCodec.decode(bytes));
        } catch (EvaluationRecordCodec.MalformedRecordException | RuntimeException e) {
            LOGGER.warn("Mail {}: attribute {} holds no valid evaluation record ({}); no evaluation record",
                    mail.getName(), EVALUATION.asString(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether {@code mail} is report mail James DMARC sent ({@code org.jamesdmarc.report} is set). */
    public static boolean isReportMail(Mail mail) {
        return mail.getAttribute(REPORT).isPresent();
    }

    /** The check failed internally: result {@code temperror}, disposition {@code none}, and why. */
    static void storeError(Mail mail, String error) {
        clear(mail);
        set(mail, RESULT, CheckResult.TEMPERROR.keyword());
        set(mail, DISPOSITION, Disposition.NONE.reportValue());
        mail.setAttribute(new Attribute(REASONS, AttributeValue.of(List.<AttributeValue<?>>of(AttributeValue.of("internal_error")))));
        set(mail, ERROR, error);
    }

    /** The checker hit a bug and let the message through unjudged ({@link SkipReason#INTERNAL_ERROR}). */
    static boolean isInternalError(CheckOutcome outcome) {
        return outcome instanceof CheckOutcome.Skipped s && s.reason() == SkipReason.INTERNAL_ERROR;
    }

    static void markEvaluatedAtSmtp(Mail mail) {
        mail.setAttribute(new Attribute(EVALUATED_AT_SMTP, AttributeValue.of(true)));
    }

    static boolean evaluatedAtSmtp(Mail mail) {
        return mail.getAttribute(EVALUATED_AT_SMTP).map(a -> Boolean.TRUE.equals(a.getValue().value())).orElse(false);
    }

    static void clearEvaluatedAtSmtp(Mail mail) {
        mail.removeAttribute(EVALUATED_AT_SMTP);
    }

    /** A string attribute's value. */
    public static Optional<String> string(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(a -> a.getValue().value())
                .filter(String.class::isInstance).map(String.class::cast);
    }

    /** A list attribute's elements of type {@code type} (others ignored). */
    public static <T> List<T> list(Mail mail, AttributeName name, Class<T> type) {
        Optional<Object> value = mail.getAttribute(name).map(a -> a.getValue().value());
        List<T> out = new ArrayList<>();
        if (value.isPresent() && value.get() instanceof Collection<?> c) {
            for (Object o : c) {
                Object v = o instanceof AttributeValue<?> av ? av.value() : o;
                if (type.isInstance(v)) {
                    out.add(type.cast(v));
                }
            }
        }
        return out;
    }

    private static void set(Mail mail, AttributeName name, String value) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(value)));
    }

    private static void clear(Mail mail) {
        ALL.forEach(mail::removeAttribute);
    }
}
