package org.jamesdmarc.dns;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.xbill.DNS.Type;

/**
 * Answers from a {@link DnsCache} when it can, otherwise asks the transport and keeps the answer. TXT
 * answers are joined into a {@link TxtAnswer} once per cached answer, and a {@link #readTxt} reading is
 * kept with the cached answer it was made from (so it expires with it).
 */
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
        DnsCache.Entry cached = cache.entry(name, type);
        if (cached != null) {
            return cached.answer;
        }
        CacheableAnswer fresh = upstream.lookup(name, type);
        cache.put(name, type, fresh);
        return fresh.answer();
    }

    @Override
    public TxtAnswer txt(String name) {
        return txtEntry(name).txt();
    }

    @Override
    public <T> T readTxt(String name, Function<? super TxtAnswer, ? extends T> reader) {
        return txtEntry(name).read(reader);
    }

    /** The cache entry of the TXT answer at {@code name}, asking upstream on a miss (never null). */
    private DnsCache.Entry txtEntry(String name) {
        if (name != null) {
            DnsCache.Entry cached = cache.entry(name, Type.TXT);
            if (cached != null) {
                return cached;
            }
        }
        CacheableAnswer fresh = upstream.lookup(name, Type.TXT);
        DnsCache.Entry kept = name == null ? null : cache.keep(name, Type.TXT, fresh);
        // An answer that is not kept (TEMPFAIL, invalid name, caching off) still gets a transient entry.
        return kept != null ? kept : new DnsCache.Entry(fresh.answer(), 0, 0);
    }

    @Override
    public DnsAnswer query(String name, int type, Duration maxWait) {
        if (name == null) {
            return upstream.lookup(null, type).answer(); // invalid, never cached
        }
        DnsCache.Entry cached = cache.entry(name, type);
        if (cached != null) {
            return cached.answer;
        }
        CacheableAnswer fresh = upstream.lookup(name, type, maxWait);
        cache.put(name, type, fresh);
        return fresh.answer();
    }

    @Override
    public Optional<DnsAnswer> cachedAnswer(String name, int type) {
        DnsCache.Entry cached = name == null ? null : cache.entry(name, type);
        return cached == null ? Optional.empty() : Optional.of(cached.answer);
    }

    @Override
    public <T> Optional<T> readCachedTxt(String name, Function<? super TxtAnswer, ? extends T> reader) {
        DnsCache.Entry cached = name == null ? null : cache.entry(name, Type.TXT);
        return cached == null ? Optional.empty() : Optional.of(cached.read(reader));
    }

    public DnsCache cache() {
        return cache;
    }
}
