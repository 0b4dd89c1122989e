/**
 * ARC, the Authenticated Received Chain (RFC 8617): validating the ARC sets of a message. James-free.
 *
 * <ul>
 *   <li>{@link ArcVerifier}: reads the ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results fields
 *       from the {@code mail} layer's {@code HeaderSection}, checks the structure (§4.1, §4.2.1, §5.2 step 3:
 *       instances 1..50, complete, no duplicates, one field of each kind per instance, {@code cv=} none then
 *       pass), verifies the latest message signature (§4.1.2, DKIM-like: RFC 6376 canonicalisation, body hash)
 *       and every seal (§4.1.3, §5.1.1: relaxed canonicalisation of the sets 1..i in order), and gives an
 *       {@link ArcOutcome}: {@link ArcResult}, the oldest-pass instance (§5.2 step 5) and each {@link ArcSet}'s
 *       sealer and recorded results.</li>
 *   <li>Keys as for our DKIM: {@code <s>._domainkey.<d>} TXT through our {@code DnsClient} (so within the
 *       caller's budget), parsed with jDKIM's key record, RSA 1024–8192 bits only (RFC 8301 §3.2), rsa-sha256
 *       only (RFC 8301 §3.1; Ed25519 is not supported for DKIM either).</li>
 * </ul>
 *
 * <p>May import (enforced by {@code LayeringTest}, as part of {@code auth}): the JDK, jDKIM
 * ({@code org.apache.james.jdkim}: key records and body canonicalizers), SLF4J, {@code org.jamesdmarc.auth},
 * {@code org.jamesdmarc.mail} and {@code org.jamesdmarc.dns}.
 */
package org.jamesdmarc.auth.arc;
