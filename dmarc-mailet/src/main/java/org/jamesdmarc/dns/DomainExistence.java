package org.jamesdmarc.dns;

/** RFC 9989 §3.2.13 Non-existent Domains: NXDOMAIN or NODATA for A, AAAA and MX. */
public enum DomainExistence {
    EXISTS,
    NON_EXISTENT,
    /** At least one of the lookups failed temporarily and none showed the domain exists. */
    TEMPFAIL
}
