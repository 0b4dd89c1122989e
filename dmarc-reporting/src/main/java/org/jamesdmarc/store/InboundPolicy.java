package org.jamesdmarc.store;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Policy;

/**
 * A report's {@code policy_published}: the DMARC record the reporter found for the policy domain (RFC 9990 §2.1.3,
 * RFC 7489 Appendix C). Every tag is optional here: reporters leave some out, and {@code pct} is RFC 7489's only,
 * {@code np}, {@code testing} and {@code discovery_method} RFC 9990's.
 */
public record InboundPolicy(Optional<Policy> p, Optional<Policy> sp, Optional<Policy> np,
                            Optional<AlignmentMode> adkim, Optional<AlignmentMode> aspf, OptionalInt pct,
                            Optional<String> fo, Optional<Boolean> testing, Optional<DiscoveryMode> discovery) {
    public InboundPolicy {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(sp, "sp");
        Objects.requireNonNull(np, "np");
        Objects.requireNonNull(adkim, "adkim");
        Objects.requireNonNull(aspf, "aspf");
        Objects.requireNonNull(pct, "pct");
        Objects.requireNonNull(fo, "fo");
        Objects.requireNonNull(testing, "testing");
        Objects.requireNonNull(discovery, "discovery");
        fo = fo.map(f -> Text.clean(f, 32));
        if (pct.isPresent() && (pct.getAsInt() < 0 || pct.getAsInt() > 100)) {
            throw new IllegalArgumentException("pct out of 0..100: " + pct.getAsInt());
        }
    }

    /** No tag known. */
    public static InboundPolicy none() {
        return new InboundPolicy(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
