package org.jamesdmarc.mail;

import java.util.Objects;

/**
 * What {@link ReceivedHeaderParser#parse(String)} gives for one Received field: the client it names, or why
 * no client can be read from it.
 */
public sealed interface ReceivedParseResult {

    record Parsed(RelayedClient client) implements ReceivedParseResult {
        public Parsed {
            Objects.requireNonNull(client, "client");
        }
    }

    record Invalid(Reason reason, String detail) implements ReceivedParseResult {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    enum Reason {
        /** The field does not follow the "from HELO (rdns [ip]) ... by host" shape (Postfix, James). */
        MALFORMED,
        /** No client address literal in the from-clause comment. */
        NO_CLIENT_ADDRESS,
        /** More than one address literal in comments: the HELO may carry an injected one; trust neither. */
        AMBIGUOUS
    }

    default boolean isParsed() {
        return this instanceof Parsed;
    }
}
