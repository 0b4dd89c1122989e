package org.jamesdmarc.mail;

import java.util.Objects;

/** Outcome of {@link ReceivedHeaderParser}: the relayed client, or why it could not be found. */
public sealed interface ReceivedParseResult {

    record Found(RelayedClient client) implements ReceivedParseResult {
        public Found {
            Objects.requireNonNull(client, "client");
        }
    }

    record NotFound(Reason reason, String detail) implements ReceivedParseResult {
        public NotFound {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    enum Reason {
        /** No Received field to read. */
        NO_RECEIVED,
        /** The field does not follow the "from HELO (rdns [ip]) ... by host" shape (Postfix, James). */
        MALFORMED,
        /** No client address literal in the from-clause comment. */
        NO_CLIENT_ADDRESS,
        /** More than one address literal in comments: the HELO may carry an injected one; trust neither. */
        AMBIGUOUS,
        /** Every Received field read came from a trusted relay (within the hop limit). */
        ALL_TRUSTED
    }

    default boolean isFound() {
        return this instanceof Found;
    }
}
