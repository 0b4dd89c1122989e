/**
 * DNS for every check (DMARC discovery, SPF, DKIM keys), on dnsjava.
 *
 * <p>Build the shared client with {@link org.jamesdmarc.dns.DnsClients#create(DnsSettings)}: a
 * {@link org.jamesdmarc.dns.DnsjavaClient} (servers in order, retries, CNAME chains,
 * FOUND/NXDOMAIN/NODATA/TEMPFAIL) on a {@link org.jamesdmarc.dns.SocketDnsTransport} (blocking UDP, TCP
 * after a truncated reply; {@link org.jamesdmarc.dns.SimpleResolverTransport} is the dnsjava alternative) behind a {@link org.jamesdmarc.dns.DnsCache}
 * (bounded LRU honouring positive and RFC 2308 negative TTLs, never keeping TEMPFAIL). Wrap it per check
 * in a {@link org.jamesdmarc.dns.CountingDnsClient} to count the lookups that check made.
 * Settings come from mailet/CLI parameters through {@link org.jamesdmarc.dns.DnsSettings#fromParameters}.
 */
package org.jamesdmarc.dns;
