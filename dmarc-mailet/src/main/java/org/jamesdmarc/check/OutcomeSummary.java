package org.jamesdmarc.check;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;

/**
 * The flat view of a {@link CheckOutcome} that mail attributes, metrics and the JSON output share. Each field
 * is the enum whose keyword is written ({@link CheckResult#keyword()}, {@link Policy#tagValue()},
 * {@link AppliedPolicyTag#tagName()}, {@link Disposition#reportValue()}); only the reasons, which come from three
 * enums of two layers, are kept as their written form.
 *
 * @param result        the DMARC result when evaluated; {@code permerror} for a From field we cannot use (refused,
 *                      or skipped for {@link SkipReason#NO_AUTHOR_DOMAIN} when {@code requiredHeaders} is off),
 *                      {@code temperror} for {@link SkipReason#INTERNAL_ERROR}, else {@code skipped}
 * @param policy        the policy the record requests, when a record applied
 * @param policyTag     the tag that gave it ({@code p}, {@code sp} or {@code np}), when a record applied
 * @param disposition   what to do; {@code reject} for a refused From field
 * @param policyDomain  where the applied record was published
 * @param fromDomain    the Author Domain, when known
 * @param testing       the record's {@code t=y}
 * @param reasons       evaluated: the policy overrides (RFC 9990 reason types); skipped: the skip reason;
 *                      refused: the header violation (lower-case enum names)
 * @param detail        a human-readable explanation for skipped and refused messages, else empty
 */
public record OutcomeSummary(CheckResult result, Optional<Policy> policy, Optional<AppliedPolicyTag> policyTag,
                             Disposition disposition, Optional<DomainName> policyDomain, Optional<DomainName> fromDomain,
                             boolean testing, List<String> reasons, String detail) {

    public OutcomeSummary {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(policyTag, "policyTag");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(fromDomain, "fromDomain");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(detail, "detail");
    }

    public static OutcomeSummary of(CheckOutcome outcome) {
        if (outcome instanceof CheckOutcome.Evaluated e) {
            DmarcEvaluation ev = e.evaluation();
            return new OutcomeSummary(
                    CheckResult.of(ev.result()),
                    ev.appliedPolicy().map(AppliedPolicy::policy),
                    ev.appliedPolicy().map(AppliedPolicy::tag),
                    ev.disposition(),
                    ev.policyDomain(),
                    ev.authorDomain(),
                    ev.testing(),
                    ev.overrides().stream().map(PolicyOverride::reportValue).toList(),
                    "");
        }
        if (outcome instanceof CheckOutcome.Skipped s && s.reason() == SkipReason.NO_AUTHOR_DOMAIN) {
            // No usable From field: DMARC validation is not possible, a permanent error in the message, not a choice
            // of ours to skip (RFC 9989 §5.3.1). The disposition stays none: the message was not refused.
            return new OutcomeSummary(CheckResult.PERMERROR, Optional.empty(), Optional.empty(), Disposition.NONE,
                    Optional.empty(), Optional.empty(), false, List.of(s.reason().name().toLowerCase(Locale.ROOT)),
                    s.detail());
        }
        if (outcome instanceof CheckOutcome.Skipped s) {
            // A bug in the checker: DMARC could not be evaluated, which callers treat like a temporary error
            // (the checker writes dmarc=temperror too).
            CheckResult result = s.reason() == SkipReason.INTERNAL_ERROR ? CheckResult.TEMPERROR : CheckResult.SKIPPED;
            return new OutcomeSummary(result, Optional.empty(), Optional.empty(), Disposition.NONE,
                    Optional.empty(), Optional.empty(), false, List.of(s.reason().name().toLowerCase(Locale.ROOT)),
                    s.detail());
        }
        // A From field we refuse: DMARC validation is not possible (RFC 9989 §5.3.1), a permanent error in the
        // message, and our local policy rejects it (fail closed).
        CheckOutcome.Refused r = (CheckOutcome.Refused) outcome;
        return new OutcomeSummary(CheckResult.PERMERROR, Optional.empty(), Optional.empty(), Disposition.REJECT,
                Optional.empty(), Optional.empty(), false, List.of(r.violation().name().toLowerCase(Locale.ROOT)),
                r.detail());
    }
}
