package org.jamesdmarc.policy;

/** How the DMARC Policy Record and Organizational Domains are found. */
public enum DiscoveryMode {
    /** RFC 9989 §4.10: the DNS Tree Walk (default). */
    TREEWALK,
    /** RFC 7489 §6.6.3 / §3.2: the Author Domain, then its Organizational Domain from a Public Suffix List. */
    PSL
}
