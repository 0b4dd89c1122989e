package org.jamesdmarc.dns;

/** What a DNS query came back with, as DMARC, SPF and DKIM need to tell apart. */
public enum DnsStatus {
    /** NOERROR with at least one record of the type asked. */
    FOUND,
    /** RCODE 3: the name does not exist. */
    NXDOMAIN,
    /** NOERROR but no record of the type asked ("NODATA"). */
    NODATA,
    /** SERVFAIL, REFUSED, timeout, network error: try again later (DMARC temperror). */
    TEMPFAIL
}
