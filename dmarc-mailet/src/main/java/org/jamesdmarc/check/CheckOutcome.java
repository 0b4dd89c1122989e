package org.jamesdmarc.check;

import java.util.List;
import java.util.Objects;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.SpfOutcome;
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

    /**
     * DMARC was evaluated.
     *
     * @param evaluation   the DMARC verdict (for several From domains: the strictest one)
     * @param spf          the SPF result used (own check or trusted upstream)
     * @param dkim         the DKIM results used
     * @param spfSource    where the SPF result came from
     * @param dkimSource   where the DKIM results came from
     * @param client       the client judged: the SMTP client, or the original client behind a trusted relay
     */
    record Evaluated(DmarcEvaluation evaluation, SpfOutcome spf, List<DkimOutcome> dkim,
                     ResultSource spfSource, ResultSource dkimSource, ClientIdentity client,
                     String authenticationResults, List<Integer> forgedAuthResultsFields) implements CheckOutcome {
        public Evaluated {
            Objects.requireNonNull(evaluation, "evaluation");
            Objects.requireNonNull(spf, "spf");
            dkim = List.copyOf(dkim);
            Objects.requireNonNull(spfSource, "spfSource");
            Objects.requireNonNull(dkimSource, "dkimSource");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(authenticationResults, "authenticationResults");
            forgedAuthResultsFields = List.copyOf(forgedAuthResultsFields);
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

    /** The From field cannot be evaluated safely and the configuration says to reject such mail. */
    record Refused(HeaderViolation violation, String detail, String authenticationResults,
                   List<Integer> forgedAuthResultsFields) implements CheckOutcome {
        public Refused {
            Objects.requireNonNull(violation, "violation");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(authenticationResults, "authenticationResults");
            forgedAuthResultsFields = List.copyOf(forgedAuthResultsFields);
        }
    }
}
