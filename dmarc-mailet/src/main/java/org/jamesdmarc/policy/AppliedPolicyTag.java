package org.jamesdmarc.policy;

import java.util.Locale;

/** Which tag of the policy record decided the policy (RFC 9989 §4.7, §4.10.1). */
public enum AppliedPolicyTag {
    /** {@code p}: the record is the Author Domain's own. */
    P,
    /** {@code sp} (or {@code p} when sp is absent): the Author Domain is an existing subdomain of the policy domain. */
    SP,
    /** {@code np} (or sp, then p, when absent): the Author Domain is a non-existent subdomain. */
    NP;

    /** The tag name as written in a record: {@code p}, {@code sp}, {@code np}. */
    public String tagName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
