package org.jamesdmarc.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * The DMARC verdict for one message.
 *
 * @param result               pass / fail / none / temperror / permerror
 * @param authorDomain         the Author Domain; empty only when the text evaluated was not a domain name
 *                             (permerror)
 * @param policyDomain         where the applied record was published, when one was found
 * @param organizationalDomain the Author Domain's Organizational Domain, when known
 * @param appliedPolicy        which tag of the record applies and its value, when a usable record was found
 * @param disposition          what to do: NONE for anything but fail; for fail the applied policy,
 *                             lowered by {@code t=y} or legacy {@code pct} sampling
 * @param testing              the record's {@code t=y}
 * @param overrides            why the disposition is below the applied policy
 * @param spf                  the SPF identifier and its alignment
 * @param dkim                 each DKIM signature and its alignment
 * @param discovery            the policy discovery
 * @param dnsLookups           DNS queries of the whole evaluation: {@code _dmarc} TXT queries (discovery
 *                             and alignment tree walks) plus one per existence check
 * @param warnings             discovery warnings plus evaluation notes
 */
public record DmarcEvaluation(
        DmarcResult result,
        Optional<DomainName> authorDomain,
        Optional<DomainName> policyDomain,
        Optional<DomainName> organizationalDomain,
        Optional<AppliedPolicy> appliedPolicy,
        Disposition disposition,
        boolean testing,
        List<PolicyOverride> overrides,
        SpfAlignment spf,
        List<DkimAlignment> dkim,
        DiscoveryResult discovery,
        int dnsLookups,
        List<DiscoveryWarning> warnings) {

    public DmarcEvaluation {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(authorDomain, "authorDomain");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(organizationalDomain, "organizationalDomain");
        Objects.requireNonNull(appliedPolicy, "appliedPolicy");
        Objects.requireNonNull(disposition, "disposition");
        overrides = List.copyOf(overrides);
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(discovery, "discovery");
        warnings = List.copyOf(warnings);
        if (result != DmarcResult.FAIL && disposition != Disposition.NONE) {
            throw new IllegalArgumentException("only a DMARC fail can have a disposition other than none");
        }
    }

    /** True when SPF or any DKIM signature gave an aligned pass. */
    public boolean anyAlignedPass() {
        return spf.alignedPass() || dkim.stream().anyMatch(DkimAlignment::alignedPass);
    }
}
