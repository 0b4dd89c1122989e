package org.jamesdmarc.store.opendmarc;

import java.util.Optional;

/**
 * The number after {@code arc_policy}: {@code DMARC_ARC_POLICY_RESULT_*}, 0 pass, 1 unused, 2 fail. Table:
 * OpenDMARC 1.4.2 {@code opendmarc/opendmarc.h}. {@link #NOT_RECORDED}: the entry has no {@code arc_policy} line
 * (files of OpenDMARC before 1.4).
 */
public enum ArcPolicyResult {
    PASS(0), UNUSED(1), FAIL(2), NOT_RECORDED(-1);

    private final int code;

    ArcPolicyResult(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The result for an OpenDMARC code, empty for a code 1.4.x never writes. */
    public static Optional<ArcPolicyResult> fromCode(long code) {
        return code >= 0 && code <= 2 ? Optional.of(values()[(int) code]) : Optional.empty();
    }
}
