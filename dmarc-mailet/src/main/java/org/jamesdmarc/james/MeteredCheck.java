package org.jamesdmarc.james;

import java.util.Objects;
import java.util.function.Function;

import org.apache.james.metrics.api.TimeMetric;
import org.apache.mailet.Mail;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.OutcomeSummary;

/**
 * The check {@link DmarcCheck} and {@link DmarcMessageHook} run on each mail, with its metrics
 * ({@link DmarcMetrics}): each run is timed, a failed run counted as an error, a stored outcome by its result.
 * Built by {@link CheckSetup#start}.
 */
final class MeteredCheck {

    /** Reads what the check needs from the mail (and the SMTP session); may fail. */
    @FunctionalInterface
    interface ContextSource {
        MessageContext read() throws Exception;
    }

    private final Function<MessageContext, CheckOutcome> checker;
    private final DmarcMetrics metrics;

    MeteredCheck(Function<MessageContext, CheckOutcome> checker, DmarcMetrics metrics) {
        this.checker = Objects.requireNonNull(checker, "checker");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Reads the context and checks it, timed.
     *
     * @throws Exception when reading the context or the checker failed (or gave no outcome); counted as an error
     */
    CheckOutcome run(ContextSource context) throws Exception {
        TimeMetric timer = metrics.startTimer();
        try {
            return Objects.requireNonNull(checker.apply(context.read()), "no outcome");
        } catch (Exception e) {
            metrics.countError();
            throw e;
        } finally {
            timer.stopAndPublish();
        }
    }

    /** Stores the outcome as the mail's DMARC attributes ({@link DmarcAttributes#store}) and counts it. */
    OutcomeSummary store(Mail mail, CheckOutcome outcome) {
        OutcomeSummary summary = DmarcAttributes.store(mail, outcome);
        metrics.count(outcome, summary);
        return summary;
    }
}
