package org.jamesdmarc.auth;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * The verification of one DKIM-Signature: result, signing domain {@code d=} (empty when absent or not a domain
 * name), selector, a short reason.
 */
public record DkimOutcome(DkimResult result, Optional<DomainName> domain, String selector, String reason) {

    public DkimOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(reason, "reason");
    }

    /** The outcome of a signature with signing domain {@code domain}. */
    public DkimOutcome(DkimResult result, DomainName domain, String selector, String reason) {
        this(result, Optional.of(domain), selector, reason);
    }
}
