package org.jamesdmarc.check;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.policy.FailureReportDecision;
import org.jamesdmarc.policy.FailureReportRules;

/**
 * A checked message whose DMARC Policy Record asks for failure reports (RFC 9989 §4.7 {@code ruf}/{@code fo}, RFC
 * 9991), with what a report needs: the evaluation, the decision, the envelope sender and the message as received.
 * Built by {@link #of}; handed by the adapters to a {@link FailureReportSink}.
 *
 * @param key      the message's key (one report of a kind per message and destination)
 * @param time     when it was evaluated (the report's Arrival-Date)
 * @param outcome  the evaluation, with our Authentication-Results value and the client
 * @param decision the reports asked for and the aligned identifiers that failed
 * @param mailFrom the SMTP MAIL FROM address; empty for the null reverse-path
 * @param message  the message as received (the report carries its header section, or all of it when configured)
 * @param action   what was done with it (rejected at SMTP, delivered, ...), when the adapter knows: the SMTP hook does
 *                 (it answers), the {@code DmarcCheck} mailet does not (later mailets act on its attributes)
 */
public record FailedMessage(MessageKey key, Instant time, CheckOutcome.Evaluated outcome,
                            FailureReportDecision.Report decision, Optional<String> mailFrom, byte[] message,
                            Optional<ActionTaken> action) {
    public FailedMessage {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(action, "action");
    }

    /**
     * The failed message to report on, or empty when {@code outcome} is no evaluation or asks for no report
     * ({@link FailureReportRules#decide}).
     */
    public static Optional<FailedMessage> of(MessageKey key, Instant time, CheckOutcome outcome,
                                             Optional<String> mailFrom, byte[] message, Optional<ActionTaken> action) {
        if (!(outcome instanceof CheckOutcome.Evaluated evaluated)) {
            return Optional.empty();
        }
        if (!(FailureReportRules.decide(evaluated.evaluation()) instanceof FailureReportDecision.Report report)) {
            return Optional.empty();
        }
        return Optional.of(new FailedMessage(key, time, evaluated, report, mailFrom, message, action));
    }
}
