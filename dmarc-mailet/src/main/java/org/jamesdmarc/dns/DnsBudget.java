package org.jamesdmarc.dns;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How much DNS work one message may still cost: at most {@code maxQueries} queries sent to a server, and at most
 * {@code maxTime} spent waiting for them. The time counted is the time during which at least one of its queries
 * is under way, so queries running in parallel count once. Answers a cache gives are not queries
 * ({@link BudgetedDnsClient} does not ask the budget for them). Once a query was refused or cut short, the budget
 * stays {@linkplain #exhausted() exhausted}. Thread-safe.
 */
public final class DnsBudget {

    /** Which limit was reached. */
    public enum Limit {
        /** {@code maxQueries} queries were sent and another was asked for. */
        QUERIES,
        /** {@code maxTime} was spent waiting: a query was cut short or not started. */
        TIME
    }

    /**
     * Less time left than this counts as none: no server but a local one answers faster, and a query cut short at
     * the deadline must leave the budget exhausted however the clock rounds.
     */
    static final long MIN_QUERY_NANOS = 5_000_000L;

    private final int maxQueries;
    private final long maxNanos;
    private final LongSupplier nanoClock;
    private int queries;
    private int inFlight;
    private long busyNanos;
    private long busySince;
    private Limit exhausted;

    /** A budget measuring time with {@link System#nanoTime()}. */
    public DnsBudget(int maxQueries, Duration maxTime) {
        this(maxQueries, maxTime, System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds (tests pass their own) */
    public DnsBudget(int maxQueries, Duration maxTime, LongSupplier nanoClock) {
        if (maxQueries < 0) {
            throw new IllegalArgumentException("maxQueries must not be negative: " + maxQueries);
        }
        if (maxTime.isNegative()) {
            throw new IllegalArgumentException("maxTime must not be negative: " + maxTime);
        }
        this.maxQueries = maxQueries;
        this.maxNanos = maxTime.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1).toNanos() : maxTime.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Asks to send one query: the time it may take (what is left of {@code maxTime}), or empty when no query may
     * be sent any more (the budget is then exhausted). Every granted query must be followed by {@link #finish()}.
     */
    public synchronized Optional<Duration> start() {
        long now = nanoClock.getAsLong();
        long busy = busyAt(now);
        if (exhausted == null && queries >= maxQueries) {
            exhausted = Limit.QUERIES;
        }
        if (exhausted == null && maxNanos - busy < MIN_QUERY_NANOS) {
            exhausted = Limit.TIME;
        }
        if (exhausted != null) {
            return Optional.empty();
        }
        queries++;
        if (inFlight++ == 0) {
            busySince = now;
        }
        return Optional.of(Duration.ofNanos(maxNanos - busy));
    }

    /** Ends a query {@link #start()} granted; a query that ended with no time left was cut short. */
    public synchronized void finish() {
        if (inFlight == 0) {
            throw new IllegalStateException("finish() without start()");
        }
        long now = nanoClock.getAsLong();
        if (--inFlight == 0) {
            busyNanos += now - busySince;
        }
        if (exhausted == null && maxNanos - busyAt(now) < MIN_QUERY_NANOS) {
            exhausted = Limit.TIME;
        }
    }

    private long busyAt(long now) {
        return inFlight > 0 ? busyNanos + (now - busySince) : busyNanos;
    }

    /** Queries sent so far. */
    public synchronized int queries() {
        return queries;
    }

    /** Time spent waiting for answers so far. */
    public synchronized Duration busyTime() {
        return Duration.ofNanos(busyAt(nanoClock.getAsLong()));
    }

    /** The limit reached, once a query was refused or cut short for lack of budget. */
    public synchronized Optional<Limit> exhausted() {
        return Optional.ofNullable(exhausted);
    }

    public int maxQueries() {
        return maxQueries;
    }

    public Duration maxTime() {
        return Duration.ofNanos(maxNanos);
    }

    @Override
    public synchronized String toString() {
        return "DnsBudget[" + queries + "/" + maxQueries + " queries, " + busyAt(nanoClock.getAsLong()) / 1_000_000
                + "/" + maxNanos / 1_000_000 + " ms" + (exhausted == null ? "" : ", exhausted: " + exhausted) + "]";
    }
}
