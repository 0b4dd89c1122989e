package org.jamesdmarc.dns.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jamesdmarc.dns.AbstractDnsClient;
import org.jamesdmarc.dns.DnsAnswer;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.DomainExistence;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A {@link DnsClient} answering from a zone held in memory, for unit tests and benchmarks. Only
 * {@link #query} is faked: {@link #txt} and {@link #exists} come from {@link AbstractDnsClient}, so
 * they behave as with the real client (TXT strings joined, existence from A, AAAA and MX).
 *
 * <p>A name with records answers FOUND for their type and NODATA for others; a name without records
 * but with names below it is an empty non-terminal (NODATA, RFC 8020 §2); any other name is NXDOMAIN.
 * Scripted statuses ({@link #tempFail}, {@link #nxdomain}, {@link #status}) take precedence over the
 * data, a per-type status over a per-name one. Names are case-insensitive, a trailing dot optional.
 *
 * <p>Every query is logged (see {@link #queries()}) unless {@link #withoutQueryLog()}; setup and
 * queries are thread-safe.
 */
public final class InMemoryDnsClient extends AbstractDnsClient {

    private static final long TTL = 300;
    private static final int[] EXISTENCE_TYPES = {Type.A, Type.AAAA, Type.MX};

    /** One query received. */
    public record Query(String name, int type) {
        /** "TYPE name", e.g. "PTR 10.2.0.192.in-addr.arpa". */
        @Override
        public String toString() {
            return Type.string(type) + " " + name;
        }
    }

    private record Key(String name, int type) {
    }

    private final Map<String, List<Record>> zone = new ConcurrentHashMap<>();
    private final Map<String, DnsStatus> nameStatus = new ConcurrentHashMap<>();
    private final Map<Key, DnsStatus> typeStatus = new ConcurrentHashMap<>();
    private final List<Query> queryLog = Collections.synchronizedList(new ArrayList<>());
    private final List<String> existsLog = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean logging = true;

    // ---- data ----

    /** One TXT record per text at {@code name} (texts over 255 octets split into several strings). */
    public InMemoryDnsClient txt(String name, String... texts) {
        for (String text : texts) {
            add(TestRecords.txt(name, TTL, text));
        }
        return this;
    }

    /** The DMARC record(s) at {@code _dmarc.<domain>} (RFC 9989 §4.10). */
    public InMemoryDnsClient dmarc(String domain, String... records) {
        return txt("_dmarc." + domain, records);
    }

    /** A records at {@code name}. */
    public InMemoryDnsClient a(String name, String... ipv4) {
        for (String address : ipv4) {
            add(TestRecords.a(name, TTL, address));
        }
        return this;
    }

    /** AAAA records at {@code name}. */
    public InMemoryDnsClient aaaa(String name, String... ipv6) {
        for (String address : ipv6) {
            add(TestRecords.aaaa(name, TTL, address));
        }
        return this;
    }

    /** MX records at {@code name}, preferences 10, 11, ... in the order given. */
    public InMemoryDnsClient mx(String name, String... exchanges) {
        int preference = 10;
        for (String exchange : exchanges) {
            add(TestRecords.mx(name, TTL, preference++, exchange));
        }
        return this;
    }

    /** A PTR record at {@code name} (e.g. "10.2.0.192.in-addr.arpa"). */
    public InMemoryDnsClient ptr(String name, String target) {
        add(TestRecords.ptr(name, TTL, target));
        return this;
    }

    /** Any record. */
    public InMemoryDnsClient record(Record record) {
        add(record);
        return this;
    }

    private void add(Record r) {
        zone.computeIfAbsent(key(r.getName().toString()), k -> new CopyOnWriteArrayList<>()).add(r);
    }

    // ---- scripted statuses ----

    /** Every query for {@code name} fails temporarily (SERVFAIL, timeout). */
    public InMemoryDnsClient tempFail(String name) {
        nameStatus.put(key(name), DnsStatus.TEMPFAIL);
        return this;
    }

    /** Every query for {@code name} is NXDOMAIN, whatever data it has. */
    public InMemoryDnsClient nxdomain(String name) {
        nameStatus.put(key(name), DnsStatus.NXDOMAIN);
        return this;
    }

    /** Queries of {@code type} (a {@link Type} constant) at {@code name} answer {@code status}, not FOUND. */
    public InMemoryDnsClient status(String name, int type, DnsStatus status) {
        if (Objects.requireNonNull(status, "status") == DnsStatus.FOUND) {
            throw new IllegalArgumentException("FOUND needs records: add them instead");
        }
        typeStatus.put(new Key(key(name), type), status);
        return this;
    }

    /** {@code _dmarc.<domain>} fails temporarily. */
    public InMemoryDnsClient dmarcTempFail(String domain) {
        return status("_dmarc." + domain, Type.TXT, DnsStatus.TEMPFAIL);
    }

    /**
     * Makes {@link #exists}({@code domain}) answer {@code existence} (RFC 9989 §3.2.13): EXISTS adds
     * an A record (192.0.2.1), NON_EXISTENT makes A, AAAA and MX NODATA, TEMPFAIL makes them fail.
     */
    public InMemoryDnsClient existence(String domain, DomainExistence existence) {
        for (int type : EXISTENCE_TYPES) {
            typeStatus.remove(new Key(key(domain), type));
        }
        switch (existence) {
            case EXISTS -> a(domain, "192.0.2.1");
            case NON_EXISTENT -> setAll(domain, DnsStatus.NODATA);
            case TEMPFAIL -> setAll(domain, DnsStatus.TEMPFAIL);
        }
        return this;
    }

    private void setAll(String domain, DnsStatus status) {
        for (int type : EXISTENCE_TYPES) {
            status(domain, type, status);
        }
    }

    /** Stops logging queries (benchmarks: the log would grow without bound). */
    public InMemoryDnsClient withoutQueryLog() {
        logging = false;
        return this;
    }

    // ---- DnsClient ----

    @Override
    public DnsAnswer query(String name, int type) {
        String k = key(name);
        if (logging) {
            queryLog.add(new Query(k, type));
        }
        DnsStatus scripted = typeStatus.get(new Key(k, type));
        if (scripted == null) {
            scripted = nameStatus.get(k);
        }
        if (scripted != null) {
            return DnsAnswer.of(scripted, k + ": " + scripted + " (in-memory)");
        }
        List<Record> atName = zone.get(k);
        if (atName == null) {
            // RFC 8020 §2: an empty non-terminal exists (NODATA); otherwise the name does not.
            DnsStatus status = hasNamesBelow(k) ? DnsStatus.NODATA : DnsStatus.NXDOMAIN;
            return DnsAnswer.of(status, k + ": " + status + " (in-memory)");
        }
        List<Record> ofType = atName.stream().filter(r -> r.getType() == type).toList();
        return ofType.isEmpty() ? DnsAnswer.of(DnsStatus.NODATA, k + ": NODATA (in-memory)")
                : new DnsAnswer(DnsStatus.FOUND, ofType, "");
    }

    private boolean hasNamesBelow(String k) {
        String suffix = "." + k;
        for (String n : zone.keySet()) {
            if (n.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** Logs {@code domain}, then asks A, AAAA and MX as the real client does. */
    @Override
    public DomainExistence exists(String domain) {
        if (logging) {
            existsLog.add(key(domain));
        }
        return super.exists(domain);
    }

    // ---- what it saw ----

    /** Every query, in order, as "TYPE name" (lower case, no trailing dot). */
    public List<String> queries() {
        synchronized (queryLog) {
            return queryLog.stream().map(Query::toString).toList();
        }
    }

    /** The names of the TXT queries, in order. */
    public List<String> txtQueries() {
        synchronized (queryLog) {
            return queryLog.stream().filter(q -> q.type() == Type.TXT).map(Query::name).toList();
        }
    }

    /** The domains {@link #exists} was asked about, in order. */
    public List<String> existsQueries() {
        synchronized (existsLog) {
            return List.copyOf(existsLog);
        }
    }

    public void clearLog() {
        queryLog.clear();
        existsLog.clear();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
