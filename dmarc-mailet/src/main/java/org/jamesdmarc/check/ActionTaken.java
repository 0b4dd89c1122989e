package org.jamesdmarc.check;

/**
 * What the receiver actually did with a message after the DMARC check (RFC 9990 §2.1 asks the report to
 * say the disposition applied; the history keeps what we did, which a local policy may make differ from the
 * disposition). Each value has a stable keyword for storage and output: never rename a keyword.
 */
public enum ActionTaken {
    /** Delivered to the recipients' mailboxes unchanged (but for our Authentication-Results field). */
    DELIVERED("delivered"),
    /** Delivered to a quarantine (a spam folder, a quarantine repository). */
    QUARANTINED("quarantined"),
    /** Refused with an SMTP reply (550 or 451): the message never reached a mailet. */
    REJECTED_AT_SMTP("rejected"),
    /** Delivered with a mark (a header or subject tag) instead of being quarantined or refused. */
    TAGGED("tagged");

    private final String keyword;

    ActionTaken(String keyword) {
        this.keyword = keyword;
    }

    /** The stable keyword: {@code delivered}, {@code quarantined}, {@code rejected} or {@code tagged}. */
    public String keyword() {
        return keyword;
    }

    /** The action named by {@code keyword} (as {@link #keyword()} writes it, case-insensitive). */
    public static java.util.Optional<ActionTaken> fromKeyword(String keyword) {
        for (ActionTaken a : values()) {
            if (a.keyword.equalsIgnoreCase(keyword == null ? "" : keyword.strip())) {
                return java.util.Optional.of(a);
            }
        }
        return java.util.Optional.empty();
    }
}
