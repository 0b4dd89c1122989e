package org.jamesdmarc.policy;

/**
 * An authenticated identifier with its alignment to the Author Domain (RFC 9989 §4.4): the SPF domain
 * ({@link SpfAlignment}, {@code aspf} mode) or one DKIM signature ({@link DkimAlignment}, {@code adkim} mode).
 * The rules that decide DMARC pass, fail or temperror (§5.3.5) are the same for both and live here.
 */
public sealed interface IdentifierAlignment permits SpfAlignment, DkimAlignment {

    /** The identifier, whichever mechanism authenticated it. */
    AuthenticatedIdentifier identifier();

    /** The record's alignment mode for this mechanism. */
    AlignmentMode mode();

    /** Whether the identifier is aligned with the Author Domain. */
    AlignmentStatus alignment();

    /** Authenticated and aligned: enough for a DMARC pass (RFC 9989 §4.4.1, §4.4.2, §5.3.5). */
    default boolean alignedPass() {
        return identifier().authentication() == AuthenticatedIdentifier.Authentication.PASS
                && alignment() == AlignmentStatus.ALIGNED;
    }

    /**
     * Not an aligned pass now, but a retry could make it one: it passed but its alignment failed temporarily
     * (an Organizational Domain lookup), or its check failed temporarily while it is, or may be, aligned.
     * Then DMARC is temperror rather than fail.
     */
    default boolean couldPassOnRetry() {
        return switch (identifier().authentication()) {
            case PASS -> alignment() == AlignmentStatus.TEMPERROR;
            case TEMPERROR -> alignment() == AlignmentStatus.ALIGNED || alignment() == AlignmentStatus.TEMPERROR;
            case OTHER -> false;
        };
    }
}
