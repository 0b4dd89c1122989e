package org.jamesdmarc.auth.arc;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * One ARC set of a message (RFC 8617 §4.1): its instance {@code i=}, the sealer (the ARC-Seal's {@code d=} and
 * {@code s=}; empty when it does not read as a domain name), and the ARC-Authentication-Results payload after
 * {@code i=N;} (an RFC 8601 {@code authres-payload}: authserv-id and results), as the sealer recorded it.
 */
public record ArcSet(int instance, Optional<DomainName> sealer, String selector, String authResults) {

    public ArcSet {
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(authResults, "authResults");
        if (instance < 1 || instance > ArcVerifier.MAX_INSTANCES) {
            throw new IllegalArgumentException("instance out of range: " + instance);
        }
    }
}
