package org.jamesdmarc.policy;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.dns.DomainName;

/**
 * An Authenticated Identifier (RFC 9989 §3.2.1) as DMARC looks at it, whichever mechanism produced it: the
 * domain that SPF or a DKIM signature authenticated, and how that authentication went. SPF and DKIM differ
 * only in how they become one ({@link #of(SpfOutcome)}, {@link #of(DkimOutcome)}); identifier alignment
 * (§4.4) and the pass/fail decision (§5.3.5) then treat both alike.
 *
 * @param authentication how the mechanism's check went, as far as DMARC cares
 * @param domain         the authenticated domain (the SPF domain, the DKIM {@code d=}); empty when none
 */
public record AuthenticatedIdentifier(Authentication authentication, Optional<DomainName> domain) {

    public AuthenticatedIdentifier {
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(domain, "domain");
    }

    /** The three cases DMARC distinguishes among the SPF (RFC 7208 §2.6) and DKIM (RFC 8601 §2.7.1) results. */
    public enum Authentication {
        /** The mechanism authenticated the domain. */
        PASS,
        /** The check failed temporarily: a retry might authenticate it. */
        TEMPERROR,
        /** Anything else (fail, softfail, neutral, none, policy, permerror): it can never count. */
        OTHER
    }

    /** The SPF domain (MAIL FROM, or HELO for a null reverse-path) and the SPF result. */
    public static AuthenticatedIdentifier of(SpfOutcome spf) {
        Authentication a = switch (spf.result()) {
            case PASS -> Authentication.PASS;
            case TEMPERROR -> Authentication.TEMPERROR;
            case NONE, NEUTRAL, FAIL, SOFTFAIL, PERMERROR -> Authentication.OTHER;
        };
        return new AuthenticatedIdentifier(a, spf.domain());
    }

    /** The DKIM Signing Domain ({@code d=}) and the signature's verification result. */
    public static AuthenticatedIdentifier of(DkimOutcome dkim) {
        Authentication a = switch (dkim.result()) {
            case PASS -> Authentication.PASS;
            case TEMPERROR -> Authentication.TEMPERROR;
            case NONE, FAIL, POLICY, NEUTRAL, PERMERROR -> Authentication.OTHER;
        };
        return new AuthenticatedIdentifier(a, dkim.domain());
    }

    /**
     * Worth an alignment check (RFC 9989 §4.10.2): alignment matters only for an identifier that passed, or
     * that a retry might make pass, and only when there is a domain to compare.
     */
    public boolean mayCount() {
        return authentication != Authentication.OTHER && domain.isPresent();
    }
}
