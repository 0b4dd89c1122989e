package org.jamesdmarc.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * An Authentication-Results field or resinfo that {@link TrustedAuthResultsExtractor} did not use, and why.
 * {@code method} is empty when the whole field was ignored.
 */
public record IgnoredResult(Optional<String> authservId, Optional<String> method, Reason reason, String detail) {

    public enum Reason {
        /** The field does not parse (RFC 8601 §2.2); nothing in it is used. */
        MALFORMED_FIELD,
        /** RFC 8601 §5 / OpenDMARC TrustedAuthservIDs: the authserv-id is not one we trust. */
        UNTRUSTED_AUTHSERV_ID,
        /** The result keyword is not one RFC 8601 §2.7 registers for the method. */
        UNKNOWN_RESULT,
        /** No usable identity property (smtp.mailfrom/smtp.helo, header.d/header.i). */
        MISSING_IDENTITY,
        /** The identity is not a valid domain name (CVE-2020-12272: "good.example(.evil.example"). */
        INVALID_DOMAIN,
        /** A comment touches the identity value with no whitespace: possible results injection. */
        COMMENT_ATTACHED,
        /** An identity property given more than once: ambiguous, possibly injected. */
        DUPLICATE_PROPERTY,
        /** A property with a ptype not registered by RFC 8601 §2.3 (smtp, header, body, policy). */
        UNREGISTERED_PTYPE,
        /** A later spf= result when one was already taken (the topmost trusted one wins). */
        SUPERSEDED,
        /**
         * Beyond what is read per message: fields below the topmost few, DKIM results past the bound
         * ({@link TrustedAuthResultsExtractor#MAX_FIELDS}, {@link TrustedAuthResultsExtractor#MAX_DKIM_RESULTS}).
         */
        LIMIT_REACHED
    }

    public IgnoredResult {
        Objects.requireNonNull(authservId, "authservId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
