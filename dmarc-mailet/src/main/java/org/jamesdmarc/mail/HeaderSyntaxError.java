package org.jamesdmarc.mail;

import java.util.Objects;

/**
 * Why a header field value could not be read: the one syntax error of the RFC 5322 header layer, raised
 * by {@link HeaderLexer} and the grammars on top of it (From address lists, Authentication-Results,
 * Received-SPF, Received).
 */
public record HeaderSyntaxError(Kind kind, int position, String message) {

    public enum Kind {
        /** Empty or blank value. */
        EMPTY,
        /** Longer than the parser's cap (bounded work). */
        TOO_LONG,
        /** NUL, bare CR/LF or another control character (RFC 5322 §3.2.2 allows only folding whitespace). */
        CONTROL_CHARACTER,
        /** A Unicode line or paragraph separator, or an unpaired surrogate (RFC 6532 text that hides or splits). */
        INVALID_CHARACTER,
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
        /**
         * RFC 2047: an {@code "=?"} that does not open a well-formed encoded-word, or one that mail clients could
         * read over address syntax or that decodes to address syntax (an address the reader's client may show).
         */
        AMBIGUOUS_ENCODED_WORD,
        /** A domain that is no DNS domain name or reads differently under IDNA (domain literals included). */
        INVALID_DOMAIN,
        /** Anything else the grammar does not allow at this position. */
        UNEXPECTED
    }

    public HeaderSyntaxError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
