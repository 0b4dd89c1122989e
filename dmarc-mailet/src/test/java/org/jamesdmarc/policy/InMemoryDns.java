package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jamesdmarc.dns.DnsAnswer;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.DomainExistence;
import org.jamesdmarc.dns.TxtAnswer;

/**
 * In-memory {@link DnsClient} for unit tests and benchmarks: TXT answers by name, temporary
 * failures, existence answers. Unknown TXT names are NXDOMAIN; unknown domains exist. Optionally
 * logs every query (disable for benchmarks so the log does not grow).
 */
public final class InMemoryDns implements DnsClient {

    private final Map<String, TxtAnswer> txt = new ConcurrentHashMap<>();
    private final Map<String, DomainExistence> existence = new ConcurrentHashMap<>();
    private final boolean logging;
    private final List<String> txtLog = Collections.synchronizedList(new ArrayList<>());
    private final List<String> existsLog = Collections.synchronizedList(new ArrayList<>());

    public InMemoryDns() {
        this(true);
    }

    public InMemoryDns(boolean logging) {
        this.logging = logging;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** TXT records at {@code name} (one string per resource record). */
    public InMemoryDns txt(String name, String... records) {
        txt.put(key(name), new TxtAnswer(DnsStatus.FOUND, List.of(records), "test"));
        return this;
    }

    /** A DMARC record at {@code _dmarc.<domain>}. */
    public InMemoryDns dmarc(String domain, String... records) {
        return txt("_dmarc." + domain, records);
    }

    public InMemoryDns txtStatus(String name, DnsStatus status) {
        txt.put(key(name), new TxtAnswer(status, List.of(), "test " + status));
        return this;
    }

    /** {@code _dmarc.<domain>} fails temporarily. */
    public InMemoryDns dmarcTempFail(String domain) {
        return txtStatus("_dmarc." + domain, DnsStatus.TEMPFAIL);
    }

    public InMemoryDns existence(String domain, DomainExistence e) {
        existence.put(key(domain), e);
        return this;
    }

    @Override
    public DnsAnswer query(String name, int type) {
        return DnsAnswer.of(DnsStatus.NXDOMAIN, "InMemoryDns answers TXT and existence only");
    }

    @Override
    public TxtAnswer txt(String name) {
        String k = key(name);
        if (logging) {
            txtLog.add(k);
        }
        TxtAnswer a = txt.get(k);
        return a != null ? a : new TxtAnswer(DnsStatus.NXDOMAIN, List.of(), "NXDOMAIN " + k);
    }

    @Override
    public DomainExistence exists(String domain) {
        String k = key(domain);
        if (logging) {
            existsLog.add(k);
        }
        return existence.getOrDefault(k, DomainExistence.EXISTS);
    }

    /** TXT names queried, in order. */
    public List<String> txtQueries() {
        synchronized (txtLog) {
            return List.copyOf(txtLog);
        }
    }

    public List<String> existsQueries() {
        synchronized (existsLog) {
            return List.copyOf(existsLog);
        }
    }

    public void clearLog() {
        txtLog.clear();
        existsLog.clear();
    }
}
