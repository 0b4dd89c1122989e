package org.jamesdmarc.dns;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A bounded, thread-safe cache of answers keyed by (name, type), least recently used first out.
 *
 * <ul>
 *   <li>FOUND answers live for their TTL ({@link CacheableAnswer#ttlSeconds()}: the smallest TTL of the
 *       RRset and its CNAME chain), clamped to [{@link DnsSettings#minTtl()}, {@link DnsSettings#maxTtl()}].</li>
 *   <li>NXDOMAIN and NODATA live for their RFC 2308 §5 negative TTL (from the SOA), or
 *       {@link DnsSettings#negativeTtl()} when the server sent no SOA; clamped the same way.</li>
 *   <li>TEMPFAIL is never kept: the next message asks again, so an outage ends as soon as DNS is back.</li>
 *   <li>A TTL of 0 (after clamping) is not kept either (RFC 1035 §3.2.1: use for this transaction only).</li>
 * </ul>
 * Time comes from an injected {@link Clock}, so tests advance it instead of sleeping.
 */
public final class DnsCache {

    private record Key(String name, int type) {
    }

    private record Entry(DnsAnswer answer, long expiresAtMillis) {
    }

    private final int maxEntries;
    private final Duration minTtl;
    private final Duration maxTtl;
    private final Duration negativeTtl;
    private final Clock clock;
    private final LinkedHashMap<Key, Entry> entries;

    public DnsCache(DnsSettings settings, Clock clock) {
        this.maxEntries = settings.cacheMaxEntries();
        this.minTtl = settings.minTtl();
        this.maxTtl = settings.maxTtl();
        this.negativeTtl = settings.negativeTtl();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The cached answer for (name, type) if there is one that has not expired. */
    public Optional<DnsAnswer> get(String name, int type) {
        Key key = new Key(DnsNames.key(name), type);
        long now = clock.millis();
        synchronized (entries) {
            Entry e = entries.get(key);
            if (e == null) {
                return Optional.empty();
            }
            if (now >= e.expiresAtMillis()) {
                entries.remove(key);
                return Optional.empty();
            }
            return Optional.of(e.answer());
        }
    }

    /** Keeps {@code answer} for as long as its TTL and the settings allow (see the class comment). */
    public void put(String name, int type, CacheableAnswer answer) {
        if (maxEntries == 0) {
            return;
        }
        Optional<Duration> lifetime = lifetime(answer);
        if (lifetime.isEmpty()) {
            return;
        }
        Key key = new Key(DnsNames.key(name), type);
        long expires = clock.millis() + lifetime.get().toMillis();
        synchronized (entries) {
            entries.put(key, new Entry(answer.answer(), expires));
        }
    }

    /** How long {@code answer} may be kept; empty when it must not be. */
    Optional<Duration> lifetime(CacheableAnswer answer) {
        DnsStatus status = answer.answer().status();
        if (!answer.cacheable() || status == DnsStatus.TEMPFAIL) {
            return Optional.empty();
        }
        Duration ttl;
        if (answer.ttlSeconds().isPresent()) {
            ttl = Duration.ofSeconds(Math.max(0, answer.ttlSeconds().getAsLong()));
        } else if (status == DnsStatus.FOUND) {
            return Optional.empty(); // cannot happen for answers off the wire: every record has a TTL
        } else {
            ttl = negativeTtl; // RFC 2308 §5 fallback: no SOA came with the negative answer
        }
        if (ttl.compareTo(minTtl) < 0) {
            ttl = minTtl;
        }
        if (ttl.compareTo(maxTtl) > 0) {
            ttl = maxTtl;
        }
        return ttl.isZero() ? Optional.empty() : Optional.of(ttl);
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }

    @Override
    public String toString() {
        return "DnsCache[size=" + size() + ", max=" + maxEntries + "]";
    }
}
