package org.jamesdmarc.auth;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * The SPF result DMARC looks at: result, the domain that was checked, and its scope. {@code domain} is
 * empty when there was no usable identity.
 */
public record SpfOutcome(SpfResult result, Optional<DomainName> domain, SpfScope scope) {

    public SpfOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(scope, "scope");
    }

    /** The result for {@code domain}. */
    public SpfOutcome(SpfResult result, DomainName domain, SpfScope scope) {
        this(result, Optional.of(domain), scope);
    }

    public static SpfOutcome none() {
        return new SpfOutcome(SpfResult.NONE, Optional.empty(), SpfScope.MFROM);
    }
}
