package org.jamesdmarc.auth;

import java.util.Optional;

/**
 * Per-check counters for the RFC 7208 §4.6.4 limits that jSPF 1.0.3 does not enforce itself (it does enforce the
 * limit of 10 DNS-querying mechanisms/modifiers). Used by one thread at a time.
 */
final class SpfLookupBudget {

    /** RFC 7208 §4.6.4: "SPF implementations SHOULD limit 'void lookups' to two." */
    static final int MAX_VOID_LOOKUPS = 2;

    private int voidLookups;
    private String violation;
    private boolean tempFailureBeforeViolation;

    void voidLookup() {
        voidLookups++;
        if (voidLookups > MAX_VOID_LOOKUPS) {
            violate("more than " + MAX_VOID_LOOKUPS + " void DNS lookups");
        }
    }

    void violate(String why) {
        if (violation == null) {
            violation = why;
        }
    }

    void tempFailure() {
        if (violation == null) {
            tempFailureBeforeViolation = true;
        }
    }

    /** A temporary failure happened before any limit was exceeded, so temperror came first in evaluation order. */
    boolean tempFailureBeforeViolation() {
        return tempFailureBeforeViolation;
    }

    boolean exceeded() {
        return violation != null;
    }

    Optional<String> violation() {
        return Optional.ofNullable(violation);
    }
}
