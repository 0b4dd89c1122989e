package org.jamesdmarc.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** A fake {@link DnsClient} for unit tests: a zone in a map, names that TEMPFAIL, and a log of queries. */
final class InMemoryDnsClient implements DnsClient {

    private final Map<String, List<Record>> records = new HashMap<>();
    private final Set<String> tempFailing = new HashSet<>();
    final List<String> queries = new ArrayList<>();

    InMemoryDnsClient txt(String name, String... texts) {
        for (String text : texts) {
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < text.length(); i += 255) {
                strings.add(text.substring(i, Math.min(text.length(), i + 255)));
            }
            add(new TXTRecord(name(name), DClass.IN, 300, strings));
        }
        return this;
    }

    InMemoryDnsClient a(String name, String... addresses) {
        for (String address : addresses) {
            InetAddress ip = ip(address);
            add(address.contains(":") ? new AAAARecord(name(name), DClass.IN, 300, ip)
                    : new ARecord(name(name), DClass.IN, 300, ip));
        }
        return this;
    }

    InMemoryDnsClient mx(String name, String... targets) {
        int pref = 10;
        for (String target : targets) {
            add(new MXRecord(name(name), DClass.IN, 300, pref++, name(target)));
        }
        return this;
    }

    InMemoryDnsClient ptr(String name, String target) {
        add(new PTRRecord(name(name), DClass.IN, 300, name(target)));
        return this;
    }

    /** Every query for {@code name} fails temporarily (SERVFAIL/timeout). */
    InMemoryDnsClient tempFail(String name) {
        tempFailing.add(key(name));
        return this;
    }

    private void add(Record r) {
        records.computeIfAbsent(key(r.getName().toString()), k -> new ArrayList<>()).add(r);
    }

    @Override
    public DnsAnswer query(String name, int type) {
        queries.add(Type.string(type) + " " + key(name));
        String k = key(name);
        if (tempFailing.contains(k)) {
            return DnsAnswer.of(DnsStatus.TEMPFAIL, "SERVFAIL (fake)");
        }
        List<Record> atName = records.get(k);
        if (atName == null) {
            return DnsAnswer.of(DnsStatus.NXDOMAIN, "NXDOMAIN (fake)");
        }
        List<Record> ofType = atName.stream().filter(r -> r.getType() == type).toList();
        return ofType.isEmpty() ? DnsAnswer.of(DnsStatus.NODATA, "NODATA (fake)")
                : new DnsAnswer(DnsStatus.FOUND, ofType, "");
    }

    @Override
    public TxtAnswer txt(String name) {
        DnsAnswer answer = query(name, Type.TXT);
        List<String> texts = answer.records().stream()
                .map(r -> String.join("", ((TXTRecord) r).getStrings()))
                .toList();
        return new TxtAnswer(answer.status(), texts, answer.detail());
    }

    @Override
    public DomainExistence exists(String domain) {
        return records.containsKey(key(domain)) ? DomainExistence.EXISTS : DomainExistence.NON_EXISTENT;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static InetAddress ip(String address) {
        try {
            return InetAddress.getByName(address); // literal only: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
