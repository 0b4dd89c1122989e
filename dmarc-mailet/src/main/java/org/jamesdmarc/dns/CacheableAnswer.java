package org.jamesdmarc.dns;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * An answer together with how long DNS says it may be reused.
 *
 * @param answer     the answer
 * @param ttlSeconds for {@link DnsStatus#FOUND}, the smallest TTL of the records and of the CNAMEs
 *                   leading to them; for NXDOMAIN/NODATA, the negative-caching TTL of RFC 2308 §5
 *                   (min of the SOA's TTL and MINIMUM field), empty when the server gave no SOA so
 *                   the cache falls back to {@link DnsSettings#negativeTtl()}. Not used for TEMPFAIL.
 * @param cacheable  false for answers that must not be kept whatever the settings say: TEMPFAIL, and
 *                   answers made up without asking DNS (invalid names)
 */
public record CacheableAnswer(DnsAnswer answer, OptionalLong ttlSeconds, boolean cacheable) {

    public CacheableAnswer {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(ttlSeconds, "ttlSeconds");
        if (answer.status() == DnsStatus.TEMPFAIL) {
            cacheable = false;
        }
    }

    /** An answer from DNS with the given TTL (empty: negative answer without an SOA). */
    public static CacheableAnswer of(DnsAnswer answer, OptionalLong ttlSeconds) {
        return new CacheableAnswer(answer, ttlSeconds, true);
    }

    public static CacheableAnswer uncacheable(DnsAnswer answer) {
        return new CacheableAnswer(answer, OptionalLong.empty(), false);
    }
}
