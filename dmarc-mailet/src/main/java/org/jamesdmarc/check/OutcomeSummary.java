package org.jamesdmarc.check;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.PolicyOverride;

/**
 * The flat view of a {@link CheckOutcome} that mail attributes, metrics and the JSON output share.
 *
 * @param result        {@code pass}, {@code fail}, {@code none}, {@code temperror}, {@code permerror}
 *                      (evaluated; also {@code permerror} for a message skipped for
 *                      {@link SkipReason#NO_AUTHOR_DOMAIN}, {@code temperror} for
 *                      {@link SkipReason#INTERNAL_ERROR}), {@code skipped} or {@code refused}
 * @param policy        the policy the record requests ({@code none}/{@code quarantine}/{@code reject}), when a record applied
 * @param policyTag     the tag that gave it ({@code p}, {@code sp} or {@code np}), when a record applied
 * @param disposition   {@code none}, {@code quarantine} or {@code reject}; {@code reject} for a refused message
 * @param policyDomain  where the applied record was published
 * @param fromDomain    the Author Domain, when known
 * @param testing       the record's {@code t=y}
 * @param reasons       evaluated: the policy overrides (RFC 9990 reason types); skipped: the skip reason;
 *                      refused: the header violation (lower-case enum names)
 * @param detail        a human-readable explanation for skipped and refused messages, else empty
 */
public record OutcomeSummary(String result, Optional<String> policy, Optional<String> policyTag, String disposition,
                             Optional<String> policyDomain, Optional<String> fromDomain, boolean testing,
                             List<String> reasons, String detail) {

    public static final String SKIPPED = "skipped";
    public static final String REFUSED = "refused";
    public static final String PERMERROR = "permerror";
    public static final String TEMPERROR = "temperror";

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
                    ev.result().keyword(),
                    ev.appliedPolicy().map(a -> a.policy().tagValue()),
                    ev.appliedPolicy().map(a -> a.tag().name().toLowerCase(Locale.ROOT)),
                    ev.disposition().reportValue(),
                    ev.policyDomain(),
                    ev.authorDomain().isEmpty() ? Optional.empty() : Optional.of(ev.authorDomain()),
                    ev.testing(),
                    ev.overrides().stream().map(PolicyOverride::reportValue).toList(),
                    "");
        }
        if (outcome instanceof CheckOutcome.Skipped s && s.reason() == SkipReason.NO_AUTHOR_DOMAIN) {
            // No usable From field: DMARC validation is not possible, a permanent error in the message, not a choice
            // of ours to skip (RFC 9989 §5.3.1). The disposition stays none: the message was not refused.
            return new OutcomeSummary(PERMERROR, Optional.empty(), Optional.empty(), Disposition.NONE.reportValue(),
                    Optional.empty(), Optional.empty(), false, List.of(s.reason().name().toLowerCase(Locale.ROOT)),
                    s.detail());
        }
        if (outcome instanceof CheckOutcome.Skipped s) {
            // A bug in the checker: DMARC could not be evaluated, which callers treat like a temporary error
            // (the checker writes dmarc=temperror too).
            String result = s.reason() == SkipReason.INTERNAL_ERROR ? TEMPERROR : SKIPPED;
            return new OutcomeSummary(result, Optional.empty(), Optional.empty(), Disposition.NONE.reportValue(),
                    Optional.empty(), Optional.empty(), false, List.of(s.reason().name().toLowerCase(Locale.ROOT)),
                    s.detail());
        }
        CheckOutcome.Refused r = (CheckOutcome.Refused) outcome;
        return new OutcomeSummary(REFUSED, Optional.empty(), Optional.empty(), Disposition.REJECT.reportValue(),
                Optional.empty(), Optional.empty(), false, List.of(r.violation().name().toLowerCase(Locale.ROOT)),
                r.detail());
    }
}
