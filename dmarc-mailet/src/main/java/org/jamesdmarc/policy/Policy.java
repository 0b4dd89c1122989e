package org.jamesdmarc.policy;

import java.util.Locale;
import java.util.Optional;

/** Domain Owner Assessment Policy values of the {@code p}, {@code sp} and {@code np} tags (RFC 9989 §4.7). */
public enum Policy {
    NONE("none"),
    QUARANTINE("quarantine"),
    REJECT("reject");

    private final String tagValue;

    Policy(String tagValue) {
        this.tagValue = tagValue;
    }

    /** The value as written in a DMARC record and in reports. */
    public String tagValue() {
        return tagValue;
    }

    /** RFC 9989 §4.8: dmarc-request = "none" / "quarantine" / "reject" (ABNF strings are case-insensitive). */
    public static Optional<Policy> fromTagValue(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Policy p : values()) {
            if (p.tagValue.equals(v)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** RFC 9989 §4.7 {@code t=y}: the policy applied is one level below the one published. */
    public Policy oneLevelBelow() {
        return switch (this) {
            case REJECT -> QUARANTINE;
            case QUARANTINE, NONE -> NONE;
        };
    }
}
