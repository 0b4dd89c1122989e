package org.jamesdmarc.auth;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * The SPF result DMARC looks at: result, the domain that was checked, and its scope. {@code domain} is
 * empty when there was no usable identity.
 *
 * <p>{@code record} is the SPF record our own check_host() evaluated for {@code domain} (RFC 7208 §4.5: the one
 * {@code v=spf1} TXT record, its strings joined), as retrieved, for a failure report's {@code SPF-DNS} field (RFC
 * 6591 §3.2, RFC 9991): kept only when the result is not {@code pass} (the only results a failure report is about)
 * and at most {@value #MAX_RECORD_LENGTH} characters long; empty otherwise, and for results taken from upstream.
 */
public record SpfOutcome(SpfResult result, Optional<DomainName> domain, SpfScope scope, Optional<String> record) {

    /** The longest SPF record text kept; a longer one is not kept (a report then names the domain only). */
    public static final int MAX_RECORD_LENGTH = 2048;

    public SpfOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(record, "record");
        record = record.filter(r -> result != SpfResult.PASS && r.length() <= MAX_RECORD_LENGTH);
    }

    /** The result for {@code domain}, without a record. */
    public SpfOutcome(SpfResult result, Optional<DomainName> domain, SpfScope scope) {
        this(result, domain, scope, Optional.empty());
    }

    /** The result for {@code domain}, without a record. */
    public SpfOutcome(SpfResult result, DomainName domain, SpfScope scope) {
        this(result, Optional.of(domain), scope, Optional.empty());
    }

    public static SpfOutcome none() {
        return new SpfOutcome(SpfResult.NONE, Optional.empty(), SpfScope.MFROM);
    }
}
