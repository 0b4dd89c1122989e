package org.jamesdmarc.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * Which stored evaluations to read back, oldest first.
 *
 * @param domain the messages whose policy domain or Author Domain is this one; empty: all
 * @param since  the messages evaluated at or after this time; empty: all
 * @param until  the messages evaluated before this time (exclusive); empty: all
 * @param limit  at most this many
 */
public record HistoryQuery(Optional<DomainName> domain, Optional<Instant> since, Optional<Instant> until, int limit) {

    public HistoryQuery {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
    }

    /** The messages of {@code domain} evaluated at or after {@code since}, up to {@code limit}. */
    public HistoryQuery(Optional<DomainName> domain, Optional<Instant> since, int limit) {
        this(domain, since, Optional.empty(), limit);
    }

    /** Every message, up to {@code limit}. */
    public static HistoryQuery all(int limit) {
        return new HistoryQuery(Optional.empty(), Optional.empty(), Optional.empty(), limit);
    }
}
