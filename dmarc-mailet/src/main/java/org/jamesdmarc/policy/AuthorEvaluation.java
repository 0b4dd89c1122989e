package org.jamesdmarc.policy;

import java.util.List;
import java.util.Objects;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainName;

/**
 * The DMARC evaluation of one Author Domain, between its two steps ({@link DmarcEvaluator#discover}): the policy
 * is discovered (RFC 9989 §4.10.1), the authenticated identifiers are not aligned yet. In between the caller can
 * ask which identifiers {@linkplain #mayAlign could align} and authenticate those first (the per-message budget
 * of {@code DmarcChecker}). Every DNS query of both steps goes through the client given to
 * {@link DmarcEvaluator#discover}, and each {@code _dmarc} name is queried once. Not thread-safe.
 */
public final class AuthorEvaluation {

    private final DmarcEvaluator evaluator;
    private final DomainName authorDomain;
    private final DnsClient dns;
    private final DmarcRecordLookup lookup;
    private final DiscoveryResult discovery;

    AuthorEvaluation(DmarcEvaluator evaluator, DomainName authorDomain, DnsClient dns, DmarcRecordLookup lookup,
                     DiscoveryResult discovery) {
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.authorDomain = Objects.requireNonNull(authorDomain, "authorDomain");
        this.dns = Objects.requireNonNull(dns, "dns");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
    }

    public DomainName authorDomain() {
        return authorDomain;
    }

    /** The policy discovery (the first step). */
    public DiscoveryResult discovery() {
        return discovery;
    }

    /**
     * Whether an authenticated identifier in {@code identifier} could be aligned with the Author Domain, so its
     * authentication can decide the verdict. False when no policy record was found (RFC 9989 §4.10.1: no
     * alignment is evaluated then). With the Organizational Domain known, only an identifier at or below it can
     * align ({@link Alignment#mayShareOrganizationalDomain}); with it unknown (a temporary DNS failure above a
     * record of the Author Domain's own), any identifier under the same top-level label might.
     */
    public boolean mayAlign(DomainName identifier) {
        Objects.requireNonNull(identifier, "identifier");
        if (!discovery.found()) {
            return false;
        }
        return discovery.organizationalDomain()
                .map(org -> Alignment.mayShareOrganizationalDomain(identifier, org))
                .orElseGet(() -> identifier.topLevelLabel().equals(authorDomain.topLevelLabel()));
    }

    /**
     * The second step: identifier alignment, pass or fail, the applied policy and the disposition (RFC 9989
     * §5.3.3–§5.3.6), as {@link DmarcEvaluator#evaluate(DmarcInput)} does them.
     */
    public DmarcEvaluation evaluate(SpfOutcome spf, List<DkimOutcome> dkim) {
        return evaluator.evaluate(this, spf, dkim);
    }

    DnsClient dns() {
        return dns;
    }

    DmarcRecordLookup lookup() {
        return lookup;
    }
}
