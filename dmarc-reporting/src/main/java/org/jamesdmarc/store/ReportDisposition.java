package org.jamesdmarc.store;

/**
 * RFC 9990 ActionDispositionType, what a report row says was applied: {@code pass} is "no action, passing DMARC
 * with an enforcing policy"; RFC 7489 reports have no {@code pass} and say {@code none} for it.
 */
public enum ReportDisposition {
    NONE, PASS, QUARANTINE, REJECT;

    /** The RFC 9990 keyword. */
    public String keyword() {
        return Codes.lowerName(this);
    }

    static ReportDisposition parse(String keyword) {
        return Codes.parse(ReportDisposition.class, ReportDisposition::keyword, keyword);
    }
}
