package org.jamesdmarc.policy;

import java.util.Locale;
import java.util.Optional;

/** The {@code psd} tag (RFC 9989 §4.7): is the publishing domain a Public Suffix Domain. */
public enum PsdFlag {
    /** {@code psd=y}: the domain is a PSD. */
    YES("y"),
    /** {@code psd=n}: not a PSD, and the Organizational Domain for itself and its subdomains. */
    NO("n"),
    /** {@code psd=u} (default): not a PSD; the tree walk decides the Organizational Domain. */
    UNSPECIFIED("u");

    private final String tagValue;

    PsdFlag(String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }

    public static Optional<PsdFlag> fromTagValue(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (PsdFlag f : values()) {
            if (f.tagValue.equals(v)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
