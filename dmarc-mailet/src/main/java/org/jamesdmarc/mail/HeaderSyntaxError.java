package org.jamesdmarc.mail;

import java.util.Objects;

/** Why a header field value (Authentication-Results, Received-SPF, Received) could not be read. */
public record HeaderSyntaxError(Kind kind, int position, String message) {

    public enum Kind {
        /** Empty or blank value. */
        EMPTY,
        /** Longer than the parser's cap (bounded work). */
        TOO_LONG,
        /** NUL, bare CR/LF or another control character (RFC 5322 §3.2.2 allows only folding whitespace). */
        CONTROL_CHARACTER,
        /** RFC 5322 §3.2.2: a comment without its closing parenthesis. */
        UNTERMINATED_COMMENT,
        /** Comments nested deeper than the parser allows. */
        COMMENT_TOO_DEEP,
        /** RFC 5322 §3.2.4: a quoted-string without its closing quote. */
        UNTERMINATED_QUOTED_STRING,
        /** RFC 8601 §2.5: the authserv-id is missing or not a value. */
        MISSING_AUTHSERV_ID,
        /** RFC 8601 §2.2: neither "none" nor a resinfo after the authserv-id. */
        NO_RESULTS,
        /** A result keyword that the grammar or registry does not know. */
        UNKNOWN_RESULT,
        /** More results, properties or keys than the parser's caps. */
        TOO_MANY_ITEMS,
        /** The same key given twice where that would be ambiguous. */
        DUPLICATE_KEY,
        /** Anything else the grammar does not allow at this position. */
        UNEXPECTED
    }

    public HeaderSyntaxError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
