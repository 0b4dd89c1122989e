package org.jamesdmarc.store;

import java.util.Locale;

/**
 * RFC 9990 ActionDispositionType, what a report row says was applied: {@code pass} is "no action, passing DMARC
 * with an enforcing policy"; RFC 7489 reports have no {@code pass} and say {@code none} for it.
 */
public enum ReportDisposition {
    NONE, PASS, QUARANTINE, REJECT;

    /** The RFC 9990 keyword. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ReportDisposition parse(String keyword) {
        for (ReportDisposition d : values()) {
            if (d.keyword().equals(keyword)) {
                return d;
            }
        }
        throw new StoreException("the report counters hold an unknown disposition '" + keyword
                + "': written by a newer James DMARC?");
    }
}
