package org.jamesdmarc.store.opendmarc;

import java.util.Optional;

/**
 * The {@code adkim} and {@code aspf} lines: the record's alignment mode, written as the numeric value of the
 * character OpenDMARC stores ({@code DMARC_RECORD_A_*}: 0 unspecified, 'r' = 114 relaxed, 's' = 115 strict).
 * Table: OpenDMARC 1.4.2 {@code libopendmarc/dmarc.h}.
 */
public enum AlignmentMode {
    UNSPECIFIED(0), RELAXED('r'), STRICT('s');

    private final int code;

    AlignmentMode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The mode for an OpenDMARC code, empty for a code 1.4.x never writes. */
    public static Optional<AlignmentMode> fromCode(long code) {
        for (AlignmentMode m : values()) {
            if (m.code == code) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
