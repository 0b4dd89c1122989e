package org.jamesdmarc.dns;

import java.util.List;
import java.util.Objects;

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

    public static DnsAnswer of(DnsStatus status, String detail) {
        return new DnsAnswer(status, List.of(), detail);
    }
}
