package org.jamesdmarc.reporting.web;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jamesdmarc.dns.IpLiteral;

/**
 * The names of source addresses shown by the dashboard and the inbound report routes (forward-confirmed reverse DNS,
 * {@code dns.ReverseDns}), never resolved on a request's path: a request gets what the cache holds now and, for an
 * address not looked up yet, {@link Name.Pending} while a background thread asks the DNS (the next request shows the
 * answer). Bounded: at most {@value #MAX_ENTRIES} addresses cached (least recently used dropped), at most
 * {@value #MAX_QUEUED} lookups waiting (more are dropped and asked for again by a later request), answers kept for
 * {@link #TTL}. The DNS client given should have a short timeout.
 */
public final class SourceNames implements AutoCloseable {

    static final int MAX_ENTRIES = 20_000;
    static final int MAX_QUEUED = 1_000;
    static final Duration TTL = Duration.ofHours(6);
    static final Duration PENDING_RETRY = Duration.ofMinutes(1);

    /** What is known of an address's name. */
    public sealed interface Name {
        /** Looked up: its first forward-confirmed name. */
        record Resolved(String name) implements Name { }

        /** Looked up: no forward-confirmed name (or the lookup failed). */
        record Unnamed() implements Name { }

        /** Not looked up yet (queued now). */
        record Pending() implements Name { }
    }

    private record Entry(Name name, Instant at) {
    }

    private final Function<InetAddress, List<String>> resolver;
    private final Clock clock;
    private final ThreadPoolExecutor lookups;
    private final Map<String, Entry> cache = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** @param resolver the forward-confirmed names of an address (e.g. {@code new ReverseDns(dns)::confirmedNames}) */
    public SourceNames(Function<InetAddress, List<String>> resolver, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lookups = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "dmarc-source-names");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        lookups.allowCoreThreadTimeOut(true);
    }

    /** What is known of {@code ip}'s name now; starts a lookup when nothing (or only an expired answer) is. */
    public Name nameOf(String ip) {
        Optional<InetAddress> address = IpLiteral.parse(ip);
        if (address.isEmpty()) {
            return new Name.Unnamed();
        }
        Instant now = clock.instant();
        synchronized (cache) {
            Entry e = cache.get(ip);
            // A pending entry older than a minute is a lookup the full queue dropped: ask again.
            if (e != null && e.at().plus(e.name() instanceof Name.Pending ? PENDING_RETRY : TTL).isAfter(now)) {
                return e.name();
            }
            cache.put(ip, new Entry(new Name.Pending(), now));
        }
        lookups.execute(() -> resolve(ip, address.get()));
        return new Name.Pending();
    }

    private void resolve(String ip, InetAddress address) {
        Name name;
        try {
            List<String> names = resolver.apply(address);
            name = names.isEmpty() ? new Name.Unnamed() : new Name.Resolved(names.get(0));
        } catch (RuntimeException e) {
            name = new Name.Unnamed();
        }
        synchronized (cache) {
            cache.put(ip, new Entry(name, clock.instant()));
        }
    }

    /** Waits up to {@code timeout} for the lookups started so far (tests, the benchmark's warm-up). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lookups.getActiveCount() > 0 || !lookups.getQueue().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
