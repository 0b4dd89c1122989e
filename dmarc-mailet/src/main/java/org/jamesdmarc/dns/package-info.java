/**
 * DNS for every check (DMARC discovery, SPF, DKIM keys) on dnsjava, and the DNS-level value types the
 * layers above share. The bottom layer: it knows nothing of mail.
 *
 * <ul>
 *   <li>The client: build the shared one with {@link org.jamesdmarc.dns.DnsClients}: a {@link DnsjavaClient}
 *       (servers in order, retries, CNAME chains, answers sorted into FOUND / NXDOMAIN / NODATA / TEMPFAIL,
 *       never an exception) on a {@link SocketDnsTransport} (blocking UDP, TCP after a truncated reply;
 *       {@link SimpleResolverTransport} is the dnsjava alternative), behind a {@link DnsCache} (bounded LRU
 *       honouring positive and negative TTLs, never keeping TEMPFAIL; lock-free hits; a cached TXT answer
 *       also keeps what a {@link DnsClient#readTxt} reader made of it, so the DMARC record is parsed once per
 *       cached answer, not once per message). Wrap it per check in a
 *       {@link CountingDnsClient} to count that check's lookups. Settings ({@link DnsSettings}) come from the
 *       {@code dns*} mailet, hook and CLI parameters.</li>
 *   <li>Value types: {@link DomainName} (a host name validated once, as lower-case A-labels with LDH labels
 *       split once; the domain every layer above carries, while DNS query names stay strings),
 *       {@link IpLiteral} (strict IPv4/IPv6 text, never a lookup), {@link CidrSet} (address blocks for
 *       {@code trustedRelays} and {@code ignoreHosts}), {@link RecordType} (the RR types asked for, so no
 *       dnsjava constant leaves this package).</li>
 *   <li>{@link ReverseDns}: forward-confirmed reverse DNS (PTR, then A/AAAA back to the address), the only
 *       host name of a client the checks believe.</li>
 *   <li>{@link DnsClient#exists}: the RFC 9989 Non-existent Domain test behind the {@code np} tag.</li>
 *   <li>Bounded work per message: a {@link BudgetedDnsClient} over the shared client spends one message's
 *       {@link DnsBudget} (queries sent and time spent waiting; cached answers are free, a query is cut short
 *       when the time runs out); {@link ParallelLookups} runs a message's independent lookups at once.</li>
 * </ul>
 *
 * <p>RFCs: RFC 1035 §2.3.4 (name and label lengths), §3.2.2 (RR types), §4.2.1 (UDP size, TCP after TC);
 * RFC 3596 (AAAA); RFC 4343 (names compare case-insensitively: cache keys and {@code DomainName} are
 * lower case); RFC 2308 §5 (negative caching TTL); RFC 6604 §3 (RCODE after a CNAME chain); RFC 7766 §5
 * (TCP fallback); RFC 5452 §9.1 (reply matching against spoofing); RFC 6891 (EDNS(0) payload size);
 * RFC 8020 §2 (NXDOMAIN means nothing below); RFC 5891 (U-labels to A-labels in {@code DomainName});
 * RFC 4291 §2.2 (IPv6 text form); RFC 9989 §3.2.13 (Non-existent Domains); RFC 7208 §3.3 and
 * RFC 9989 §4.10 (a TXT record's strings are read as one).
 *
 * <p>May import (enforced by {@code LayeringTest}): the JDK, dnsjava ({@code org.xbill.DNS}) and SLF4J;
 * no other {@code org.jamesdmarc} package.
 */
package org.jamesdmarc.dns;
