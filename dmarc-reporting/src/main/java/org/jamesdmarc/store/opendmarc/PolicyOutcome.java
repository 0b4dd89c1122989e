package org.jamesdmarc.store.opendmarc;

import java.util.Optional;

/**
 * The {@code policy} line: what the DMARC library concluded for the message, OpenDMARC's {@code DMARC_POLICY_*}
 * codes 14–18. Table: OpenDMARC 1.4.2 {@code libopendmarc/dmarc.h}. {@link #ABSENT}: no DMARC record was found.
 */
public enum PolicyOutcome {
    ABSENT(14), PASS(15), REJECT(16), QUARANTINE(17), NONE(18);

    private final int code;

    PolicyOutcome(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The outcome for an OpenDMARC code, empty for a code 1.4.x never writes. */
    public static Optional<PolicyOutcome> fromCode(long code) {
        for (PolicyOutcome o : values()) {
            if (o.code == code) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
