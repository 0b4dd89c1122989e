package org.jamesdmarc.policy;

import java.util.Locale;
import java.util.Optional;

/** Identifier alignment modes of the {@code adkim} and {@code aspf} tags (RFC 9989 §4.4). */
public enum AlignmentMode {
    RELAXED("r"),
    STRICT("s");

    private final String tagValue;

    AlignmentMode(String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }

    /** RFC 9989 §4.8: dmarc-rors = "r" / "s". */
    public static Optional<AlignmentMode> fromTagValue(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (AlignmentMode m : values()) {
            if (m.tagValue.equals(v)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
