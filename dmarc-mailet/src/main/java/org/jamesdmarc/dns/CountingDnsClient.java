package org.jamesdmarc.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.xbill.DNS.Type;

/**
 * Counts the DNS lookups a check asks for (each {@link #query}, and the queries {@link #txt} and
 * {@link #exists} make), whether the layer below answers from its cache or not: this is the number
 * RFC 9989 and RFC 7208 limits talk about and that {@code dmarc check} reports as "lookups".
 * Meant to wrap the shared client for one check; keeps the first {@value #MAX_LOGGED} queries
 * (as {@code name/TYPE}) for display. Thread-safe.
 */
public final class CountingDnsClient extends AbstractDnsClient {

    static final int MAX_LOGGED = 1000;

    private final DnsClient delegate;
    private final List<String> log = new ArrayList<>();
    private int count;

    public CountingDnsClient(DnsClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public DnsAnswer query(String name, int type) {
        synchronized (log) {
            count++;
            if (log.size() < MAX_LOGGED) {
                log.add(name + "/" + Type.string(type));
            }
        }
        return delegate.query(name, type);
    }

    /** Lookups asked of this client so far. */
    public int lookups() {
        synchronized (log) {
            return count;
        }
    }

    /** The lookups asked so far, in order, as {@code name/TYPE} (at most {@value #MAX_LOGGED}). */
    public List<String> queries() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public void reset() {
        synchronized (log) {
            count = 0;
            log.clear();
        }
    }
}
