package org.jamesdmarc.auth;

import org.jamesdmarc.mail.HeaderSyntaxError;
import java.util.Objects;

/** What {@link ReceivedSpfParser#parse(String)} gives: the parsed field, or a syntax error. */
public sealed interface ReceivedSpfParseResult {

    record Parsed(ReceivedSpf field) implements ReceivedSpfParseResult {
        public Parsed {
            Objects.requireNonNull(field, "field");
        }
    }

    record Invalid(HeaderSyntaxError error) implements ReceivedSpfParseResult {
        public Invalid {
            Objects.requireNonNull(error, "error");
        }
    }
}
