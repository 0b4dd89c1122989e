package org.jamesdmarc.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;

/**
 * The answer to one query: its status, the records of the type asked (empty unless {@link DnsStatus#FOUND}),
 * and for failures a short human reason (e.g. "SERVFAIL from 127.0.0.1:53", "timeout after 5s").
 */
public record DnsAnswer(DnsStatus status, List<Record> records, String detail) {

    public DnsAnswer {
        Objects.requireNonNull(status, "status");
        records = List.copyOf(records);
        Objects.requireNonNull(detail, "detail");
    }

    /** The addresses of the A and AAAA records of this answer, in answer order. */
    public List<InetAddress> addresses() {
        List<InetAddress> out = new ArrayList<>(records.size());
        for (Record r : records) {
            if (r instanceof ARecord a) {
                out.add(a.getAddress());
            } else if (r instanceof AAAARecord aaaa) {
                out.add(aaaa.getAddress());
            }
        }
        return out;
    }

    /** The target names of the MX and PTR records of this answer, absolute (trailing dot), in answer order. */
    public List<String> targetNames() {
        List<String> out = new ArrayList<>(records.size());
        for (Record r : records) {
            if (r instanceof MXRecord mx) {
                out.add(mx.getTarget().toString());
            } else if (r instanceof PTRRecord ptr) {
                out.add(ptr.getTarget().toString());
            }
        }
        return out;
    }

    public static DnsAnswer of(DnsStatus status, String detail) {
        return new DnsAnswer(status, List.of(), detail);
    }
}
