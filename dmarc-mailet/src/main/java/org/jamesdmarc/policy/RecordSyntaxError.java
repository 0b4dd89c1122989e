package org.jamesdmarc.policy;

import java.util.Objects;

/** Why a TXT string is not a usable DMARC Policy Record. */
public record RecordSyntaxError(Kind kind, String message) {

    public enum Kind {
        /** Empty or blank text. */
        EMPTY,
        /** RFC 9989 §4.7: {@code v=DMARC1} absent, not first, or with another value: the record is ignored. */
        NOT_DMARC1,
        /** The tag-value list cannot be read (for example a tag without {@code =}). */
        MALFORMED
    }

    public RecordSyntaxError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
