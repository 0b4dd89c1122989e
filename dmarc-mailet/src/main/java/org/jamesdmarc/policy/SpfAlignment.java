package org.jamesdmarc.policy;

import java.util.Objects;

import org.jamesdmarc.auth.SpfOutcome;

/** The SPF result with its alignment to the Author Domain ({@code aspf} mode). */
public record SpfAlignment(SpfOutcome outcome, AlignmentMode mode, AlignmentStatus alignment)
        implements IdentifierAlignment {
    public SpfAlignment {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(alignment, "alignment");
    }

    /** The SPF domain and result (RFC 9989 §4.4.2). */
    @Override
    public AuthenticatedIdentifier identifier() {
        return AuthenticatedIdentifier.of(outcome);
    }
}
