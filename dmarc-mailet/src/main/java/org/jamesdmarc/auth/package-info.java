/**
 * The authentication mechanisms DMARC builds on: SPF and DKIM results for one message, from our own checks
 * or from upstream fields we have reason to trust.
 *
 * <ul>
 *   <li>{@link SpfVerifier}: SPF check_host() of the MAIL FROM identity (HELO for a null reverse-path) with
 *       jSPF 1.0.3 over our {@code DnsClient}, adding the lookup limits jSPF lacks; gives an
 *       {@link SpfOutcome} ({@link SpfResult}, domain, {@link SpfScope}).</li>
 *   <li>{@link DkimVerifier}: every DKIM-Signature with jDKIM 0.3, each screened first
 *       ({@link DkimSignatureScreen}) and verified on its own; gives one {@link DkimOutcome}
 *       ({@link DkimResult}, d=, s=, reason) per signature. {@link DkimVerifier.Signatures} lets a caller
 *       choose which signatures to verify, through which DNS client; their keys are looked up in parallel, and
 *       parsed key records are kept ({@code DkimKeyCache}, keyed by the record text DNS gives).</li>
 *   <li>{@link TrustedAuthResultsExtractor}: SPF/DKIM results from Authentication-Results fields of trusted
 *       authserv-ids, the topmost few fields only ({@link TrustedAuthResults}, with what was
 *       {@link IgnoredResult ignored} and why);
 *       {@link ReceivedSpfParser}: a relay's Received-SPF field and whether it may stand in for our SPF check
 *       ({@link ReceivedSpfVerdict}).</li>
 * </ul>
 * DMARC itself (records, alignment, policy) is not here: it is in {@code policy}, one layer up; our own
 * Authentication-Results field, which carries the DMARC result, is written in {@code check}.
 *
 * <p>RFCs: RFC 7208 §2.3–§2.4 (HELO and MAIL FROM identities), §2.6 (results), §4.3 (malformed domain:
 * none), §4.5, §4.6.4 (DNS lookup, void lookup and MX limits), §9.1 (Received-SPF); RFC 6376 §3.5
 * (signature tags), §3.6 (key records), §6.1 (verification and its PERMFAIL/TEMPFAIL cases); RFC 8301
 * §3.1–§3.2 (no rsa-sha1, RSA key sizes); RFC 8601 §2.2 (field syntax), §2.7.1–§2.7.2 (dkim and spf
 * results and properties), §5 and §7.1 (only trusted authserv-ids are believed); RFC 9989 §4.2 and §4.4.2
 * (DMARC uses the MAIL FROM identity). CVE-2019-20790 (untrusted Received-SPF) and CVE-2020-12272
 * (comments in identities) shaped the trust rules.
 *
 * <p>May import (enforced by {@code LayeringTest}): the JDK, jSPF ({@code org.apache.james.jspf}), jDKIM
 * ({@code org.apache.james.jdkim}), mime4j ({@code org.apache.james.mime4j}, jDKIM's own message reader, which
 * {@code DkimMessage} drives directly), SLF4J, {@code org.jamesdmarc.mail} and {@code org.jamesdmarc.dns}.
 */
package org.jamesdmarc.auth;
