package org.jamesdmarc.policy;

/**
 * The kind of one failure report and the ARF {@code Auth-Failure} value it carries (RFC 6591 §3.2.2, RFC 9991
 * "Reporting Format Update" item 3).
 */
public enum FailureReportType {
    /** A DMARC failure report ({@code fo=0} or {@code fo=1}): {@code Auth-Failure: dmarc}. */
    DMARC("dmarc"),
    /** A DKIM failure report ({@code fo=d}): {@code Auth-Failure: signature} (a signature that failed to verify). */
    DKIM("signature"),
    /** An SPF failure report ({@code fo=s}): {@code Auth-Failure: spf}. */
    SPF("spf");

    private final String authFailure;

    FailureReportType(String authFailure) {
        this.authFailure = authFailure;
    }

    /** The {@code Auth-Failure} field's value. */
    public String authFailure() {
        return authFailure;
    }
}
