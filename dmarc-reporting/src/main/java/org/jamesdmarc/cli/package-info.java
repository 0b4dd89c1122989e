/**
 * The {@code dmarc} command-line tool (picocli), {@link DmarcCli}: {@code record parse} and
 * {@code record generate} (DMARC Policy Records), {@code check} (which policy applies to a domain, and
 * whether its report destinations accept reports) and {@code evaluate} (the verdict James would reach for one
 * message, through the same {@code org.jamesdmarc.check.DmarcChecker} as the mailet and the hook), and
 * {@code history import|stats|list|expire|where} (the evaluation history of {@code org.jamesdmarc.store}; without
 * {@code --db} the database a James home's {@code conf/dmarc.properties} names, read through
 * {@code store.DmarcSettings} as James reads it: {@link DatabaseOptions}). Only
 * argument handling and output (text, {@link Json}, {@link ExitCodes}) live here; every DMARC rule is in
 * {@code dmarc-mailet}'s packages or in {@code org.jamesdmarc.reporting}.
 *
 * <p>RFCs (through the code it calls): RFC 9989 §4.7–§4.8 (record syntax, {@code record parse|generate}),
 * §4.10 (DNS Tree Walk, {@code check}), §5.3 ({@code evaluate}); RFC 7489 §3.2 and §6.6.3 ({@code --psl});
 * RFC 9990 and RFC 9991 "Verifying External Destinations" ({@code check}'s {@code rua}/{@code ruf} entries);
 * RFC 6376 §3.4 ({@code evaluate} turns bare LF into CRLF before DKIM).
 *
 * <p>May import: the JDK, picocli, Jackson, Guava's {@code com.google.common.net}, the James-free packages of
 * {@code dmarc-mailet} ({@code org.jamesdmarc.check}, {@code policy}, {@code auth}, {@code mail},
 * {@code dns}), {@code org.jamesdmarc.reporting} and {@code org.jamesdmarc.store}; never {@code org.jamesdmarc.james} or a James API (the
 * tool runs without James). Nothing imports it. {@code ReportingLayeringTest} enforces the James-free part
 * and the absence of cycles; the rest of this list is kept by review.
 */
package org.jamesdmarc.cli;
