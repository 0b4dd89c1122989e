package org.jamesdmarc.policy;

import java.util.Objects;

import org.jamesdmarc.dns.DomainName;

/**
 * Identifier Alignment (RFC 9989 §4.4, §3.2.10) for one evaluation: strict means the identifier
 * and the Author Domain are identical (as {@link DomainName}s: case-insensitive, RFC 4343); relaxed means both have the
 * same Organizational Domain, found by the same mechanism as the policy ({@link PolicyDiscovery}).
 * In tree-walk mode that can cost DNS queries (RFC 9989 §4.10.2), but only for an identifier at or below the
 * Author Domain's Organizational Domain ({@link #mayShareOrganizationalDomain}); they go through the
 * evaluation's {@link DmarcRecordLookup}, so each {@code _dmarc} name is queried at most once and
 * counted there, and Organizational Domains are cached here. Not thread-safe.
 */
public final class Alignment {

    private final PolicyDiscovery discovery;
    private final DmarcRecordLookup lookup;
    private final ByDomain<OrgDomainResult> orgDomains = new ByDomain<>();

    public Alignment(PolicyDiscovery discovery, DmarcRecordLookup lookup) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /** Records an Organizational Domain already known (e.g. from the policy discovery of the Author Domain). */
    public void remember(DomainName domain, DomainName organizationalDomain) {
        orgDomains.put(domain, new OrgDomainResult.Known(organizationalDomain));
    }

    /** The Organizational Domain of {@code domain}, cached for this evaluation. */
    public OrgDomainResult organizationalDomain(DomainName domain) {
        OrgDomainResult cached = orgDomains.get(domain);
        if (cached != null) {
            return cached;
        }
        OrgDomainResult r = discovery.organizationalDomain(domain, lookup);
        orgDomains.add(domain, r);
        return r;
    }

    /**
     * The alignment of an authenticated identifier, SPF or DKIM alike (RFC 9989 §4.10.2): checked only when
     * it {@linkplain AuthenticatedIdentifier#mayCount() may count}, else {@link AlignmentStatus#NOT_CHECKED}.
     */
    public AlignmentStatus of(AuthenticatedIdentifier identifier, DomainName authorDomain, AlignmentMode mode) {
        return identifier.mayCount() ? check(authorDomain, identifier.domain().orElseThrow(), mode)
                : AlignmentStatus.NOT_CHECKED;
    }

    /**
     * Whether {@code identifier}'s Organizational Domain can be {@code organizationalDomain}. RFC 9989 §3.2.14,
     * §4.10: a domain's Organizational Domain is the domain itself or one of its ancestors (the tree walk only
     * looks at the domain and its ancestors; the PSL method of RFC 7489 §3.2 keeps a suffix of it), so an
     * identifier that is not at or below the Author Domain's Organizational Domain can never be relaxed-aligned
     * with it: no tree walk is needed to say so.
     */
    public static boolean mayShareOrganizationalDomain(DomainName identifier, DomainName organizationalDomain) {
        return identifier.isAtOrBelow(organizationalDomain);
    }

    /** Is the identifier {@code i} aligned with the Author Domain {@code a} in {@code mode}? */
    public AlignmentStatus check(DomainName a, DomainName i, AlignmentMode mode) {
        // RFC 9989 §3.2.10.2: strict = identical; identical is also relaxed-aligned (§4.10.2 note).
        if (a.equals(i)) {
            return AlignmentStatus.ALIGNED;
        }
        if (mode == AlignmentMode.STRICT) {
            return AlignmentStatus.NOT_ALIGNED;
        }
        // An Organizational Domain is the domain itself or one of its ancestors, so two names
        // without a common top-level label cannot share one: no lookup needed.
        if (!a.topLevelLabel().equals(i.topLevelLabel())) {
            return AlignmentStatus.NOT_ALIGNED;
        }
        // RFC 9989 §3.2.10.1: relaxed = same Organizational Domain.
        OrgDomainResult oa = organizationalDomain(a);
        if (!(oa instanceof OrgDomainResult.Known ka)) {
            return oa instanceof OrgDomainResult.TempError ? AlignmentStatus.TEMPERROR : AlignmentStatus.NOT_ALIGNED;
        }
        if (!mayShareOrganizationalDomain(i, ka.domain())) {
            return AlignmentStatus.NOT_ALIGNED;
        }
        OrgDomainResult oi = organizationalDomain(i);
        if (!(oi instanceof OrgDomainResult.Known ki)) {
            return oi instanceof OrgDomainResult.TempError ? AlignmentStatus.TEMPERROR : AlignmentStatus.NOT_ALIGNED;
        }
        return ka.domain().equals(ki.domain()) ? AlignmentStatus.ALIGNED : AlignmentStatus.NOT_ALIGNED;
    }
}
