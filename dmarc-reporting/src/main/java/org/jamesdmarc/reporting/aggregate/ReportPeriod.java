package org.jamesdmarc.reporting.aggregate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A reporting period [{@code begin}, {@code end}): the UTC day by default, or a number of hours that divides 24,
 * aligned on UTC midnight (RFC 9990 §2.1: periods do not overlap; "typically ... a single UTC day, beginning at
 * 0000UTC"). The counters are kept per UTC hour, so any such period can be reported.
 */
public record ReportPeriod(Instant begin, Instant end) {

    private static final long HOUR = 3600;

    public ReportPeriod {
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        long b = begin.getEpochSecond();
        long length = end.getEpochSecond() - b;
        if (begin.getNano() != 0 || end.getNano() != 0 || length <= 0 || length % HOUR != 0
                || 86_400 % length != 0 || Math.floorMod(b, length) != 0) {
            throw new IllegalArgumentException("a report period is a UTC day or a number of hours dividing 24, aligned "
                    + "on UTC midnight: [" + begin + ", " + end + ")");
        }
    }

    /** The UTC day {@code day}. */
    public static ReportPeriod utcDay(LocalDate day) {
        Instant begin = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        return new ReportPeriod(begin, begin.plus(Duration.ofDays(1)));
    }

    /** The period of {@code length} (a UTC day, or hours dividing 24) that contains {@code instant}. */
    public static ReportPeriod containing(Instant instant, Duration length) {
        long seconds = length.getSeconds();
        if (seconds <= 0 || length.getNano() != 0) {
            throw new IllegalArgumentException("a report period's length is whole hours: " + length);
        }
        long begin = Math.floorDiv(instant.getEpochSecond(), seconds) * seconds;
        return new ReportPeriod(Instant.ofEpochSecond(begin), Instant.ofEpochSecond(begin + seconds));
    }

    public Duration length() {
        return Duration.between(begin, end);
    }

    /** The period after this one, of the same length. */
    public ReportPeriod next() {
        return new ReportPeriod(end, end.plus(length()));
    }

    /** {@code date_range/begin}: seconds since the epoch. */
    public long beginSeconds() {
        return begin.getEpochSecond();
    }

    /**
     * {@code date_range/end}: the last second the period covers (end − 1 s), as RFC 9990's sample report and most
     * reporters write it; the same number names the report's file.
     */
    public long endSeconds() {
        return end.getEpochSecond() - 1;
    }
}
