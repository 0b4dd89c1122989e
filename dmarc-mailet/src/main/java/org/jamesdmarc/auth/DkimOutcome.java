package org.jamesdmarc.auth;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * The verification of one DKIM-Signature: result, signing domain {@code d=} (empty when absent or not a domain
 * name), selector, a short reason, and the Agent or User Identifier {@code i=} as the signature states it (RFC 6376
 * §3.5; empty when absent or unusable: see {@link #MAX_IDENTITY_LENGTH}), which a failure report's
 * {@code DKIM-Identity} names (RFC 6591 §3.2).
 */
public record DkimOutcome(DkimResult result, Optional<DomainName> domain, String selector, String reason,
                          Optional<String> identity) {

    /** The longest {@code i=} kept: an address is at most 254 octets (RFC 5321 §4.5.3.1.3 path less brackets). */
    public static final int MAX_IDENTITY_LENGTH = 254;

    public DkimOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(identity, "identity");
    }

    /** The outcome of a signature without a known {@code i=}. */
    public DkimOutcome(DkimResult result, Optional<DomainName> domain, String selector, String reason) {
        this(result, domain, selector, reason, Optional.empty());
    }

    /** The outcome of a signature with signing domain {@code domain}, without a known {@code i=}. */
    public DkimOutcome(DkimResult result, DomainName domain, String selector, String reason) {
        this(result, Optional.of(domain), selector, reason, Optional.empty());
    }

    /**
     * An {@code i=} value fit to report: printable US-ASCII without white space or {@code ;}, one {@code @}, at
     * most {@link #MAX_IDENTITY_LENGTH} characters (RFC 6376 §3.5: {@code [ Local-part ] "@" domain-name});
     * empty otherwise.
     */
    public static Optional<String> usableIdentity(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_IDENTITY_LENGTH) {
            return Optional.empty();
        }
        int at = value.lastIndexOf('@');
        if (at < 0 || at != value.indexOf('@') || at == value.length() - 1) {
            return Optional.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == ';') {
                return Optional.empty();
            }
        }
        return Optional.of(value);
    }
}
