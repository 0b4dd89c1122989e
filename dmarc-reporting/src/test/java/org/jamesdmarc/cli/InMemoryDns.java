package org.jamesdmarc.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jamesdmarc.dns.DnsAnswer;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.DomainExistence;
import org.jamesdmarc.dns.TxtAnswer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A tiny DNS for unit tests: TXT records by name, names that fail temporarily; everything else is
 * NXDOMAIN (or NODATA above a name that has records). Records the queries it got.
 */
final class InMemoryDns implements DnsClient {

    private final Map<String, List<String>> txt = new HashMap<>();
    private final Set<String> tempfail = new HashSet<>();
    final List<String> queries = new ArrayList<>();

    InMemoryDns txt(String name, String... texts) {
        txt.computeIfAbsent(key(name), k -> new ArrayList<>()).addAll(List.of(texts));
        return this;
    }

    InMemoryDns tempfail(String name) {
        tempfail.add(key(name));
        return this;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private DnsStatus status(String k) {
        if (tempfail.contains(k)) {
            return DnsStatus.TEMPFAIL;
        }
        if (txt.containsKey(k)) {
            return DnsStatus.FOUND;
        }
        boolean hasBelow = txt.keySet().stream().anyMatch(n -> n.endsWith("." + k));
        return hasBelow ? DnsStatus.NODATA : DnsStatus.NXDOMAIN;
    }

    @Override
    public DnsAnswer query(String name, int type) {
        String k = key(name);
        queries.add(k + "/" + Type.string(type));
        DnsStatus s = status(k);
        if (s != DnsStatus.FOUND) {
            return DnsAnswer.of(s, k + ": " + s);
        }
        if (type != Type.TXT) {
            return DnsAnswer.of(DnsStatus.NODATA, k + ": NODATA");
        }
        List<Record> records = new ArrayList<>();
        try {
            for (String t : txt.get(k)) {
                records.add(new TXTRecord(Name.fromString(k + "."), DClass.IN, 60, t));
            }
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
        return new DnsAnswer(DnsStatus.FOUND, records, "");
    }

    @Override
    public TxtAnswer txt(String name) {
        String k = key(name);
        queries.add(k + "/TXT");
        DnsStatus s = status(k);
        return new TxtAnswer(s, s == DnsStatus.FOUND ? txt.get(k) : List.of(), s.name());
    }

    @Override
    public DomainExistence exists(String domain) {
        return switch (status(key(domain))) {
            case FOUND, NODATA -> DomainExistence.EXISTS;
            case NXDOMAIN -> DomainExistence.NON_EXISTENT;
            case TEMPFAIL -> DomainExistence.TEMPFAIL;
        };
    }
}
