package org.jamesdmarc.store.opendmarc;

import java.util.Optional;

/**
 * The {@code align_dkim} and {@code align_spf} lines: {@code DMARC_POLICY_DKIM_ALIGNMENT_*} and
 * {@code DMARC_POLICY_SPF_ALIGNMENT_*}, 4 pass and 5 fail (the two tables share their values). Table:
 * OpenDMARC 1.4.2 {@code libopendmarc/dmarc.h}. {@link #NOT_EVALUATED} (0) is the library's initial value, what
 * it reports when alignment was never computed.
 */
public enum AlignmentOutcome {
    NOT_EVALUATED(0), PASS(4), FAIL(5);

    private final int code;

    AlignmentOutcome(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The outcome for an OpenDMARC code, empty for a code 1.4.x never writes. */
    public static Optional<AlignmentOutcome> fromCode(long code) {
        for (AlignmentOutcome a : values()) {
            if (a.code == code) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
