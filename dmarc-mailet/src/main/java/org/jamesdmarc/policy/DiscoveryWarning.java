package org.jamesdmarc.policy;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * Something noticed while discovering a policy or an Organizational Domain.
 *
 * @param domain the domain concerned; empty for {@link Code#INVALID_DOMAIN}, whose text is in the message
 */
public record DiscoveryWarning(Code code, Optional<DomainName> domain, String message) {

    public enum Code {
        /** RFC 9989 §4.10 step 2/6: several DMARC records at one name; all were discarded. */
        MULTIPLE_RECORDS,
        /** A TXT record started with {@code v=DMARC1} but could not be parsed; ignored. */
        MALFORMED_RECORD,
        /** RFC 9989 §4.10 step 4: labels were skipped because the name had 8 or more labels. */
        NAME_SHORTENED,
        /**
         * A record found during the tree walk that is neither the Author Domain's, the Organizational
         * Domain's nor the PSD's, so RFC 9989 §4.10.1 does not use it as policy.
         */
        INTERMEDIATE_RECORD_IGNORED,
        /** A DNS query failed temporarily. */
        DNS_TEMPFAIL,
        /** The domain given is not a valid host name. */
        INVALID_DOMAIN,
        /**
         * RFC 9989 §4.10.1: invalid or missing {@code p}, or invalid {@code sp}/{@code np}, with a
         * usable {@code rua}: processed as if the record said {@code p=none}.
         */
        POLICY_TREATED_AS_NONE,
        /** RFC 9989 §4.10.1: invalid or missing {@code p} (or bad {@code sp}/{@code np}) and no {@code rua}: no DMARC processing. */
        NO_USABLE_POLICY,
        /** The existence check for {@code np} failed temporarily; the less strict of sp/np was applied. */
        EXISTENCE_UNKNOWN
    }

    public DiscoveryWarning {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(message, "message");
    }

    /** A warning about {@code domain}. */
    public DiscoveryWarning(Code code, DomainName domain, String message) {
        this(code, Optional.of(domain), message);
    }

    @Override
    public String toString() {
        return code + domain.map(d -> " " + d.name()).orElse("") + ": " + message;
    }
}
