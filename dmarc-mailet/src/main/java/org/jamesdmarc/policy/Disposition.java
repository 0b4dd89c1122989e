package org.jamesdmarc.policy;

import java.util.Locale;

/** What the receiver should do with the message (RFC 9990 DispositionType none/quarantine/reject). */
public enum Disposition {
    NONE, QUARANTINE, REJECT;

    public String reportValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Disposition of(Policy policy) {
        return switch (policy) {
            case NONE -> NONE;
            case QUARANTINE -> QUARANTINE;
            case REJECT -> REJECT;
        };
    }
}
