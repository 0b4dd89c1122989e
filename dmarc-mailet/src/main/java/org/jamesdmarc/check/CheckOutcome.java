package org.jamesdmarc.check;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.policy.ArcOverride;
import org.jamesdmarc.policy.DmarcEvaluation;

/**
 * The result of checking one message. Every variant carries the Authentication-Results field value
 * to add (possibly without a {@code dmarc=} part) and the names of the incoming Authentication-Results
 * fields to drop because they claim our authserv-id (RFC 8601 §5).
 */
public sealed interface CheckOutcome {

    /** The Authentication-Results value to add ({@code authserv-id; ...}), without the field name. */
    String authenticationResults();

    /** Indexes (0-based, in header order) of Authentication-Results fields to remove: they claim our authserv-id. */
    List<Integer> forgedAuthResultsFields();

    /** The DNS work the check cost against the per-message {@link MessageLimits}. */
    default BudgetUse budget() {
        return BudgetUse.NONE;
    }

    /**
     * DMARC was evaluated.
     *
     * @param evaluation   the DMARC verdict (for several From domains: the strictest one)
     * @param spf          the SPF result used (own check or trusted upstream)
     * @param dkim         the DKIM results used
     * @param spfSource    where the SPF result came from
     * @param dkimSource   where the DKIM results came from
     * @param client       the client judged: the SMTP client, or the original client behind a trusted relay
     * @param budget       the DNS work the check cost
     * @param arc          the ARC chain (RFC 8617), {@link ArcOutcome#NONE} when the message has no ARC-Seal
     * @param arcOverride  the trusted sealer that lowered the disposition ({@link ArcOverride}), when one did
     */
    record Evaluated(DmarcEvaluation evaluation, SpfOutcome spf, List<DkimOutcome> dkim,
                     ResultSource spfSource, ResultSource dkimSource, ClientIdentity client,
                     String authenticationResults, List<Integer> forgedAuthResultsFields, BudgetUse budget,
                     ArcOutcome arc, Optional<ArcOverride.Decision> arcOverride)
            implements CheckOutcome {

        /** An evaluation of a message without ARC sets. */
        public Evaluated(DmarcEvaluation evaluation, SpfOutcome spf, List<DkimOutcome> dkim,
                         ResultSource spfSource, ResultSource dkimSource, ClientIdentity client,
                         String authenticationResults, List<Integer> forgedAuthResultsFields, BudgetUse budget) {
            this(evaluation, spf, dkim, spfSource, dkimSource, client, authenticationResults, forgedAuthResultsFields,
                    budget, ArcOutcome.NONE, Optional.empty());
        }

        /** An evaluation that cost no budgeted DNS work. */
        public Evaluated(DmarcEvaluation evaluation, SpfOutcome spf, List<DkimOutcome> dkim,
                         ResultSource spfSource, ResultSource dkimSource, ClientIdentity client,
                         String authenticationResults, List<Integer> forgedAuthResultsFields) {
            this(evaluation, spf, dkim, spfSource, dkimSource, client, authenticationResults, forgedAuthResultsFields,
                    BudgetUse.NONE);
        }

        public Evaluated {
            Objects.requireNonNull(evaluation, "evaluation");
            Objects.requireNonNull(spf, "spf");
            dkim = List.copyOf(dkim);
            Objects.requireNonNull(spfSource, "spfSource");
            Objects.requireNonNull(dkimSource, "dkimSource");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(authenticationResults, "authenticationResults");
            forgedAuthResultsFields = List.copyOf(forgedAuthResultsFields);
            Objects.requireNonNull(budget, "budget");
            Objects.requireNonNull(arc, "arc");
            Objects.requireNonNull(arcOverride, "arcOverride");
        }
    }

    /** DMARC was not evaluated, on purpose. */
    record Skipped(SkipReason reason, String detail, String authenticationResults,
                   List<Integer> forgedAuthResultsFields) implements CheckOutcome {
        public Skipped {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(authenticationResults, "authenticationResults");
            forgedAuthResultsFields = List.copyOf(forgedAuthResultsFields);
        }
    }

    /**
     * The From field cannot be evaluated safely (or, naming several domains, not within the per-message budget)
     * and the configuration says to reject such mail.
     */
    record Refused(HeaderViolation violation, String detail, String authenticationResults,
                   List<Integer> forgedAuthResultsFields, BudgetUse budget) implements CheckOutcome {

        /** A refusal before any budgeted DNS work. */
        public Refused(HeaderViolation violation, String detail, String authenticationResults,
                       List<Integer> forgedAuthResultsFields) {
            this(violation, detail, authenticationResults, forgedAuthResultsFields, BudgetUse.NONE);
        }

        public Refused {
            Objects.requireNonNull(violation, "violation");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(authenticationResults, "authenticationResults");
            forgedAuthResultsFields = List.copyOf(forgedAuthResultsFields);
            Objects.requireNonNull(budget, "budget");
        }
    }
}
