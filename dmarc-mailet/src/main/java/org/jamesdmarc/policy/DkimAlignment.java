package org.jamesdmarc.policy;

import java.util.Objects;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;

/** One DKIM signature's result with its alignment to the Author Domain ({@code adkim} mode). */
public record DkimAlignment(DkimOutcome outcome, AlignmentMode mode, AlignmentStatus alignment) {
    public DkimAlignment {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(alignment, "alignment");
    }

    /** The signature verified and its d= is aligned: enough for a DMARC pass (RFC 9989 §4.4.1). */
    public boolean alignedPass() {
        return outcome.result() == DkimResult.PASS && alignment == AlignmentStatus.ALIGNED;
    }
}
