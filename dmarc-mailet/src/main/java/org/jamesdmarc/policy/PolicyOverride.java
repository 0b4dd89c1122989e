package org.jamesdmarc.policy;

/**
 * Why the disposition differs from the published policy: the aggregate report PolicyOverrideType
 * values (RFC 9990 schema: local_policy, mailing_list, other, policy_test_mode, trusted_forwarder)
 * plus the RFC 7489 values forwarded and sampled_out, kept for legacy reports.
 */
public enum PolicyOverride {
    FORWARDED("forwarded", false),
    SAMPLED_OUT("sampled_out", false),
    TRUSTED_FORWARDER("trusted_forwarder", true),
    MAILING_LIST("mailing_list", true),
    LOCAL_POLICY("local_policy", true),
    OTHER("other", true),
    POLICY_TEST_MODE("policy_test_mode", true);

    private final String reportValue;
    private final boolean inRfc9990;

    PolicyOverride(String reportValue, boolean inRfc9990) {
        this.reportValue = reportValue;
        this.inRfc9990 = inRfc9990;
    }

    /** The value written in the aggregate report's {@code reason/type}. */
    public String reportValue() {
        return reportValue;
    }

    /** True when the RFC 9990 schema lists it; otherwise it is RFC 7489 only. */
    public boolean inRfc9990() {
        return inRfc9990;
    }
}
