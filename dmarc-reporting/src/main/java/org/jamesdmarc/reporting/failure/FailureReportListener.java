package org.jamesdmarc.reporting.failure;

/**
 * Told what became of each failure report {@link FailureReporter} handled (inside James: the
 * {@code dmarc_failure_reports_*} metrics). Called on the reporter's worker thread, or on the mail path for
 * {@link Event#DROPPED}: it must return at once; what it throws is ignored.
 */
@FunctionalInterface
public interface FailureReportListener {

    /** A listener that does nothing. */
    FailureReportListener NONE = event -> { };

    /** What became of one report (or, for {@link #DROPPED}, of one failed message and every report it asked for). */
    enum Event {
        /** Handed to the outbound path. */
        SENT,
        /** Not sent: the destination's or the policy domain's rate limit was used up (RFC 9991 §7.1). */
        RATE_LIMITED,
        /** Not sent: an external destination that does not authorize reports (RFC 9991 §4). */
        UNAUTHORIZED,
        /** Not sent again: already logged for this message, type and destination (another path or node). */
        DUPLICATE,
        /** Not sent: composing, handing off, the database or the destination's URI failed. */
        FAILED,
        /** A failed message not queued: the queue was full. */
        DROPPED
    }

    void on(Event event);
}
