package org.jamesdmarc.mail;

import java.util.Objects;

/** Outcome of {@link AuthenticationResultsParser#parse(String)}: a parsed field or a syntax error. */
public sealed interface AuthResParseResult {

    record Parsed(AuthenticationResults results) implements AuthResParseResult {
        public Parsed {
            Objects.requireNonNull(results, "results");
        }
    }

    record Malformed(HeaderSyntaxError error) implements AuthResParseResult {
        public Malformed {
            Objects.requireNonNull(error, "error");
        }
    }

    default boolean isParsed() {
        return this instanceof Parsed;
    }
}
