package org.jamesdmarc.policy;

import java.util.Objects;

import org.jamesdmarc.auth.DkimOutcome;

/** One DKIM signature's result with its alignment to the Author Domain ({@code adkim} mode). */
public record DkimAlignment(DkimOutcome outcome, AlignmentMode mode, AlignmentStatus alignment)
        implements IdentifierAlignment {
    public DkimAlignment {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(alignment, "alignment");
    }

    /** The signature's {@code d=} and verification result (RFC 9989 §4.4.1). */
    @Override
    public AuthenticatedIdentifier identifier() {
        return AuthenticatedIdentifier.of(outcome);
    }
}
