package org.jamesdmarc.reporting.james;

import java.util.EnumMap;
import java.util.Map;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.jamesdmarc.reporting.failure.FailureReportListener;

/**
 * The failure reports' counters as James metrics (named like {@link HistoryMetrics}'): {@value #SENT} (handed to
 * James's mailet context), {@value #RATE_LIMITED} (suppressed by {@code failure.perDestination} or
 * {@code failure.perDomain}), {@value #UNAUTHORIZED} (an external {@code ruf} destination that does not authorize
 * reports), {@value #DUPLICATE} (already logged for that message, type and destination), {@value #FAILED} (composing,
 * handing off or the database failed) and {@value #DROPPED} (a failed message not queued: {@code failure.queueSize}
 * reached; counts messages, not reports).
 */
final class FailureReportMetrics implements FailureReportListener {

    static final String SENT = "dmarc_failure_reports_sent";
    static final String RATE_LIMITED = "dmarc_failure_reports_rate_limited";
    static final String UNAUTHORIZED = "dmarc_failure_reports_unauthorized";
    static final String DUPLICATE = "dmarc_failure_reports_duplicate";
    static final String FAILED = "dmarc_failure_reports_failed";
    static final String DROPPED = "dmarc_failure_reports_dropped";

    private final Map<Event, Metric> metrics = new EnumMap<>(Event.class);

    FailureReportMetrics(MetricFactory factory) {
        metrics.put(Event.SENT, factory.generate(SENT));
        metrics.put(Event.RATE_LIMITED, factory.generate(RATE_LIMITED));
        metrics.put(Event.UNAUTHORIZED, factory.generate(UNAUTHORIZED));
        metrics.put(Event.DUPLICATE, factory.generate(DUPLICATE));
        metrics.put(Event.FAILED, factory.generate(FAILED));
        metrics.put(Event.DROPPED, factory.generate(DROPPED));
    }

    @Override
    public void on(Event event) {
        try {
            metrics.get(event).increment();
        } catch (RuntimeException e) {
            // nothing to do: metrics are best effort
        }
    }
}
