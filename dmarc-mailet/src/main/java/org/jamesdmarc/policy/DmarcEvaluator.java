package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainExistence;
import org.jamesdmarc.dns.DomainName;

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

    /**
     * Evaluates an Author Domain given as text (a single label allowed): text that is not a domain name is a
     * permerror (see {@link PolicyDiscovery#discover(String)}), without any DNS query.
     */
    public DmarcEvaluation evaluate(String authorDomain, SpfOutcome spf, List<DkimOutcome> dkim) {
        Optional<DomainName> author = DomainName.parse(authorDomain, true);
        if (author.isEmpty()) {
            DiscoveryResult disc = PolicyDiscovery.invalidAuthorDomain(discovery.mode(), authorDomain);
            return unevaluated(DmarcResult.PERMERROR, spf, dkim, disc, 0, disc.warnings());
        }
        return evaluate(new DmarcInput(author.get(), spf, dkim));
    }

    /**
     * The steps of RFC 9989 §5.3 after the Author Domain is known: policy discovery (§4.10.1), whether the
     * record's policy is usable ({@link #policyUse}), identifier alignment ({@link Alignment#of}), pass or fail
     * ({@link #passOrFail}), the policy that applies ({@link #appliedPolicy}, with the existence check of
     * {@link #needsExistenceCheck}) and what to do about a fail ({@link #enforcement}).
     */
    public DmarcEvaluation evaluate(DmarcInput input) {
        return discover(input.authorDomain(), dns).evaluate(input.spf(), input.dkim());
    }

    /**
     * The first step of {@link #evaluate(DmarcInput)} alone, every DNS query going through {@code dns} (e.g. a
     * client spending one message's budget): the policy discovery of {@code authorDomain}. The caller then learns
     * which identifiers {@linkplain AuthorEvaluation#mayAlign could align} before authenticating them, and
     * finishes with {@link AuthorEvaluation#evaluate}.
     */
    public AuthorEvaluation discover(DomainName authorDomain, DnsClient dns) {
        Objects.requireNonNull(authorDomain, "authorDomain");
        DmarcRecordLookup lookup = new DmarcRecordLookup(Objects.requireNonNull(dns, "dns"));
        return new AuthorEvaluation(this, authorDomain, dns, lookup, discovery.discover(authorDomain, lookup));
    }

    /** The steps of {@link #evaluate(DmarcInput)} after policy discovery, for {@link AuthorEvaluation#evaluate}. */
    DmarcEvaluation evaluate(AuthorEvaluation pending, SpfOutcome spfOutcome, List<DkimOutcome> dkimOutcomes) {
        DmarcInput input = new DmarcInput(pending.authorDomain(), spfOutcome, dkimOutcomes);
        DmarcRecordLookup lookup = pending.lookup();
        DomainName author = input.authorDomain();
        DiscoveryResult disc = pending.discovery();
        List<DiscoveryWarning> warnings = new ArrayList<>(disc.warnings());
        if (!disc.found()) {
            return unevaluated(resultWithoutRecord(disc.status()), input.spf(), input.dkim(), disc, lookup.queries(),
                    warnings);
        }
        DmarcRecord record = disc.record().orElseThrow();
        PolicyUse use = policyUse(record, author, disc, warnings);
        if (use == PolicyUse.NOT_APPLIED) {
            return unevaluated(DmarcResult.NONE, input.spf(), input.dkim(), disc, lookup.queries(), warnings);
        }

        // Identifier alignment (RFC 9989 §4.4, §4.10.2): one rule for SPF (aspf) and each DKIM signature (adkim).
        Alignment alignment = new Alignment(discovery, lookup);
        disc.organizationalDomain().ifPresent(org -> alignment.remember(author, org));
        SpfAlignment spf = new SpfAlignment(input.spf(), record.aspf(),
                alignment.of(AuthenticatedIdentifier.of(input.spf()), author, record.aspf()));
        DkimAlignment[] dkimAlignments = new DkimAlignment[input.dkim().size()];
        for (int i = 0; i < dkimAlignments.length; i++) {
            DkimOutcome d = input.dkim().get(i);
            dkimAlignments[i] = new DkimAlignment(d, record.adkim(),
                    alignment.of(AuthenticatedIdentifier.of(d), author, record.adkim()));
        }
        List<DkimAlignment> dkim = List.of(dkimAlignments);
        DmarcResult result = passOrFail(spf, dkim);

        PolicyDomainRole role = disc.policyDomainRole().orElseThrow();
        Optional<DomainExistence> existence = needsExistenceCheck(use, role, record, result)
                ? Optional.of(pending.dns().exists(author.name())) : Optional.empty();
        AppliedPolicy applied = appliedPolicy(use, role, record, existence, author, warnings);
        Enforcement enforcement = enforcement(result, applied, record);
        return new DmarcEvaluation(result, Optional.of(author), disc.policyDomain(), disc.organizationalDomain(),
                Optional.of(applied), enforcement.disposition(), record.testing(), enforcement.overrides(), spf, dkim,
                disc, lookup.queries() + (existence.isPresent() ? 1 : 0), warnings);
    }

    /** The result when discovery found no record to apply. */
    private static DmarcResult resultWithoutRecord(DiscoveryStatus status) {
        return switch (status) {
            case NONE -> DmarcResult.NONE;
            case TEMPERROR -> DmarcResult.TEMPERROR; // DNS failure: temperror, never reject
            case PERMERROR -> DmarcResult.PERMERROR;
            case FOUND -> throw new IllegalArgumentException("a record was found");
        };
    }

    /** RFC 9989 §4.10.1: what the record found can be used for. */
    private enum PolicyUse {
        /** A valid {@code p}, and {@code sp}/{@code np} valid or absent: the policy as published. */
        AS_PUBLISHED,
        /** An invalid or missing {@code p}, or an invalid {@code sp}/{@code np}, but a {@code rua}: p=none. */
        FORCED_NONE,
        /** The same without a {@code rua}: no DMARC processing at all. */
        NOT_APPLIED
    }

    private static PolicyUse policyUse(DmarcRecord record, DomainName author, DiscoveryResult disc,
                                       List<DiscoveryWarning> warnings) {
        boolean usable = record.p().isPresent()
                && !(record.tags().containsKey("sp") && record.sp().isEmpty())
                && !(record.tags().containsKey("np") && record.np().isEmpty());
        if (usable) {
            return PolicyUse.AS_PUBLISHED;
        }
        DomainName where = disc.policyDomain().orElse(author);
        if (record.rua().isEmpty()) {
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.NO_USABLE_POLICY, where,
                    "no valid p (or invalid sp/np) and no rua: DMARC not applied (RFC 9989 §4.10.1)"));
            return PolicyUse.NOT_APPLIED;
        }
        warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.POLICY_TREATED_AS_NONE, where,
                "no valid p (or invalid sp/np) but rua present: treated as p=none (RFC 9989 §4.10.1)"));
        return PolicyUse.FORCED_NONE;
    }

    /**
     * RFC 9989 §5.3.5: pass if any authenticated identifier is aligned; temperror if none is but a retry
     * could make one an aligned pass (its check or its alignment walk failed temporarily); else fail.
     */
    private static DmarcResult passOrFail(SpfAlignment spf, List<DkimAlignment> dkim) {
        if (spf.alignedPass() || anyAlignedPass(dkim)) {
            return DmarcResult.PASS;
        }
        if (spf.couldPassOnRetry() || anyCouldPassOnRetry(dkim)) {
            return DmarcResult.TEMPERROR;
        }
        return DmarcResult.FAIL;
    }

    private static boolean anyAlignedPass(List<DkimAlignment> dkim) {
        for (DkimAlignment d : dkim) {
            if (d.alignedPass()) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyCouldPassOnRetry(List<DkimAlignment> dkim) {
        for (DkimAlignment d : dkim) {
            if (d.couldPassOnRetry()) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 9989 §3.2.13: whether the Author Domain exists matters only for a failing subdomain of the policy
     * domain whose record's {@code sp} and {@code np} differ; otherwise the DNS queries are skipped.
     */
    private static boolean needsExistenceCheck(PolicyUse use, PolicyDomainRole role, DmarcRecord record,
                                               DmarcResult result) {
        return use == PolicyUse.AS_PUBLISHED && role != PolicyDomainRole.AUTHOR_DOMAIN && result == DmarcResult.FAIL
                && record.subdomainPolicy() != record.nonExistentSubdomainPolicy();
    }

    /** RFC 9989 §4.10.1: the tag of the record that applies to the Author Domain, and its value. */
    private static AppliedPolicy appliedPolicy(PolicyUse use, PolicyDomainRole role, DmarcRecord record,
                                               Optional<DomainExistence> existence, DomainName author,
                                               List<DiscoveryWarning> warnings) {
        boolean ownRecord = role == PolicyDomainRole.AUTHOR_DOMAIN;
        if (use == PolicyUse.FORCED_NONE) {
            return new AppliedPolicy(ownRecord ? AppliedPolicyTag.P : AppliedPolicyTag.SP, Policy.NONE);
        }
        if (ownRecord) {
            // The Author Domain's own record: the "p" tag.
            return new AppliedPolicy(AppliedPolicyTag.P, record.policy());
        }
        // The record of the Organizational or Public Suffix Domain, the Author Domain being a subdomain of it:
        // "sp" if the Author Domain exists, "np" if not (§3.2.13), each falling back to "p" (and np to sp)
        // when absent (§4.7). When the existence check cannot change the outcome it is skipped: sp.
        Policy sp = record.subdomainPolicy();
        Policy np = record.nonExistentSubdomainPolicy();
        if (existence.isEmpty()) {
            return new AppliedPolicy(AppliedPolicyTag.SP, sp);
        }
        return switch (existence.get()) {
            case EXISTS -> new AppliedPolicy(AppliedPolicyTag.SP, sp);
            case NON_EXISTENT -> new AppliedPolicy(AppliedPolicyTag.NP, np);
            case TEMPFAIL -> {
                // Unknown existence: apply the less strict of sp and np. They differ, so the less strict one
                // is at most quarantine: a DNS failure never rejects.
                warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.EXISTENCE_UNKNOWN, author,
                        "existence check failed temporarily; applied the less strict of sp=" + sp.tagValue()
                                + " and np=" + np.tagValue()));
                yield sp.ordinal() <= np.ordinal()
                        ? new AppliedPolicy(AppliedPolicyTag.SP, sp)
                        : new AppliedPolicy(AppliedPolicyTag.NP, np);
            }
        };
    }

    /** What to do with the message, and why that is below the applied policy (RFC 9990 PolicyOverrideType). */
    private record Enforcement(Disposition disposition, List<PolicyOverride> overrides) {
        static final Enforcement NONE = new Enforcement(Disposition.NONE, List.of());
    }

    /**
     * RFC 9989 §5.3.6: only a fail has a disposition: the applied policy, one level lower under {@code t=y}
     * (§4.7) or, with legacy sampling on, for a message outside the RFC 7489 {@code pct} sample.
     */
    private Enforcement enforcement(DmarcResult result, AppliedPolicy applied, DmarcRecord record) {
        Policy policy = applied.policy();
        if (result != DmarcResult.FAIL || policy == Policy.NONE) {
            return Enforcement.NONE;
        }
        if (record.testing()) {
            // RFC 9989 §4.7 t=y: apply the policy one level below the one published.
            return new Enforcement(Disposition.of(policy.oneLevelBelow()), List.of(PolicyOverride.POLICY_TEST_MODE));
        }
        if (sampledOut(record)) {
            return new Enforcement(Disposition.of(policy.oneLevelBelow()), List.of(PolicyOverride.SAMPLED_OUT));
        }
        return new Enforcement(Disposition.of(policy), List.of());
    }

    /**
     * RFC 7489 §6.6.4: a message outside the {@code pct} sample gets the next less strict policy. Only with
     * legacy sampling on, and never on top of {@code t=y} (both express the same intent; lowered once).
     */
    private boolean sampledOut(DmarcRecord record) {
        if (!options.legacyPctSampling() || record.pct().isEmpty() || record.pct().getAsInt() >= 100) {
            return false;
        }
        return options.percentile().getAsInt() >= record.pct().getAsInt();
    }

    private static DmarcEvaluation unevaluated(DmarcResult result, SpfOutcome spfOutcome,
                                               List<DkimOutcome> dkimOutcomes, DiscoveryResult disc, int lookups,
                                               List<DiscoveryWarning> warnings) {
        SpfAlignment spf = new SpfAlignment(spfOutcome, AlignmentMode.RELAXED, AlignmentStatus.NOT_CHECKED);
        List<DkimAlignment> dkim = dkimOutcomes.stream()
                .map(d -> new DkimAlignment(d, AlignmentMode.RELAXED, AlignmentStatus.NOT_CHECKED))
                .toList();
        return new DmarcEvaluation(result, disc.authorDomain(), disc.policyDomain(), disc.organizationalDomain(),
                Optional.empty(), Disposition.NONE, disc.record().map(DmarcRecord::testing).orElse(false), List.of(),
                spf, dkim, disc, lookups, warnings);
    }
}
