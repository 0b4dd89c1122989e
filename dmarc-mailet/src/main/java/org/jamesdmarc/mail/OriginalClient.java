package org.jamesdmarc.mail;

import java.util.Objects;

/**
 * What {@link ReceivedHeaderParser#originalClient} found walking the Received fields top-down past the
 * trusted relays: the first client that is not one, a field on the way that cannot be read, or nothing.
 */
public sealed interface OriginalClient {

    /** The first client, below the trusted hops, that is not a trusted relay. */
    record Found(RelayedClient client) implements OriginalClient {
        public Found {
            Objects.requireNonNull(client, "client");
        }
    }

    /** The walk stopped at a Received field it cannot read: the {@code hop}-th (from 1), and why. */
    record Unreadable(int hop, ReceivedParseResult.Invalid field) implements OriginalClient {
        public Unreadable {
            Objects.requireNonNull(field, "field");
        }

        public String detail() {
            return "Received #" + hop + ": " + field.detail();
        }
    }

    /** No client to find. */
    record NotFound(Reason reason, String detail) implements OriginalClient {
        public NotFound {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    enum Reason {
        /** No Received field to read. */
        NO_RECEIVED,
        /** Every Received field read came from a trusted relay (within the hop limit). */
        ALL_TRUSTED
    }
}
