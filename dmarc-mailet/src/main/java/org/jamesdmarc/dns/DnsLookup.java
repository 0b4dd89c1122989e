package org.jamesdmarc.dns;

import java.time.Duration;

/** A transport that can say how long its answers stay valid, so a cache can sit in front of it. */
@FunctionalInterface
public interface DnsLookup {

    /** Like {@link DnsClient#query(String, int)}, with the TTL. Never throws for DNS trouble. */
    CacheableAnswer lookup(String name, int type);

    /** As {@link #lookup(String, int)}, given up (TEMPFAIL) after {@code maxWait} when the transport can do so. */
    default CacheableAnswer lookup(String name, int type, Duration maxWait) {
        return lookup(name, type);
    }
}
