package org.jamesdmarc.james;

import java.util.Optional;

import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.FailedMessage;
import org.jamesdmarc.check.FailureReportSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a checked mail whose policy asks for failure reports (RFC 9991; {@code policy.FailureReportRules}) to the
 * {@link FailureReportSink}, for {@link DmarcMessageHook} and {@link DmarcCheck} alike: the one place both adapters
 * build the {@link FailedMessage}. Never delays or fails the mail: whatever the sink throws is logged and ignored.
 */
final class FailureReportOffer {

    private static final Logger LOGGER = LoggerFactory.getLogger(FailureReportOffer.class);

    private FailureReportOffer() {
    }

    /**
     * Offers {@code checked} to {@code sink} when DMARC was evaluated ({@code evaluated}, the mail's evaluation
     * record, gives the message key) and its policy asks for a report.
     *
     * @param action what was done with the mail, when the caller knows it
     * @param where  names the mail or session in the log line of a failing sink
     */
    static void offer(FailureReportSink sink, Optional<EvaluationRecord> evaluated, MeteredCheck.Checked checked,
                      Optional<ActionTaken> action, String where) {
        if (sink == FailureReportSink.DISCARD || evaluated.isEmpty()) {
            return;
        }
        try {
            FailedMessage.of(evaluated.get().key(), checked.time(), checked.outcome(), checked.context().mailFrom(),
                    checked.context().message(), action).ifPresent(sink::offer);
        } catch (Exception | LinkageError e) {
            LOGGER.warn("DMARC failure reports: the sink failed ({}); no report", where, e);
        }
    }
}
