package org.jamesdmarc.reporting.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.jamesdmarc.dns.DomainName;

/**
 * A request's query parameters, read and checked: each accessor throws {@link BadParameter} naming the parameter
 * and the accepted values, so every route answers a bad value with the same 400.
 */
public final class Params {

    private static final int MAX_VALUE_LENGTH = 1000;

    private final Function<String, String> values;

    /** @param values the single value of a query parameter by name, {@code null} when absent */
    public Params(Function<String, String> values) {
        this.values = Objects.requireNonNull(values, "values");
    }

    /** Parameters from a map (tests, the benchmark). */
    public static Params of(Map<String, String> values) {
        return new Params(Map.copyOf(values)::get);
    }

    /** The value, stripped; empty when absent or blank. */
    public Optional<String> text(String name) {
        String v = values.apply(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        if (v.length() > MAX_VALUE_LENGTH) {
            throw new BadParameter(name + " is longer than " + MAX_VALUE_LENGTH + " characters");
        }
        return Optional.of(v.strip());
    }

    /** A domain name (a single label allowed), lower-cased and in A-labels. */
    public Optional<DomainName> domain(String name) {
        return text(name).map(v -> domainValue(name, v));
    }

    /** {@code value} as a domain name, or {@link BadParameter} naming {@code what}. */
    public static DomainName domainValue(String what, String value) {
        return DomainName.parse(value, true)
                .orElseThrow(() -> new BadParameter(what + " is not a domain name: '" + value + "'"));
    }

    /**
     * A time: an ISO-8601 instant ({@code 2026-12-01T10:00:00Z}), a date ({@code 2026-12-01}, the start of that UTC
     * day) or epoch seconds.
     */
    public Optional<Instant> instant(String name) {
        return text(name).map(v -> {
            try {
                if (v.chars().allMatch(Character::isDigit) && v.length() <= 12) {
                    return Instant.ofEpochSecond(Long.parseLong(v));
                }
                if (v.length() == 10) {
                    return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
                }
                return Instant.parse(v);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new BadParameter(name + " must be an ISO-8601 time (2026-12-01T10:00:00Z), a date (2026-12-01) "
                        + "or epoch seconds: '" + v + "'");
            }
        });
    }

    /** A whole number within [{@code min}, {@code max}], {@code fallback} when absent. */
    public long number(String name, long fallback, long min, long max) {
        Optional<String> v = text(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BadParameter(name + " must be a whole number within " + min + ".." + max + ": '" + v.get() + "'");
    }

    /** One of {@code allowed} (case-insensitive, returned as listed). */
    public Optional<String> oneOf(String name, List<String> allowed) {
        return text(name).map(v -> allowed.stream().filter(a -> a.equalsIgnoreCase(v)).findFirst()
                .orElseThrow(() -> new BadParameter(name + " must be one of " + String.join(", ", allowed) + ": '"
                        + v + "'")));
    }
}
