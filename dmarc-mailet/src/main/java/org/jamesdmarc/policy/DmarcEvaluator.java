package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainExistence;

/**
 * DMARC evaluation of one message (RFC 9989 §5.3.1–§5.3.6): discover the policy, check identifier
 * alignment of the SPF and DKIM results, decide pass/fail and the disposition. Thread-safe; each
 * call uses its own DNS answer cache. Never throws for DNS trouble or bad input, and a DNS
 * temporary failure never leads to reject.
 */
public final class DmarcEvaluator {

    private final DnsClient dns;
    private final EvaluationOptions options;
    private final PolicyDiscovery discovery;

    public DmarcEvaluator(DnsClient dns, EvaluationOptions options) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.options = Objects.requireNonNull(options, "options");
        this.discovery = new PolicyDiscovery(dns, options.discoveryMode(), options.publicSuffixList());
    }

    public EvaluationOptions options() {
        return options;
    }

    public DmarcEvaluation evaluate(String authorDomain, SpfOutcome spf, List<DkimOutcome> dkim) {
        return evaluate(new DmarcInput(authorDomain, spf, dkim));
    }

    public DmarcEvaluation evaluate(DmarcInput input) {
        DmarcRecordLookup lookup = discovery.newLookup();
        DiscoveryResult disc = discovery.discover(input.authorDomain(), lookup);
        List<DiscoveryWarning> warnings = new ArrayList<>(disc.warnings());
        String author = disc.authorDomain();

        DmarcResult early = switch (disc.status()) {
            case NONE -> DmarcResult.NONE;
            case TEMPERROR -> DmarcResult.TEMPERROR; // DNS failure: temperror, never reject
            case PERMERROR -> DmarcResult.PERMERROR;
            case FOUND -> null;
        };
        if (early != null) {
            return unevaluated(early, input, disc, lookup.queries(), warnings);
        }
        DmarcRecord record = disc.record().orElseThrow();

        // RFC 9989 §4.10.1: invalid/missing p, or invalid sp/np: p=none if rua has a usable URI,
        // otherwise no DMARC processing at all.
        boolean policyUsable = record.p().isPresent()
                && !(record.tags().containsKey("sp") && record.sp().isEmpty())
                && !(record.tags().containsKey("np") && record.np().isEmpty());
        boolean forceNone = false;
        if (!policyUsable) {
            String where = disc.policyDomain().orElse(author);
            if (record.rua().isEmpty()) {
                warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.NO_USABLE_POLICY, where,
                        "no valid p (or invalid sp/np) and no rua: DMARC not applied (RFC 9989 §4.10.1)"));
                return unevaluated(DmarcResult.NONE, input, disc, lookup.queries(), warnings);
            }
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.POLICY_TREATED_AS_NONE, where,
                    "no valid p (or invalid sp/np) but rua present: treated as p=none (RFC 9989 §4.10.1)"));
            forceNone = true;
        }

        // Identifier alignment (RFC 9989 §4.4, §4.10.2).
        Alignment alignment = new Alignment(discovery, lookup);
        disc.organizationalDomain().ifPresent(org -> alignment.remember(author, org));
        SpfAlignment spf = spfAlignment(input.spf(), author, record.aspf(), alignment);
        List<DkimAlignment> dkim = new ArrayList<>(input.dkim().size());
        for (DkimOutcome d : input.dkim()) {
            dkim.add(dkimAlignment(d, author, record.adkim(), alignment));
        }

        // RFC 9989 §5.3.5: pass if any authenticated identifier is aligned.
        DmarcResult result;
        if (spf.alignedPass() || dkim.stream().anyMatch(DkimAlignment::alignedPass)) {
            result = DmarcResult.PASS;
        } else if (couldStillPass(spf, dkim)) {
            // An identifier that may be aligned failed temporarily (its check or its alignment
            // walk): a retry could pass, so temperror rather than fail.
            result = DmarcResult.TEMPERROR;
        } else {
            result = DmarcResult.FAIL;
        }

        int existenceChecks = 0;
        AppliedPolicy applied;
        PolicyDomainRole role = disc.policyDomainRole().orElseThrow();
        if (forceNone) {
            applied = new AppliedPolicy(role == PolicyDomainRole.AUTHOR_DOMAIN ? AppliedPolicyTag.P : AppliedPolicyTag.SP,
                    Policy.NONE);
        } else if (role == PolicyDomainRole.AUTHOR_DOMAIN) {
            // RFC 9989 §4.10.1: the Author Domain's own record: the "p" tag.
            applied = new AppliedPolicy(AppliedPolicyTag.P, record.policy());
        } else {
            // RFC 9989 §4.10.1: record of the Organizational or Public Suffix Domain, the Author
            // Domain being a subdomain of it: "sp" if the Author Domain exists, "np" if not
            // (§3.2.13), each falling back to "p" (and np to sp) when absent (§4.7).
            Policy sp = record.subdomainPolicy();
            Policy np = record.nonExistentSubdomainPolicy();
            if (sp == np || result != DmarcResult.FAIL) {
                // The existence check cannot change the outcome: skip the DNS queries.
                applied = new AppliedPolicy(AppliedPolicyTag.SP, sp);
            } else {
                existenceChecks++;
                DomainExistence existence = dns.exists(author);
                applied = switch (existence) {
                    case EXISTS -> new AppliedPolicy(AppliedPolicyTag.SP, sp);
                    case NON_EXISTENT -> new AppliedPolicy(AppliedPolicyTag.NP, np);
                    case TEMPFAIL -> {
                        // Unknown existence: apply the less strict of sp and np. They differ, so
                        // the less strict one is at most quarantine: a DNS failure never rejects.
                        warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.EXISTENCE_UNKNOWN, author,
                                "existence check failed temporarily; applied the less strict of sp=" + sp.tagValue()
                                        + " and np=" + np.tagValue()));
                        yield sp.ordinal() <= np.ordinal()
                                ? new AppliedPolicy(AppliedPolicyTag.SP, sp)
                                : new AppliedPolicy(AppliedPolicyTag.NP, np);
                    }
                };
            }
        }

        List<PolicyOverride> overrides = new ArrayList<>(1);
        Disposition disposition = Disposition.NONE;
        if (result == DmarcResult.FAIL) {
            Policy policy = applied.policy();
            if (record.testing() && policy != Policy.NONE) {
                // RFC 9989 §4.7 t=y: apply the policy one level below the one published.
                policy = policy.oneLevelBelow();
                overrides.add(PolicyOverride.POLICY_TEST_MODE);
            } else if (options.legacyPctSampling() && policy != Policy.NONE && record.pct().isPresent()
                    && record.pct().getAsInt() < 100) {
                // RFC 7489 §6.6.4: a message outside the pct sample gets the next less strict
                // policy. Not combined with t=y (both express the same intent; lowered once).
                int draw = options.percentile().getAsInt();
                if (draw >= record.pct().getAsInt()) {
                    policy = policy.oneLevelBelow();
                    overrides.add(PolicyOverride.SAMPLED_OUT);
                }
            }
            disposition = Disposition.of(policy);
        }
        return new DmarcEvaluation(result, author, disc.policyDomain(), disc.organizationalDomain(),
                Optional.of(applied), disposition, record.testing(), overrides, spf, dkim, disc,
                lookup.queries() + existenceChecks, warnings);
    }

    private static SpfAlignment spfAlignment(SpfOutcome spf, String author, AlignmentMode mode, Alignment alignment) {
        // RFC 9989 §4.10.2: alignment matters for a pass; a temperror might be a pass on retry.
        boolean relevant = (spf.result() == SpfResult.PASS || spf.result() == SpfResult.TEMPERROR)
                && !spf.domain().isEmpty();
        AlignmentStatus status = relevant ? alignment.check(author, spf.domain(), mode) : AlignmentStatus.NOT_CHECKED;
        return new SpfAlignment(spf, mode, status);
    }

    private static DkimAlignment dkimAlignment(DkimOutcome d, String author, AlignmentMode mode, Alignment alignment) {
        boolean relevant = (d.result() == DkimResult.PASS || d.result() == DkimResult.TEMPERROR)
                && !d.domain().isEmpty();
        AlignmentStatus status = relevant ? alignment.check(author, d.domain(), mode) : AlignmentStatus.NOT_CHECKED;
        return new DkimAlignment(d, mode, status);
    }

    private static boolean couldStillPass(SpfAlignment spf, List<DkimAlignment> dkim) {
        boolean spfMaybe = (spf.outcome().result() == SpfResult.PASS && spf.alignment() == AlignmentStatus.TEMPERROR)
                || (spf.outcome().result() == SpfResult.TEMPERROR
                && (spf.alignment() == AlignmentStatus.ALIGNED || spf.alignment() == AlignmentStatus.TEMPERROR));
        if (spfMaybe) {
            return true;
        }
        for (DkimAlignment d : dkim) {
            boolean maybe = (d.outcome().result() == DkimResult.PASS && d.alignment() == AlignmentStatus.TEMPERROR)
                    || (d.outcome().result() == DkimResult.TEMPERROR
                    && (d.alignment() == AlignmentStatus.ALIGNED || d.alignment() == AlignmentStatus.TEMPERROR));
            if (maybe) {
                return true;
            }
        }
        return false;
    }

    private DmarcEvaluation unevaluated(DmarcResult result, DmarcInput input, DiscoveryResult disc, int lookups,
                                        List<DiscoveryWarning> warnings) {
        SpfAlignment spf = new SpfAlignment(input.spf(), AlignmentMode.RELAXED, AlignmentStatus.NOT_CHECKED);
        List<DkimAlignment> dkim = input.dkim().stream()
                .map(d -> new DkimAlignment(d, AlignmentMode.RELAXED, AlignmentStatus.NOT_CHECKED))
                .toList();
        return new DmarcEvaluation(result, disc.authorDomain(), disc.policyDomain(), disc.organizationalDomain(),
                Optional.empty(), Disposition.NONE, disc.record().map(DmarcRecord::testing).orElse(false), List.of(),
                spf, dkim, disc, lookups, warnings);
    }
}
