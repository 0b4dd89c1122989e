package org.jamesdmarc.policy;

import java.util.Locale;
import java.util.Optional;

/** One value of the {@code fo} tag (RFC 9989 §4.7): when the Domain Owner asks for failure reports. */
public enum FailureOption {
    /** {@code 0}: a DMARC failure report when no mechanism produced an aligned pass. */
    ALL_FAIL("0"),
    /** {@code 1}: a DMARC failure report when any mechanism failed to produce an aligned pass. */
    ANY_FAIL("1"),
    /** {@code d}: a DKIM failure report (RFC 6651 style) when a signature failed, whatever its alignment. */
    DKIM("d"),
    /** {@code s}: an SPF failure report (RFC 6652 style) when SPF failed, whatever its alignment. */
    SPF("s");

    private final String tagValue;

    FailureOption(String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }

    /** The option {@code value} names (case-insensitive), or empty. */
    public static Optional<FailureOption> fromTagValue(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (FailureOption o : values()) {
            if (o.tagValue.equals(v)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
