package org.jamesdmarc.dns;

import java.util.Objects;
import java.util.Optional;

/** Answers from a {@link DnsCache} when it can, otherwise asks the transport and keeps the answer. */
public final class CachingDnsClient extends AbstractDnsClient {

    private final DnsLookup upstream;
    private final DnsCache cache;

    public CachingDnsClient(DnsLookup upstream, DnsCache cache) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    @Override
    public DnsAnswer query(String name, int type) {
        if (name == null) {
            return upstream.lookup(null, type).answer(); // invalid, never cached
        }
        Optional<DnsAnswer> cached = cache.get(name, type);
        if (cached.isPresent()) {
            return cached.get();
        }
        CacheableAnswer fresh = upstream.lookup(name, type);
        cache.put(name, type, fresh);
        return fresh.answer();
    }

    public DnsCache cache() {
        return cache;
    }
}
