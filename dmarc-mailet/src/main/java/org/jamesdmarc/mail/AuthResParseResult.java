package org.jamesdmarc.mail;

import java.util.Objects;

/** What {@link AuthenticationResultsParser#parse(String)} gives: the parsed field or a syntax error. */
public sealed interface AuthResParseResult {

    record Parsed(AuthenticationResults results) implements AuthResParseResult {
        public Parsed {
            Objects.requireNonNull(results, "results");
        }
    }

    record Invalid(HeaderSyntaxError error) implements AuthResParseResult {
        public Invalid {
            Objects.requireNonNull(error, "error");
        }
    }

    default boolean isParsed() {
        return this instanceof Parsed;
    }
}
