package org.jamesdmarc.dns;

/** A transport that can say how long its answers stay valid, so a cache can sit in front of it. */
@FunctionalInterface
public interface DnsLookup {

    /** Like {@link DnsClient#query(String, int)}, with the TTL. Never throws for DNS trouble. */
    CacheableAnswer lookup(String name, int type);
}
