package org.jamesdmarc.reporting.aggregate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

import org.jamesdmarc.store.StoreConfig;

/**
 * A reporting period [{@code begin}, {@code end}): the UTC day by default, or a number of hours that divides 24,
 * aligned on UTC midnight (RFC 9990 §2.1: periods do not overlap; "typically ... a single UTC day, beginning at
 * 0000UTC"). The counters are kept per UTC hour, so any such period can be reported. For tests, a period may also be
 * a number of whole minutes dividing 24 h (PT1M, PT2M, PT15M...), aligned on UTC midnight: its reports need counters
 * kept in buckets of {@link #bucketSeconds} ({@code report.period} makes the store write them so).
 */
public record ReportPeriod(Instant begin, Instant end) {

    private static final long MINUTE = 60;
    private static final long DAY = 86_400;

    public ReportPeriod {
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        long b = begin.getEpochSecond();
        long length = end.getEpochSecond() - b;
        if (begin.getNano() != 0 || end.getNano() != 0 || !validLength(length) || Math.floorMod(b, length) != 0) {
            throw new IllegalArgumentException("a report period is a UTC day, a number of hours dividing 24 or of "
                    + "minutes dividing 24 h, aligned on UTC midnight: [" + begin + ", " + end + ")");
        }
    }

    /** The UTC day {@code day}. */
    public static ReportPeriod utcDay(LocalDate day) {
        Instant begin = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        return new ReportPeriod(begin, begin.plus(Duration.ofDays(1)));
    }

    /** Whether a period of {@code seconds} is allowed: whole minutes dividing a day (whole hours among them). */
    public static boolean validLength(long seconds) {
        return seconds > 0 && seconds % MINUTE == 0 && DAY % seconds == 0;
    }

    /**
     * The length of the counters' buckets periods of {@code length} are made of: an hour for periods of whole hours,
     * else the greatest length that divides both the period and an hour (PT2M: 2 minutes; PT48M: 12 minutes).
     */
    public static int bucketSeconds(Duration length) {
        long seconds = length.getSeconds();
        if (!validLength(seconds) || length.getNano() != 0) {
            throw new IllegalArgumentException("a report period is whole minutes dividing 24 h: " + length);
        }
        return (int) StoreConfig.bucketFor(seconds);
    }

    /** The period of {@code length} (a UTC day, hours dividing 24, or minutes dividing 24 h) holding {@code instant}. */
    public static ReportPeriod containing(Instant instant, Duration length) {
        long seconds = length.getSeconds();
        if (!validLength(seconds) || length.getNano() != 0) {
            throw new IllegalArgumentException("a report period's length is whole hours or minutes dividing 24 h: "
                    + length);
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
