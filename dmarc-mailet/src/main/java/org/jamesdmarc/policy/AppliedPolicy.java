package org.jamesdmarc.policy;

import java.util.Objects;

/** The policy the record requests for this Author Domain, before {@code t=y} or sampling. */
public record AppliedPolicy(AppliedPolicyTag tag, Policy policy) {
    public AppliedPolicy {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(policy, "policy");
    }
}
