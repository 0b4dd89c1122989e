package org.jamesdmarc.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;

/**
 * Forward-confirmed reverse DNS (FCrDNS): the PTR names of an address whose own A (or AAAA) records lead
 * back to that address. A name that only the PTR record claims proves nothing, since whoever controls the
 * address's reverse zone can write any name there; the forward lookup shows the name's owner agrees.
 * At most {@link #MAX_PTR_NAMES} PTR names are followed, so one answer cannot cost unbounded queries.
 * DNS failures are not errors here: they leave a name unconfirmed (an empty list when the PTR query fails).
 */
public final class ReverseDns {

    /** PTR names followed per address (each costs one forward query). */
    public static final int MAX_PTR_NAMES = 10;

    private final DnsClient dns;

    public ReverseDns(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** The forward-confirmed names of {@code address}, without trailing dot, in PTR answer order. */
    public List<String> confirmedNames(InetAddress address) {
        DnsAnswer ptr = dns.query(ReverseMap.fromAddress(address).toString(), Type.PTR);
        if (ptr.status() != DnsStatus.FOUND) {
            return List.of();
        }
        int forwardType = address instanceof Inet6Address ? Type.AAAA : Type.A;
        List<String> names = new ArrayList<>();
        ptr.records().stream().filter(PTRRecord.class::isInstance).map(PTRRecord.class::cast).limit(MAX_PTR_NAMES)
                .forEach(p -> {
                    String name = p.getTarget().toString(true);
                    DnsAnswer forward = dns.query(name, forwardType);
                    if (forward.status() == DnsStatus.FOUND
                            && forward.records().stream().anyMatch(r -> address.equals(addressOf(r)))) {
                        names.add(name);
                    }
                });
        return names;
    }

    private static InetAddress addressOf(Record r) {
        if (r instanceof ARecord a) {
            return a.getAddress();
        }
        return r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
    }
}
