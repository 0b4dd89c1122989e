package org.jamesdmarc.check;

import java.time.Duration;

import org.jamesdmarc.dns.DnsBudget;

/**
 * What checking one message may cost in DNS work, so that a message built to be expensive (many author domains,
 * signatures or trusted results with deep names, slow name servers) costs no more than this. Answers from the
 * DNS cache cost nothing. The budget is split in two, each part spent separately
 * ({@link DmarcChecker}): four fifths are reserved for the work that decides the verdict (policy discovery of
 * the author domains, SPF and DKIM of identifiers that could align, the alignment tree walks and the existence
 * check), one fifth for the rest (SPF and signatures that cannot align, reported only). When the reserved part
 * runs out, the verdict is {@code temperror} (never pass, never fail); when the rest runs out, that work is
 * skipped.
 *
 * @param maxDnsQueries DNS queries sent per message, in all (parameter {@code maxDnsQueriesPerMessage})
 * @param maxTime       time spent waiting for DNS answers per message, in all (parameter
 *                      {@code maxTimePerMessage}); a query under way when it runs out is cut short
 */
public record MessageLimits(int maxDnsQueries, Duration maxTime) {

    /** Default of {@code maxDnsQueriesPerMessage}. */
    public static final int DEFAULT_MAX_DNS_QUERIES = 50;
    /** Default of {@code maxTimePerMessage}. */
    public static final Duration DEFAULT_MAX_TIME = Duration.ofSeconds(5);
    /** Bounds of {@code maxDnsQueriesPerMessage}: below 10 not even one policy discovery fits. */
    public static final int MIN_DNS_QUERIES = 10;
    public static final int MAX_DNS_QUERIES = 10_000;
    /** Upper bound of {@code maxTimePerMessage}. */
    public static final Duration MAX_TIME = Duration.ofMinutes(10);
    /** The share of both limits kept for work that cannot change the verdict: one part in this many. */
    static final int OTHER_WORK_SHARE = 5;

    public MessageLimits {
        if (maxDnsQueries < MIN_DNS_QUERIES || maxDnsQueries > MAX_DNS_QUERIES) {
            throw new IllegalArgumentException("maxDnsQueries must be " + MIN_DNS_QUERIES + " to " + MAX_DNS_QUERIES
                    + ": " + maxDnsQueries);
        }
        if (maxTime.isNegative() || maxTime.isZero() || maxTime.compareTo(MAX_TIME) > 0) {
            throw new IllegalArgumentException("maxTime must be more than 0 and at most " + MAX_TIME + ": " + maxTime);
        }
    }

    public static MessageLimits defaults() {
        return new MessageLimits(DEFAULT_MAX_DNS_QUERIES, DEFAULT_MAX_TIME);
    }

    /** A fresh budget for the work that decides the verdict. */
    DnsBudget reservedBudget() {
        return new DnsBudget(maxDnsQueries - otherQueries(), maxTime.minus(otherTime()));
    }

    /** A fresh budget for the work that cannot change the verdict. */
    DnsBudget otherBudget() {
        return new DnsBudget(otherQueries(), otherTime());
    }

    private int otherQueries() {
        return maxDnsQueries / OTHER_WORK_SHARE;
    }

    private Duration otherTime() {
        return maxTime.dividedBy(OTHER_WORK_SHARE);
    }
}
