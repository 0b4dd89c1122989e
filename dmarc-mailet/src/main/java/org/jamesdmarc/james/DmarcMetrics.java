package org.jamesdmarc.james;

import java.util.Objects;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.CheckResult;
import org.jamesdmarc.check.OutcomeSummary;

/**
 * The metrics of the mailet and the hook: a counter {@code dmarc_evaluations_<result>} per
 * {@code org.jamesdmarc.result} value ({@code dmarc_evaluations_pass}, ..., {@code dmarc_evaluations_skipped},
 * {@code dmarc_evaluations_refused}), {@code dmarc_evaluations_error} for internal failures,
 * {@code dmarc_budget_exhausted} for checks that ran out of their per-message DNS budget
 * ({@link org.jamesdmarc.check.MessageLimits}), and the timer {@code dmarc_evaluation} around each evaluation
 * (DNS queries included).
 */
final class DmarcMetrics {

    static final String COUNTER_PREFIX = "dmarc_evaluations_";
    static final String ERROR_COUNTER = COUNTER_PREFIX + "error";
    static final String TIMER = "dmarc_evaluation";
    static final String BUDGET_EXHAUSTED_COUNTER = "dmarc_budget_exhausted";

    private final MetricFactory factory;

    DmarcMetrics(MetricFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    TimeMetric startTimer() {
        return factory.timer(TIMER);
    }

    /** Counts one completed check: as an error when the checker itself failed, else by its result. */
    void count(CheckOutcome outcome, OutcomeSummary summary) {
        if (DmarcAttributes.isInternalError(outcome)) {
            countError();
        } else {
            countResult(summary.result());
        }
        if (outcome.budget().exhausted()) {
            factory.generate(BUDGET_EXHAUSTED_COUNTER).increment();
        }
    }

    void countResult(CheckResult result) {
        factory.generate(COUNTER_PREFIX + result.keyword()).increment();
    }

    void countError() {
        factory.generate(ERROR_COUNTER).increment();
    }
}
