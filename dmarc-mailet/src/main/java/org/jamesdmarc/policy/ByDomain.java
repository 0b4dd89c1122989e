package org.jamesdmarc.policy;

import java.util.Arrays;

import org.jamesdmarc.dns.DomainName;

/**
 * Values by domain name for one evaluation, in the order they were first put: a message involves a
 * handful of names (a walk of at most 8, plus the identifiers'), for which a linear scan is cheaper
 * than hashing freshly made names. Not thread-safe.
 */
final class ByDomain<V> {

    private DomainName[] domains = new DomainName[8];
    private Object[] values = new Object[8];
    private int size;

    /**
     * The value of the domain whose name is {@code name.substring(from)}, without making that substring;
     * null when none.
     */
    @SuppressWarnings("unchecked")
    V get(String name, int from) {
        int length = name.length() - from;
        for (int i = 0; i < size; i++) {
            String known = domains[i].name();
            if (known.length() == length && name.startsWith(known, from)) {
                return (V) values[i];
            }
        }
        return null;
    }

    V get(DomainName domain) {
        return get(domain.name(), 0);
    }

    /** Sets the value of {@code domain}, replacing any value it had (its place in the order stays). */
    void put(DomainName domain, V value) {
        for (int i = 0; i < size; i++) {
            if (domains[i].equals(domain)) {
                values[i] = value;
                return;
            }
        }
        add(domain, value);
    }

    /** Adds {@code domain}, which {@link #get} just did not find, with its value. */
    void add(DomainName domain, V value) {
        if (size == domains.length) {
            domains = Arrays.copyOf(domains, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        domains[size] = domain;
        values[size] = value;
        size++;
    }

    int size() {
        return size;
    }

    /** The {@code i}th domain put. */
    DomainName domain(int i) {
        return domains[i];
    }
}
