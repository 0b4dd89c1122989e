package org.jamesdmarc.policy;

/** Where the applied DMARC Policy Record was found, RFC 9989 §4.10.1 (in order of preference). */
public enum PolicyDomainRole {
    /** The record of the Author Domain itself: its {@code p} tag applies. */
    AUTHOR_DOMAIN,
    /** The record of the Author Domain's Organizational Domain: {@code sp}/{@code np} apply. */
    ORGANIZATIONAL_DOMAIN,
    /** The record of the Public Suffix Domain ({@code psd=y}): {@code sp}/{@code np} apply. */
    PUBLIC_SUFFIX_DOMAIN
}
