package org.jamesdmarc.reporting.delivery;

import java.util.Objects;

/** What the outbound path did with one report message. */
public sealed interface HandOff {

    /** Taken: an SMTP server accepted the DATA, or James's mailet context queued the mail. */
    record Accepted(String detail) implements HandOff {
        public Accepted {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** A temporary failure (SMTP 4xx, a connection that failed or timed out): tried again later, with backoff. */
    record Deferred(String reason) implements HandOff {
        public Deferred {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A permanent failure (SMTP 5xx): recorded with its reason, never retried. */
    record Failed(String reason) implements HandOff {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
