package org.jamesdmarc.store.opendmarc;

import java.util.Optional;

/**
 * The {@code action} line: what the milter did with the message, {@code DMARC_RESULT_*} 0 reject, 1 discard,
 * 2 accept, 3 tempfail, 4 quarantine. Table: OpenDMARC 1.4.2 {@code opendmarc/opendmarc.h}.
 */
public enum MilterAction {
    REJECT(0), DISCARD(1), ACCEPT(2), TEMPFAIL(3), QUARANTINE(4);

    private final int code;

    MilterAction(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The action for an OpenDMARC code, empty for a code 1.4.x never writes. */
    public static Optional<MilterAction> fromCode(long code) {
        return code >= 0 && code <= 4 ? Optional.of(values()[(int) code]) : Optional.empty();
    }
}
