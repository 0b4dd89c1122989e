package org.jamesdmarc.policy;

import java.util.Objects;

import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;

/** The SPF result with its alignment to the Author Domain ({@code aspf} mode). */
public record SpfAlignment(SpfOutcome outcome, AlignmentMode mode, AlignmentStatus alignment) {
    public SpfAlignment {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(alignment, "alignment");
    }

    /** SPF passed and the SPF domain is aligned: enough for a DMARC pass (RFC 9989 §4.4.2). */
    public boolean alignedPass() {
        return outcome.result() == SpfResult.PASS && alignment == AlignmentStatus.ALIGNED;
    }
}
