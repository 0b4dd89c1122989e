package org.jamesdmarc.james;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.apache.james.metrics.api.TimeMetric;
import org.apache.mailet.Mail;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.OutcomeSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check {@link DmarcCheck} and {@link DmarcMessageHook} run on each mail, with its metrics
 * ({@link DmarcMetrics}): each run is timed, a failed run counted as an error, a stored outcome by its result.
 * Storing an outcome also stores its evaluation record ({@code org.jamesdmarc.evaluation}), so the hook and the
 * mailet build it the same way. Built by {@link CheckSetup#start}.
 */
final class MeteredCheck {

    private static final Logger LOGGER = LoggerFactory.getLogger(MeteredCheck.class);

    /**
     * One run of the check.
     *
     * @param context what was checked
     * @param time    when the check started
     * @param outcome what it found
     */
    record Checked(MessageContext context, Instant time, CheckOutcome outcome) {
        Checked {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** Reads what the check needs from the mail (and the SMTP session); may fail. */
    @FunctionalInterface
    interface ContextSource {
        MessageContext read() throws Exception;
    }

    private final Function<MessageContext, CheckOutcome> checker;
    private final DmarcMetrics metrics;
    private final PhaseTimes phases;

    MeteredCheck(Function<MessageContext, CheckOutcome> checker, DmarcMetrics metrics) {
        this(checker, metrics, "check");
    }

    /** {@code component} names the {@link PhaseTimes} lines (an opt-in diagnostic). */
    MeteredCheck(Function<MessageContext, CheckOutcome> checker, DmarcMetrics metrics, String component) {
        this.checker = Objects.requireNonNull(checker, "checker");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.phases = new PhaseTimes(Objects.requireNonNull(component, "component"));
    }

    /**
     * Reads the context and checks it, timed.
     *
     * @throws Exception when reading the context or the checker failed (or gave no outcome); counted as an error
     */
    Checked run(ContextSource context) throws Exception {
        phases.begin();
        TimeMetric timer = metrics.startTimer();
        try {
            MessageContext read = context.read();
            phases.lap(PhaseTimes.Phase.READ);
            Instant time = Instant.now();
            Checked checked = new Checked(read, time, Objects.requireNonNull(checker.apply(read), "no outcome"));
            phases.lap(PhaseTimes.Phase.CHECK);
            return checked;
        } catch (Exception e) {
            metrics.countError();
            throw e;
        } finally {
            timer.stopAndPublish();
        }
    }

    /**
     * Stores the outcome as the mail's DMARC attributes ({@link DmarcAttributes#store}), with its evaluation
     * record (action {@link ActionTaken#DELIVERED}, a placeholder), and counts it.
     *
     * @return that record (the caller that knows what was done sets it with {@link EvaluationRecord#withAction});
     *         empty when DMARC was not evaluated, or when the record could not be built (logged: the mail goes on
     *         without it)
     */
    Optional<EvaluationRecord> store(Mail mail, Checked checked) {
        Optional<EvaluationRecord> record = evaluationRecord(mail, checked, ActionTaken.DELIVERED);
        OutcomeSummary summary = DmarcAttributes.store(mail, checked.outcome(), record);
        metrics.count(checked.outcome(), summary);
        phases.lap(PhaseTimes.Phase.STORE);
        return record;
    }

    /** The caller's work after {@link #store} on this mail is done (for the opt-in {@link PhaseTimes}). */
    void finish() {
        phases.end(PhaseTimes.Phase.AFTER);
    }

    /**
     * The evaluation record of {@code checked} with {@code action} ({@link MailContexts#evaluationRecord});
     * empty, with a warning, when it cannot be built: history never fails a mail.
     */
    private static Optional<EvaluationRecord> evaluationRecord(Mail mail, Checked checked, ActionTaken action) {
        try {
            return MailContexts.evaluationRecord(mail, checked.context(), checked.time(), checked.outcome(), action);
        } catch (Exception e) {
            LOGGER.warn("Mail {}: no evaluation record for the DMARC history ({})", mail.getName(), e.toString());
            return Optional.empty();
        }
    }
}
