package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcSet;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.AuthResParseResult;
import org.jamesdmarc.mail.AuthenticationResultsParser;
import org.jamesdmarc.mail.MethodResult;
import org.jamesdmarc.mail.Property;

/**
 * The local policy override of a DMARC failure by a trusted ARC sealer (RFC 8617 §7.2; RFC 9989 §5.3.1 lets a
 * receiver's local policy lower the disposition, and the aggregate report says why: RFC 9990 PolicyOverrideType
 * {@code trusted_forwarder} or {@code mailing_list}).
 *
 * <p>All of these must hold, else nothing changes:
 * <ol>
 *   <li>DMARC failed with a disposition other than {@code none};</li>
 *   <li>the ARC chain passed (RFC 8617 §5.2);</li>
 *   <li>the most recent sealer (the ARC-Seal {@code d=} of the greatest instance) is trusted ({@link ArcSealers});</li>
 *   <li>its ARC-Authentication-Results record, for the same Author Domain, {@code dmarc=pass} with
 *       {@code header.from} the Author Domain, or an SPF or DKIM pass for an identifier aligned with it: the same
 *       domain, or one at or below the Author Domain's Organizational Domain (relaxed alignment, RFC 9989 §3.2.10).
 *       A strict alignment mode ({@code aspf=s} / {@code adkim=s}) asks for the same domain.</li>
 * </ol>
 */
public final class ArcOverride {

    private ArcOverride() {
    }

    /** The override and the sealer that earned it. */
    public record Decision(PolicyOverride reason, DomainName sealer, int instance) {
        public Decision {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(sealer, "sealer");
        }

        /** A short comment naming the sealer, for logs and reports (e.g. {@code arc=pass i=2 sealer lists.example.org}). */
        public String comment() {
            return "arc=pass i=" + instance + " sealer " + sealer.name();
        }
    }

    /** The override {@code evaluation} gets from {@code arc}, or empty. */
    public static Optional<Decision> decide(DmarcEvaluation evaluation, ArcOutcome arc, ArcSealers sealers) {
        return candidate(evaluation, arc, sealers, ArcResult.PASS);
    }

    /**
     * The trusted sealer whose override {@link #decide} could not grant only because the chain could not be verified
     * for now (a key the DNS could not give: {@link ArcResult#TEMPERROR}), every other condition of the class comment
     * holding; or empty. A DNS failure is never a reason to reject (RFC 9989 §4.10, our rule for temperror): the SMTP
     * hook answers such a p=reject failure with a 451 instead of a 550, and the sender's retry is judged again.
     */
    public static Optional<DomainName> awaitingVerification(DmarcEvaluation evaluation, ArcOutcome arc,
                                                            ArcSealers sealers) {
        return candidate(evaluation, arc, sealers, ArcResult.TEMPERROR).map(Decision::sealer);
    }

    private static Optional<Decision> candidate(DmarcEvaluation evaluation, ArcOutcome arc, ArcSealers sealers,
                                                ArcResult chain) {
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(arc, "arc");
        Objects.requireNonNull(sealers, "sealers");
        if (sealers.isEmpty() || evaluation.result() != DmarcResult.FAIL || evaluation.disposition() == Disposition.NONE
                || arc.result() != chain || evaluation.authorDomain().isEmpty() || arc.latest().isEmpty()) {
            return Optional.empty();
        }
        ArcSet latest = arc.latest().orElseThrow();
        if (latest.sealer().isEmpty()) {
            return Optional.empty();
        }
        DomainName sealer = latest.sealer().get();
        Optional<PolicyOverride> reason = sealers.overrideFor(sealer);
        if (reason.isEmpty() || !recordedAlignedPass(latest.authResults(), evaluation)) {
            return Optional.empty();
        }
        return Optional.of(new Decision(reason.get(), sealer, latest.instance()));
    }

    /** {@code evaluation} with disposition {@code none} and {@code decision}'s reason added to its overrides. */
    public static DmarcEvaluation apply(DmarcEvaluation evaluation, Decision decision) {
        List<PolicyOverride> overrides = new ArrayList<>(evaluation.overrides());
        overrides.add(decision.reason());
        return new DmarcEvaluation(evaluation.result(), evaluation.authorDomain(), evaluation.policyDomain(),
                evaluation.organizationalDomain(), evaluation.appliedPolicy(), Disposition.NONE, evaluation.testing(),
                overrides, evaluation.spf(), evaluation.dkim(), evaluation.discovery(), evaluation.dnsLookups(),
                evaluation.warnings());
    }

    /** Item 4 of the class comment, read from the sealer's ARC-Authentication-Results payload. */
    static boolean recordedAlignedPass(String authResults, DmarcEvaluation evaluation) {
        if (!(AuthenticationResultsParser.parse(authResults) instanceof AuthResParseResult.Parsed parsed)) {
            return false;
        }
        DomainName author = evaluation.authorDomain().orElseThrow();
        for (MethodResult r : parsed.results().results()) {
            if (!r.result().equals("pass")) {
                continue;
            }
            switch (r.method()) {
                case "dmarc" -> {
                    if (domain(r, "header", "from").filter(author::equals).isPresent()) {
                        return true;
                    }
                }
                case "spf" -> {
                    if (domain(r, "smtp", "mailfrom").filter(d -> aligned(d, evaluation, evaluation.spf().mode()))
                            .isPresent()) {
                        return true;
                    }
                }
                case "dkim" -> {
                    if (domain(r, "header", "d").filter(d -> aligned(d, evaluation, dkimMode(evaluation))).isPresent()) {
                        return true;
                    }
                }
                default -> {
                }
            }
        }
        return false;
    }

    /** A property's domain: the part after the last "@" (smtp.mailfrom may be an address), as a domain name. */
    private static Optional<DomainName> domain(MethodResult r, String ptype, String name) {
        return r.single(ptype, name).map(Property::value).map(v -> v.substring(v.lastIndexOf('@') + 1))
                .map(v -> v.toLowerCase(Locale.ROOT)).flatMap(DomainName::parse);
    }

    /** The adkim mode, known from the evaluated signatures; strict when there were none (fail closed). */
    private static AlignmentMode dkimMode(DmarcEvaluation evaluation) {
        return evaluation.dkim().stream().findFirst().map(DkimAlignment::mode).orElse(AlignmentMode.STRICT);
    }

    private static boolean aligned(DomainName identifier, DmarcEvaluation evaluation, AlignmentMode mode) {
        DomainName author = evaluation.authorDomain().orElseThrow();
        if (identifier.equals(author)) {
            return true;
        }
        if (mode == AlignmentMode.STRICT) {
            return false;
        }
        DomainName org = evaluation.organizationalDomain().orElse(author);
        return identifier.equals(org) || identifier.name().endsWith("." + org.name());
    }
}
