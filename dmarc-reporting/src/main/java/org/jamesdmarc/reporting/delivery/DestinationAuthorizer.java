package org.jamesdmarc.reporting.delivery;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DmarcRecordLookup;
import org.jamesdmarc.policy.OrgDomainResult;
import org.jamesdmarc.policy.PolicyDiscovery;
import org.jamesdmarc.reporting.ExternalDestinationVerifier;
import org.jamesdmarc.reporting.ExternalDestinationVerifier.Verification;

/**
 * Whether reports about a policy domain may go to a destination host (RFC 9990 "Verifying External Destinations"):
 * a host with the policy domain's Organizational Domain may; another must publish
 * {@code <policy-domain>._report._dmarc.<host>} TXT {@code v=DMARC1}.
 */
public interface DestinationAuthorizer {

    /** The decision for one (policy domain, destination host). */
    sealed interface Authorization {
        /** Send; {@code overrideAddress}: the authorization record's {@code rua} address on the same host, if any. */
        record Allowed(Optional<String> overrideAddress, String why) implements Authorization {
        }

        /** Do not send, ever (for this period). */
        record Refused(String reason) implements Authorization {
        }

        /** A DNS failure: ask again later. */
        record TryLater(String reason) implements Authorization {
        }
    }

    Authorization authorize(DomainName policyDomain, DomainName destinationHost);

    /** Every destination allowed, no DNS (tests; destinations the operator vouches for). */
    static DestinationAuthorizer allowAll() {
        return (domain, host) -> new Authorization.Allowed(Optional.empty(), "not verified");
    }

    /** The RFC 9990 check through {@code discovery}'s DNS and Organizational Domain method. */
    static DestinationAuthorizer dns(PolicyDiscovery discovery, ExternalDestinationVerifier verifier) {
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(verifier, "verifier");
        return (domain, host) -> {
            if (domain.equals(host)) {
                // RFC 9990 §Verifying External Destinations: a destination whose host IS the policy domain
                // trivially shares its Organizational Domain; no DNS needed (the common rua=mailto:x@same.domain).
                return new Authorization.Allowed(Optional.empty(), "same domain");
            }
            DmarcRecordLookup lookup = discovery.newLookup();
            OrgDomainResult policyOrg = discovery.organizationalDomain(domain, lookup);
            OrgDomainResult hostOrg = discovery.organizationalDomain(host, lookup);
            if (policyOrg instanceof OrgDomainResult.TempError t) {
                return new Authorization.TryLater("Organizational Domain of " + domain.name() + ": " + t.detail());
            }
            if (hostOrg instanceof OrgDomainResult.TempError t) {
                return new Authorization.TryLater("Organizational Domain of " + host.name() + ": " + t.detail());
            }
            if (policyOrg.equals(hostOrg)) {
                return new Authorization.Allowed(Optional.empty(), "same Organizational Domain");
            }
            Verification v = verifier.verify(domain, host);
            if (v instanceof Verification.Authorized a) {
                return new Authorization.Allowed(a.overrideRua().stream()
                        .map(u -> ReportDestination.parse(u.uri())).flatMap(Optional::stream)
                        .map(ReportDestination::address).findFirst(), "authorized by " + a.verificationName());
            }
            if (v instanceof Verification.NotAuthorized n) {
                return new Authorization.Refused("external destination not authorized: " + n.verificationName() + ": "
                        + n.reason());
            }
            if (v instanceof Verification.OverrideToOtherHost o) {
                return new Authorization.Refused("the external destination's authorization record names another "
                        + "host: " + o.verificationName());
            }
            return new Authorization.TryLater("verifying " + v.verificationName() + ": "
                    + ((Verification.TempError) v).detail());
        };
    }
}
