package org.jamesdmarc.store.opendmarc;

import java.util.Optional;

/**
 * An authentication result as OpenDMARC writes it in the {@code spf}, {@code dkim} and {@code arc} lines: its
 * {@code ARES_RESULT_*} code. Table: OpenDMARC 1.4.2 {@code opendmarc/opendmarc-ar.h} ({@code ares_result_t}).
 * {@link #UNDEFINED} (-1) is what the {@code spf} line holds when no SPF result was found at all.
 */
public enum AuthResultCode {
    UNDEFINED(-1), PASS(0), UNUSED(1), SOFTFAIL(2), NEUTRAL(3), TEMPERROR(4), PERMERROR(5), NONE(6), FAIL(7),
    POLICY(8), NXDOMAIN(9), SIGNED(10), UNKNOWN(11), DISCARD(12);

    private static final AuthResultCode[] BY_CODE = new AuthResultCode[14];

    static {
        for (AuthResultCode r : values()) {
            BY_CODE[r.code + 1] = r;
        }
    }

    private final int code;

    AuthResultCode(int code) {
        this.code = code;
    }

    /** OpenDMARC's numeric code. */
    public int code() {
        return code;
    }

    /** The result for an OpenDMARC code, empty for a code 1.4.x never writes. */
    public static Optional<AuthResultCode> fromCode(long code) {
        return code >= -1 && code <= 12 ? Optional.of(BY_CODE[(int) code + 1]) : Optional.empty();
    }
}
