package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.jamesdmarc.reporting.failure.FailureReportListener.Event;
import org.junit.jupiter.api.Test;

class FailureReportMetricsTest {

    @Test
    void eachEventCountsItsOwnDocumentedMetric() {
        RecordingMetricFactory factory = new RecordingMetricFactory();
        FailureReportMetrics metrics = new FailureReportMetrics(factory);
        metrics.on(Event.SENT);
        metrics.on(Event.RATE_LIMITED);
        metrics.on(Event.RATE_LIMITED);
        metrics.on(Event.UNAUTHORIZED);
        metrics.on(Event.DUPLICATE);
        metrics.on(Event.FAILED);
        metrics.on(Event.DROPPED);
        metrics.on(Event.DROPPED);
        metrics.on(Event.DROPPED);

        assertThat(factory.countFor("dmarc_failure_reports_sent")).isEqualTo(1);
        assertThat(factory.countFor("dmarc_failure_reports_rate_limited")).isEqualTo(2);
        assertThat(factory.countFor("dmarc_failure_reports_unauthorized")).isEqualTo(1);
        assertThat(factory.countFor("dmarc_failure_reports_duplicate")).isEqualTo(1);
        assertThat(factory.countFor("dmarc_failure_reports_failed")).isEqualTo(1);
        assertThat(factory.countFor("dmarc_failure_reports_dropped")).isEqualTo(3);
    }
}
