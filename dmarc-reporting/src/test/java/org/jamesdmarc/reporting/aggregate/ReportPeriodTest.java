package org.jamesdmarc.reporting.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ReportPeriodTest {

    private static final Instant T = Instant.parse("2026-12-01T10:03:20Z");

    @Test
    void daysAndHoursDividing24() {
        assertThat(ReportPeriod.containing(T, Duration.ofDays(1)))
                .isEqualTo(new ReportPeriod(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-02T00:00:00Z")));
        assertThat(ReportPeriod.containing(T, Duration.ofHours(8)).begin()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(ReportPeriod.bucketSeconds(Duration.ofDays(1))).isEqualTo(3600);
        assertThat(ReportPeriod.bucketSeconds(Duration.ofHours(2))).isEqualTo(3600);
        assertThatThrownBy(() -> ReportPeriod.containing(T, Duration.ofHours(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void minutesDividing24HoursForTests() {
        ReportPeriod p = ReportPeriod.containing(T, Duration.ofMinutes(2));
        assertThat(p).isEqualTo(new ReportPeriod(Instant.parse("2026-12-01T10:02:00Z"),
                Instant.parse("2026-12-01T10:04:00Z")));
        assertThat(p.next().begin()).isEqualTo(Instant.parse("2026-12-01T10:04:00Z"));
        assertThat(p.endSeconds()).isEqualTo(Instant.parse("2026-12-01T10:03:59Z").getEpochSecond());
        assertThat(ReportPeriod.containing(T, Duration.ofMinutes(1)).begin())
                .isEqualTo(Instant.parse("2026-12-01T10:03:00Z"));
        assertThat(ReportPeriod.bucketSeconds(Duration.ofMinutes(2))).isEqualTo(120);
        assertThat(ReportPeriod.bucketSeconds(Duration.ofMinutes(48))).as("48 min divides 24 h, not 1 h")
                .isEqualTo(720);
        assertThat(ReportPeriod.bucketSeconds(Duration.ofMinutes(90))).isEqualTo(1800);
    }

    @Test
    void refusesWhatDoesNotTileTheDay() {
        assertThatThrownBy(() -> ReportPeriod.containing(T, Duration.ofMinutes(7)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReportPeriod.containing(T, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReportPeriod(Instant.parse("2026-12-01T10:01:00Z"),
                Instant.parse("2026-12-01T10:03:00Z"))).as("not aligned on midnight")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReportPeriod.bucketSeconds(Duration.ofMinutes(7)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
