/**
 * DNS for every check (DMARC discovery, SPF, DKIM keys), on dnsjava.
 *
 * <p>Build the shared client with {@link org.jamesdmarc.dns.DnsClients#create(DnsSettings)}: a
 * {@link org.jamesdmarc.dns.DnsjavaClient} (transport: servers in order, retries, TCP after a truncated
 * UDP reply, CNAME chains, FOUND/NXDOMAIN/NODATA/TEMPFAIL) behind a {@link org.jamesdmarc.dns.DnsCache}
 * (bounded LRU honouring positive and RFC 2308 negative TTLs, never keeping TEMPFAIL). Wrap it per check
 * in a {@link org.jamesdmarc.dns.CountingDnsClient} to count the lookups that check made.
 * Settings come from mailet/CLI parameters through {@link org.jamesdmarc.dns.DnsSettings#fromParameters}.
 */
package org.jamesdmarc.dns;
