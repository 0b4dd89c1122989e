package org.jamesdmarc.policy;

/** Outcome of DMARC policy discovery for an Author Domain. */
public enum DiscoveryStatus {
    /** A DMARC Policy Record applies (RFC 9989 §4.10.1). */
    FOUND,
    /** No DMARC Policy Record applies: RFC 9989 §4.10.1 says DMARC MUST NOT be applied. */
    NONE,
    /** A DNS query failed temporarily; try again later. */
    TEMPERROR,
    /** The Author Domain is not a usable domain name. */
    PERMERROR
}
