package org.jamesdmarc.auth;

import java.util.Objects;

/**
 * The SPF result DMARC looks at: result, the domain that was checked (lower-case A-label), and its scope.
 * {@code domain} is empty when there was no usable identity.
 */
public record SpfOutcome(SpfResult result, String domain, SpfScope scope) {

    public SpfOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(scope, "scope");
    }

    public static SpfOutcome none() {
        return new SpfOutcome(SpfResult.NONE, "", SpfScope.MFROM);
    }
}
