package org.jamesdmarc.auth;

import org.jamesdmarc.mail.HeaderSyntaxError;
import java.util.Objects;

/** Outcome of {@link ReceivedSpfParser#parse(String)}. */
public sealed interface ReceivedSpfParseResult {

    record Parsed(ReceivedSpf field) implements ReceivedSpfParseResult {
        public Parsed {
            Objects.requireNonNull(field, "field");
        }
    }

    record Malformed(HeaderSyntaxError error) implements ReceivedSpfParseResult {
        public Malformed {
            Objects.requireNonNull(error, "error");
        }
    }
}
