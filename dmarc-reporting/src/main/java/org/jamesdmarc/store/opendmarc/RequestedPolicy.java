package org.jamesdmarc.store.opendmarc;

import java.util.Optional;

/**
 * The {@code p} and {@code sp} lines: the policy the record requests, written as the numeric value of the
 * character OpenDMARC stores ({@code DMARC_RECORD_P_*}: 0 unspecified, 'n' = 110 none, 'q' = 113 quarantine,
 * 'r' = 114 reject). Table: OpenDMARC 1.4.2 {@code libopendmarc/dmarc.h}.
 */
public enum RequestedPolicy {
    UNSPECIFIED(0), NONE('n'), QUARANTINE('q'), REJECT('r');

    private final int code;

    RequestedPolicy(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The policy for an OpenDMARC code, empty for a code 1.4.x never writes. */
    public static Optional<RequestedPolicy> fromCode(long code) {
        for (RequestedPolicy p : values()) {
            if (p.code == code) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
