package org.jamesdmarc.auth.arc;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The validation of a message's ARC chain (RFC 8617 §5.2).
 *
 * @param result     the chain validation status
 * @param oldestPass §5.2 step 5: the lowest instance from which every ARC-Message-Signature up to the latest verified,
 *                   0 when all of them did (so the message is unchanged since the first sealer saw it); 0 unless
 *                   {@code result} is {@link ArcResult#PASS}
 * @param sets       the ARC sets, instance 1 first, as far as they could be read (all of them for a pass or a
 *                   temperror; empty for
 *                   {@link ArcResult#NONE} and for a chain whose structure is broken)
 * @param reason     a short reason for the result, for logs and {@code dmarc evaluate}
 */
public record ArcOutcome(ArcResult result, int oldestPass, List<ArcSet> sets, String reason) {

    public ArcOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(reason, "reason");
        sets = List.copyOf(sets);
        if (oldestPass < 0 || result != ArcResult.PASS && oldestPass != 0) {
            throw new IllegalArgumentException("oldestPass " + oldestPass + " for " + result);
        }
    }

    /** No ARC set in the message. */
    public static final ArcOutcome NONE = new ArcOutcome(ArcResult.NONE, 0, List.of(), "no ARC sets");

    static ArcOutcome fail(String reason, List<ArcSet> sets) {
        return new ArcOutcome(ArcResult.FAIL, 0, sets, reason);
    }

    static ArcOutcome temperror(String reason, List<ArcSet> sets) {
        return new ArcOutcome(ArcResult.TEMPERROR, 0, sets, reason);
    }

    /** The set with the greatest instance: the most recent sealer (§5.2); empty when no set was read. */
    public Optional<ArcSet> latest() {
        return sets.isEmpty() ? Optional.empty() : Optional.of(sets.get(sets.size() - 1));
    }
}
