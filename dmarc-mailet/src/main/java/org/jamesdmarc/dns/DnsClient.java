package org.jamesdmarc.dns;

/**
 * The DNS access every check uses (DMARC discovery, SPF, DKIM keys), so one set of settings
 * (servers, timeout, cache) applies to all of them. Implementations never throw for DNS trouble:
 * it is reported as {@link DnsStatus#TEMPFAIL}. Names are absolute or relative to the root; a
 * trailing dot is optional.
 */
public interface DnsClient {

    /** One query of type {@code type} (an {@link org.xbill.DNS.Type} constant) for {@code name}. */
    DnsAnswer query(String name, int type);

    /** One query of type {@code type} for {@code name}. */
    default DnsAnswer query(String name, RecordType type) {
        return query(name, type.code());
    }

    /** TXT records at {@code name}, each one's strings concatenated. */
    TxtAnswer txt(String name);

    /** RFC 9989 §3.2.13: does {@code domain} exist (any of A, AAAA, MX answered with data)? */
    DomainExistence exists(String domain);
}
