package org.jamesdmarc.check;

/**
 * Where the James adapters hand each evaluated message's {@link EvaluationRecord} (issue 9: the evaluation
 * history behind the RFC 9990 aggregate reports). James-free on purpose: the store in {@code dmarc-reporting}
 * implements it, the mailets and the SMTP hook only see this interface.
 *
 * <p>Contract: {@link #accept} is called on the mail path, so it must return at once (queue the record, never
 * wait on a database) and must never throw: history is never a reason to delay or fail mail. An implementation
 * is thread-safe. The same record may be handed over more than once (a replay, a message seen again): its
 * {@link MessageKey} lets the store keep it once.
 */
@FunctionalInterface
public interface EvaluationSink {

    /** A sink that keeps nothing: the default while no store is configured. */
    EvaluationSink DISCARD = record -> { };

    /** Takes one record; returns without waiting and without throwing. */
    void accept(EvaluationRecord record);
}
