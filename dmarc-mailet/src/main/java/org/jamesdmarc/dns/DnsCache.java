package org.jamesdmarc.dns;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

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
 *
 * <p>Hits take no lock (every spool thread reads it for every message): entries sit in a
 * {@link ConcurrentHashMap} per record type and carry a use stamp; a put that finds the cache full evicts the least
 * recently used entries under a lock (1/16 of the entries at a time, so that the scan is paid once per
 * many misses). A cached TXT answer also keeps its {@link TxtAnswer} and what a reader made of it
 * ({@link DnsClient#readTxt}), which live and expire with the answer.
 */
public final class DnsCache {

    /** One cached answer, with what was derived from it (computed at most once per racing thread). */
    static final class Entry {
        final DnsAnswer answer;
        final long expiresAtMillis;
        /** Use stamp, read and written with opaque access (see {@link #stamp()}). */
        private long lastUsed;
        private volatile TxtAnswer txt;
        private volatile Reading reading;

        Entry(DnsAnswer answer, long expiresAtMillis, long lastUsed) {
            this.answer = answer;
            this.expiresAtMillis = expiresAtMillis;
            LAST_USED.setOpaque(this, lastUsed);
        }

        long lastUsed() {
            return (long) LAST_USED.getOpaque(this);
        }

        void used(long stamp) {
            LAST_USED.setOpaque(this, stamp);
        }

        /** The answer as TXT records, joined once. */
        TxtAnswer txt() {
            TxtAnswer t = txt;
            if (t == null) {
                t = AbstractDnsClient.txtAnswer(answer);
                txt = t;
            }
            return t;
        }

        /** {@code reader}'s reading of {@link #txt()}, kept for the next call with the same reader. */
        @SuppressWarnings("unchecked")
        <T> T read(Function<? super TxtAnswer, ? extends T> reader) {
            Reading r = reading;
            if (r != null && r.reader() == reader) {
                return (T) r.value();
            }
            T value = reader.apply(txt());
            reading = new Reading(reader, value);
            return value;
        }
    }

    private record Reading(Function<?, ?> reader, Object value) {
    }

    private static final VarHandle LAST_USED;
    private static final VarHandle USES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LAST_USED = lookup.findVarHandle(Entry.class, "lastUsed", long.class);
            USES = lookup.findVarHandle(DnsCache.class, "uses", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int maxEntries;
    private final Duration minTtl;
    private final Duration maxTtl;
    private final Duration negativeTtl;
    private final Clock clock;
    /**
     * One table per record type, keyed by name in key form ({@link DnsNames#key}): a hit is one hash
     * lookup on the name itself. Types below 256 (every type the checks ask) have a slot here.
     */
    private final AtomicReferenceArray<ConcurrentHashMap<String, Entry>> smallTypes = new AtomicReferenceArray<>(256);
    /** Tables of the other types, and every table (for size, eviction and clear). */
    private final ConcurrentHashMap<Integer, ConcurrentHashMap<String, Entry>> tables = new ConcurrentHashMap<>();
    /** The last use stamp given out (see {@link #stamp()}). */
    @SuppressWarnings("unused") // accessed through USES
    private long uses;
    private final Object evictionLock = new Object();

    public DnsCache(DnsSettings settings, Clock clock) {
        this.maxEntries = settings.cacheMaxEntries();
        this.minTtl = settings.minTtl();
        this.maxTtl = settings.maxTtl();
        this.negativeTtl = settings.negativeTtl();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The table of {@code type}; null when there is none and {@code create} is false. */
    private ConcurrentHashMap<String, Entry> table(int type, boolean create) {
        boolean small = type >= 0 && type < 256;
        ConcurrentHashMap<String, Entry> table = small ? smallTypes.get(type) : tables.get(type);
        if (table != null || !create) {
            return table;
        }
        table = tables.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
        if (small) {
            smallTypes.set(type, table);
        }
        return table;
    }

    /** The cached answer for (name, type) if there is one that has not expired. */
    public Optional<DnsAnswer> get(String name, int type) {
        Entry e = entry(name, type);
        return e == null ? Optional.empty() : Optional.of(e.answer);
    }

    /** The live entry for (name, type), marked as just used; null when there is none. */
    Entry entry(String name, int type) {
        if (maxEntries == 0) {
            return null;
        }
        ConcurrentHashMap<String, Entry> table = table(type, false);
        if (table == null) {
            return null;
        }
        // Names are nearly always asked in key form already: try the name as given first, since a
        // key equal to it means it is in key form.
        String key = name;
        Entry e = table.get(key);
        if (e == null) {
            key = DnsNames.key(name);
            if (key.equals(name)) {
                return null;
            }
            e = table.get(key);
            if (e == null) {
                return null;
            }
        }
        if (clock.millis() >= e.expiresAtMillis) {
            table.remove(key, e);
            return null;
        }
        e.used(stamp());
        return e;
    }

    /**
     * The next use stamp. Counted with opaque access rather than atomically: when threads race, a stamp may
     * repeat or lag a little behind, which only blurs the order of entries used at about the same moment
     * (eviction stays least-recently-used otherwise), and a hit costs no lock and no fence.
     */
    private long stamp() {
        long stamp = (long) USES.getOpaque(this) + 1;
        USES.setOpaque(this, stamp);
        return stamp;
    }

    /** Keeps {@code answer} for as long as its TTL and the settings allow (see the class comment). */
    public void put(String name, int type, CacheableAnswer answer) {
        keep(name, type, answer);
    }

    /** Like {@link #put}; returns the entry kept, or null when the answer must not be kept. */
    Entry keep(String name, int type, CacheableAnswer answer) {
        if (maxEntries == 0) {
            return null;
        }
        Optional<Duration> lifetime = lifetime(answer);
        if (lifetime.isEmpty()) {
            return null;
        }
        long expires = clock.millis() + lifetime.get().toMillis();
        Entry e = new Entry(answer.answer(), expires, stamp());
        table(type, true).put(DnsNames.key(name), e);
        if (size() > maxEntries) {
            evict();
        }
        return e;
    }

    /** Removes least recently used entries until the cache is below its bound again. */
    private void evict() {
        synchronized (evictionLock) {
            int size = size();
            if (size <= maxEntries) {
                return;
            }
            // Evict down to maxEntries - maxEntries/16 (at least one below the bound): the oldest uses go.
            int target = maxEntries - maxEntries / 16;
            int remove = size - target;
            long[] stamps = new long[size + 16];
            int n = 0;
            for (ConcurrentHashMap<String, Entry> table : tables.values()) {
                for (Entry e : table.values()) {
                    if (n == stamps.length) {
                        stamps = Arrays.copyOf(stamps, n * 2);
                    }
                    stamps[n++] = e.lastUsed();
                }
            }
            if (remove <= 0 || n == 0) {
                return;
            }
            Arrays.sort(stamps, 0, n);
            long cutoff = stamps[Math.min(remove, n) - 1];
            for (ConcurrentHashMap<String, Entry> table : tables.values()) {
                table.values().removeIf(e -> e.lastUsed() <= cutoff);
            }
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
        int size = 0;
        for (ConcurrentHashMap<String, Entry> table : tables.values()) {
            size += table.size();
        }
        return size;
    }

    public void clear() {
        for (ConcurrentHashMap<String, Entry> table : tables.values()) {
            table.clear();
        }
    }

    @Override
    public String toString() {
        return "DnsCache[size=" + size() + ", max=" + maxEntries + "]";
    }
}
