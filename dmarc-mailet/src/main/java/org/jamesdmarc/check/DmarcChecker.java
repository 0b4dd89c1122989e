package org.jamesdmarc.check;

/**
 * The one evaluation path: From field, trusted upstream results or our own SPF and DKIM checks, DMARC
 * policy evaluation, and the Authentication-Results field to add. Used by the {@code DmarcCheck} mailet,
 * the {@code DmarcMessageHook} SMTP hook and {@code dmarc evaluate}. Thread-safe.
 * PLACEHOLDER: the lead writes the implementation.
 */
public final class DmarcChecker {

    private final CheckSettings settings;

    public DmarcChecker(CheckSettings settings) {
        this.settings = settings;
    }

    public CheckSettings settings() {
        return settings;
    }

    /** Never throws for anything the message or DNS contains. */
    public CheckOutcome check(MessageContext context) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
