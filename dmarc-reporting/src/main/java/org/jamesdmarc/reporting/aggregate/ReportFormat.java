package org.jamesdmarc.reporting.aggregate;

import java.util.Optional;

import org.jamesdmarc.policy.PolicyOverride;

/**
 * The XML an aggregate report is written in: RFC 9990's (namespace {@code urn:ietf:params:xml:ns:dmarc-2.0}) or,
 * per destination, RFC 7489's (Appendix C: no namespace, {@code version} required, no {@code generator}, {@code sp},
 * {@code pct} and {@code fo} required, no {@code np}/{@code testing}/{@code discovery_method}, no {@code pass}
 * disposition, SPF {@code scope} required).
 */
public enum ReportFormat {
    RFC9990,
    RFC7489;

    /** RFC 9990's namespace. */
    public static final String RFC9990_NAMESPACE = "urn:ietf:params:xml:ns:dmarc-2.0";

    /**
     * The {@code reason} written for one of our overrides: a value the format's PolicyOverrideType lists, with a
     * comment naming ours when it had to become {@code other}. RFC 9990 has no {@code forwarded} and no
     * {@code sampled_out} (pct is gone); RFC 7489 has no {@code policy_test_mode} (the t tag is RFC 9989's).
     */
    public Reason reason(PolicyOverride o) {
        boolean listed = this == RFC9990 ? o.inRfc9990() : o != PolicyOverride.POLICY_TEST_MODE;
        return listed ? new Reason(o.reportValue(), Optional.empty()) : new Reason("other", Optional.of(o.reportValue()));
    }

    /** A {@code reason} element: its {@code type} and optional {@code comment}. */
    public record Reason(String type, Optional<String> comment) {
    }
}
