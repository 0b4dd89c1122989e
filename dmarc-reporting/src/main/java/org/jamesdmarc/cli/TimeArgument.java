package org.jamesdmarc.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A point in time given on the command line ({@code --since}, {@code --until}): epoch seconds, or ISO-8601 with
 * an offset ({@code 2026-12-01T08:00:00Z}, {@code 2026-12-01T09:00+01:00}), without one (UTC), or a date
 * (its midnight UTC). Years 1970 to 9999.
 */
final class TimeArgument {

    private static final Pattern EPOCH_SECONDS = Pattern.compile("[0-9]{1,12}");
    /** 9999-12-31T23:59:59Z. */
    private static final long LAST_SECOND = 253_402_300_799L;

    private TimeArgument() {
    }

    /**
     * The time {@code text} names, empty when {@code text} is null (the option was not given).
     *
     * @throws IllegalArgumentException (a one-line message naming {@code option}) when it names no time
     */
    static Optional<Instant> parse(String option, String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        Instant t = EPOCH_SECONDS.matcher(s).matches() ? Instant.ofEpochSecond(Long.parseLong(s)) : iso(s);
        if (t == null) {
            throw new IllegalArgumentException(option + " '" + text + "' is neither epoch seconds nor an ISO-8601 time"
                    + " (e.g. 1796112000, 2026-12-01T08:00:00Z, 2026-12-01)");
        }
        if (t.getEpochSecond() < 0 || t.getEpochSecond() > LAST_SECOND) {
            throw new IllegalArgumentException(option + " '" + text + "' is outside the years 1970 to 9999");
        }
        return Optional.of(t);
    }

    private static Instant iso(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
