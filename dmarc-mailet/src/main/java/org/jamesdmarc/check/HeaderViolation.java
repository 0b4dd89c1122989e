package org.jamesdmarc.check;

/** A From field DMARC cannot evaluate safely, rejected because the configuration says so. */
public enum HeaderViolation {
    /** No From field, an empty one or a garbled one, with {@code requiredHeaders=true} (RequiredHeaders). */
    INVALID_FROM,
    /** More than one From field, with {@code requiredHeaders=true} (RFC 5322 §3.6 allows exactly one). */
    MULTIPLE_FROM_FIELDS,
    /** Addresses in several domains, with {@code rejectMultiValueFrom=true} (RejectMultiValueFrom). */
    MULTI_VALUE_FROM
}
