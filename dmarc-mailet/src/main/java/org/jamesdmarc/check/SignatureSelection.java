package org.jamesdmarc.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.DkimVerifier;
import org.jamesdmarc.dns.DomainName;

/**
 * Which DKIM signatures of a message are verified, and on which budget ({@link MessageWork}). Mail needs one or
 * two signatures; a message may carry hundreds, so:
 * <ul>
 *   <li>at most {@link DkimVerifier#MAX_SIGNATURES} are listed (reported), those whose {@code d=} could align
 *       with an author domain first, in message order; the others are not looked at;</li>
 *   <li>the first {@value #MAX_ALIGNABLE} that could align are verified on the reserved budget (a DNS failure
 *       there is a temperror, as RFC 9989 §4.10.1 lets the receiver choose); further ones that could align are
 *       not verified ({@code policy}, never a pass, so never a wrong pass);</li>
 *   <li>the listed signatures that cannot align are verified on the other budget, and when it runs out, left
 *       unverified ({@code policy} "not verified: per-message DNS budget"): they cannot align, so they could
 *       never make DMARC pass nor temperror.</li>
 * </ul>
 */
final class SignatureSelection {

    /** Signatures that could align verified per message. */
    static final int MAX_ALIGNABLE = 5;

    static final String BUDGET_REASON = "not verified: per-message DNS budget used up";
    static final String TOO_MANY_REASON = "not verified: more than " + MAX_ALIGNABLE
            + " signatures could align with the author domain";

    private SignatureSelection() {
    }

    /** The outcomes of the listed signatures, in message order. */
    static List<DkimOutcome> verify(DkimVerifier.Signatures signatures, Predicate<DomainName> mayAlign,
                                    MessageWork work) {
        List<Integer> alignable = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < signatures.count() && alignable.size() < DkimVerifier.MAX_SIGNATURES; i++) {
            Optional<DomainName> d = signatures.signingDomain(i);
            if (d.isPresent() && mayAlign.test(d.get())) {
                alignable.add(i);
            } else if (others.size() < DkimVerifier.MAX_SIGNATURES) {
                others.add(i);
            }
        }
        int listed = Math.min(DkimVerifier.MAX_SIGNATURES, alignable.size() + others.size());
        others = others.subList(0, listed - alignable.size());

        DkimOutcome[] byIndex = new DkimOutcome[signatures.count() == 0 ? 0
                : Math.max(lastOf(alignable), lastOf(others)) + 1];
        List<Integer> reserved = alignable.subList(0, Math.min(MAX_ALIGNABLE, alignable.size()));
        List<DkimOutcome> verified = signatures.verify(reserved, work.reserved());
        for (int k = 0; k < reserved.size(); k++) {
            byIndex[reserved.get(k)] = verified.get(k);
        }
        for (int i : alignable.subList(reserved.size(), alignable.size())) {
            byIndex[i] = signatures.unverified(i, DkimResult.POLICY, TOO_MANY_REASON);
        }
        List<DkimOutcome> rest = signatures.verify(others, work.other());
        boolean skipped = work.otherExhausted();
        for (int k = 0; k < others.size(); k++) {
            DkimOutcome o = rest.get(k);
            // A temporary failure once the budget ran out is most likely the budget's refusal: say so.
            byIndex[others.get(k)] = skipped && o.result() == DkimResult.TEMPERROR
                    ? signatures.unverified(others.get(k), DkimResult.POLICY, BUDGET_REASON) : o;
        }
        List<DkimOutcome> out = new ArrayList<>(listed);
        for (DkimOutcome o : byIndex) {
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    private static int lastOf(List<Integer> indexes) {
        return indexes.isEmpty() ? -1 : indexes.get(indexes.size() - 1);
    }
}
