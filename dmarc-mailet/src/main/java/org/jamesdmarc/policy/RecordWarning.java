package org.jamesdmarc.policy;

import java.util.Objects;

/** Something in a DMARC record that was accepted but deserves the publisher's attention. */
public record RecordWarning(Code code, String tag, String message) {

    public enum Code {
        /** A tag that no DMARC specification defines; RFC 9989 §4.7 says to ignore it. */
        UNKNOWN_TAG,
        /** {@code pct}, {@code rf} or {@code ri}: defined by RFC 7489, retired by RFC 9989. */
        RETIRED_TAG,
        /** A value that does not match the tag's syntax; RFC 9989 §4.8 says to discard it. */
        INVALID_VALUE,
        /** The same tag twice; the first occurrence is used. */
        DUPLICATE_TAG,
        /** No {@code p} tag (or an invalid one): treated as {@code p=none} (RFC 9989 §4.7). */
        MISSING_POLICY,
        /** A report URI whose scheme is not {@code mailto:}; receivers may ignore it. */
        NON_MAILTO_URI,
        /** A report URI that is not a URI at all; it is dropped. */
        INVALID_URI,
        /** The RFC 7489 {@code !size} suffix on a report URI (obsolete syntax). */
        LEGACY_SIZE_LIMIT,
        /** {@code fo} without {@code ruf}: RFC 9989 §4.7 says its content is ignored. */
        FO_WITHOUT_RUF,
        /** Empty tag value or stray separator that was skipped. */
        MALFORMED_TAG
    }

    public RecordWarning {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return message;
    }
}
