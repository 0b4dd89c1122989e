/**
 * DMARC itself, James-free and message-free: given an Author Domain and the SPF and DKIM outcomes of
 * {@code auth}, find the sender's policy, check identifier alignment and decide the result and disposition.
 *
 * <ul>
 *   <li>Records: {@link RecordParser} (lenient after {@code v=DMARC1}, with {@link RecordWarning}s; a
 *       {@link RecordParseResult}), {@link DmarcRecord}, {@link RecordWriter} (canonical text),
 *       {@link RecordGenerator} (the CLI's {@code record generate}), {@link ReportUri} ({@code rua}/{@code ruf}
 *       entries).</li>
 *   <li>Discovery: {@link PolicyDiscovery} by the DNS Tree Walk ({@link DiscoveryMode#TREEWALK}) or the
 *       legacy public suffix list ({@link DiscoveryMode#PSL}, {@link PublicSuffixList}); {@link DmarcRecordLookup}
 *       queries each {@code _dmarc} name once per evaluation; gives a {@link DiscoveryResult}.</li>
 *   <li>Alignment: {@link Alignment} (strict or relaxed, Organizational Domains found the same way as the
 *       policy); SPF and DKIM become one {@link AuthenticatedIdentifier} each, aligned by one rule
 *       ({@link Alignment#of}) into an {@link IdentifierAlignment} ({@link SpfAlignment}, {@link DkimAlignment})
 *       that says whether it gives a pass, or could on retry. An identifier outside the Author Domain's
 *       Organizational Domain cannot align and costs no tree walk.</li>
 *   <li>Evaluation: {@link DmarcEvaluator} turns a {@link DmarcInput} into a {@link DmarcEvaluation}:
 *       {@link DmarcResult}, the applied {@link Policy} ({@code p}, {@code sp} or {@code np}), the
 *       {@link Disposition} after {@code t=y} (and legacy {@code pct}), and the {@link PolicyOverride}s.
 *       A DNS temporary failure gives temperror, never reject. In two steps for a caller with a budget:
 *       {@link DmarcEvaluator#discover} gives an {@link AuthorEvaluation} that knows which identifiers
 *       {@linkplain AuthorEvaluation#mayAlign could align} before they are authenticated.</li>
 *   <li>Failure reports asked for: {@link FailureReportRules#decide} applies {@code ruf}, {@code fo}
 *       ({@link FailureOption}) and {@code psd} to a {@link DmarcEvaluation} and gives a
 *       {@link FailureReportDecision}: the {@link FailureReportType}s to send and the aligned identifiers that
 *       failed (RFC 9989 §4.7, RFC 9991 §3 and its "Reporting Format Update").</li>
 * </ul>
 *
 * <p>RFCs: RFC 9989 §3.2.10 and §4.4 (identifier alignment), §3.2.13 (Non-existent Domains, {@code np}),
 * §4.6 and §4.8 (reporting URIs), §4.7–§4.8 (record format and ABNF), §4.10 (DNS Tree Walk), §4.10.1
 * (policy discovery), §4.10.2 (Organizational Domain), §5.3.3–§5.3.6 (pass/fail and the policy to apply);
 * RFC 7489 §3.2 (Organizational Domain from the public suffix list), §6.3 ({@code pct}, {@code rf},
 * {@code ri}), §6.6.3 (policy discovery), §6.6.4 ({@code pct} sampling); RFC 9990 (the DispositionType and
 * PolicyOverrideType values); RFC 4343 (case-insensitive comparison); RFC 3986 (report URI shape).
 *
 * <p>May import (enforced by {@code LayeringTest}): the JDK, SLF4J, {@code org.jamesdmarc.auth} (the SPF and
 * DKIM outcome types), {@code org.jamesdmarc.mail} and {@code org.jamesdmarc.dns}.
 */
package org.jamesdmarc.policy;
