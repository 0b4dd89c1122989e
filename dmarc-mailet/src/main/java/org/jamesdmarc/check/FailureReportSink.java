package org.jamesdmarc.check;

/**
 * Where the James adapters hand each {@link FailedMessage} (issue 11: RFC 9991 failure reports). James-free like
 * {@link EvaluationSink}: {@code dmarc-reporting} implements it (rate limits and the log in the database, the report
 * mail through James's mailet context), the SMTP hook and the mailets only see this interface; the hook calls it
 * for the mail it rejects too, the main case of a {@code p=reject} failure.
 *
 * <p>Contract: {@link #offer} is called on the mail path, so it must return at once (queue the work, drop it when the
 * queue is full) and must never throw. The same message may be offered more than once (by the hook and a mailet, on
 * two nodes): the implementation sends at most one report of a kind per message and destination.
 */
@FunctionalInterface
public interface FailureReportSink {

    /** A sink that sends nothing: the default (failure reports are off unless configured). */
    FailureReportSink DISCARD = message -> { };

    /** Takes one failed message; returns without waiting and without throwing. */
    void offer(FailedMessage message);
}
