package org.jamesdmarc.auth;

import java.util.Objects;

/** Whether the topmost Received-SPF field can be used as the SPF result, and if not, why. */
public sealed interface ReceivedSpfVerdict {

    record Trusted(SpfOutcome outcome, ReceivedSpf field) implements ReceivedSpfVerdict {
        public Trusted {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(field, "field");
        }
    }

    record NotTrusted(Reason reason, String detail) implements ReceivedSpfVerdict {
        public NotTrusted {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    enum Reason {
        /** No Received-SPF field at all. */
        ABSENT,
        /** The topmost Received-SPF does not parse (RFC 7208 §9.1). */
        MALFORMED,
        /** No identity= key: we cannot tell what was checked. */
        NO_IDENTITY,
        /** identity is not mailfrom (or helo for a null reverse-path), e.g. helo while MAIL FROM was not null. */
        WRONG_IDENTITY,
        /** identity=mailfrom without an envelope-from key. */
        NO_ENVELOPE_FROM,
        /** CVE-2019-20790: envelope-from differs from the envelope sender we saw. */
        ENVELOPE_FROM_MISMATCH,
        /** identity=helo without a helo key, or no HELO name known to compare with. */
        NO_HELO,
        /** helo differs from the HELO name we know. */
        HELO_MISMATCH,
        /** The identity's domain is not a valid domain name. */
        INVALID_DOMAIN
    }

    default boolean isTrusted() {
        return this instanceof Trusted;
    }
}
