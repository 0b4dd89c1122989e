/**
 * The one per-message evaluation path, shared by the {@code DmarcCheck} mailet, the
 * {@code DmarcMessageHook} SMTP hook and {@code dmarc evaluate}: {@link DmarcChecker#check} turns a
 * {@link MessageContext} (what the SMTP session knew, plus the raw message) into a {@link CheckOutcome}.
 *
 * <ul>
 *   <li>Settings: {@link CheckSettings}, read by {@link CheckSettingsParser} from the parameters documented in
 *       the one parameter table, the {@code org.jamesdmarc.james.DmarcCheck} Javadoc.</li>
 *   <li>Which client to judge: the SMTP client, or behind {@code trustedRelays} the original client from the
 *       relay's Received field (TrustedRelay, {@link ClientIdentity}).</li>
 *   <li>What to skip or refuse: {@link HostList} ({@code ignoreHosts}: addresses, and host names matched against
 *       the client's forward-confirmed reverse DNS name, never the HELO name), authenticated clients,
 *       {@code ignoreMailFrom}, and From fields refused by {@code requiredHeaders} / {@code rejectMultiValueFrom}
 *       ({@link SkipReason}, {@link HeaderViolation}).</li>
 *   <li>Where SPF and DKIM results come from ({@link ResultSource}): trusted upstream Authentication-Results, a
 *       trusted relay's Received-SPF, or our own checks.</li>
 *   <li>Bounded work per message ({@link MessageLimits}, {@link MessageWork}, {@link SignatureSelection},
 *       {@link BudgetUse}): at most 3 author domains, the policy of each discovered first, then only the
 *       identifiers that could align with one of them authenticated on the reserved DNS budget (running out of
 *       it is temperror, never pass or fail); the rest (SPF and signatures that cannot align) on a budget of its
 *       own, skipped when it runs out.</li>
 *   <li>Each Author Domain evaluated by {@code policy}, the strictest verdict kept; the Authentication-Results
 *       value to add and the forged fields to drop; the views of the outcome ({@link OutcomeSummary} with its
 *       {@link CheckResult}, {@link EvaluationJson}).</li>
 *   <li>{@link AuthenticationResultsWriter}: our Authentication-Results field from a {@link DmarcSummary}
 *       (the DMARC result, policy and disposition as {@code policy}'s enums) and the SPF/DKIM outcomes; what it
 *       writes, {@code mail}'s parser reads back unchanged.</li>
 *   <li>The evaluation history (issue 9): {@link EvaluationRecord}, one evaluated message as the history keeps
 *       it (built from a {@link CheckOutcome.Evaluated}, the envelope and the {@link ActionTaken}), its idempotency
 *       {@link MessageKey}, and {@link EvaluationSink}, the James-free interface the adapters hand records to and
 *       the store in {@code dmarc-reporting} implements.</li>
 *   <li>Failure reports (issue 11): {@link FailedMessage}, a checked message whose policy asks for RFC 9991 reports
 *       ({@code policy.FailureReportRules}), and {@link FailureReportSink}, the James-free interface the adapters hand
 *       it to and {@code dmarc-reporting} implements.</li>
 * </ul>
 *
 * <p>RFCs: RFC 9989 §5.3 (Mail Receiver Actions), §5.3.1 and §11.5 (several Author Domains: evaluate each,
 * keep the strictest), §3.2.4 and §4.4.2 (only the MAIL FROM identity counts for SPF); RFC 7208 §2.4 (HELO
 * for a null reverse-path); RFC 8601 §2.5 (authserv-id syntax) and §5 (forged fields of our authserv-id);
 * RFC 5322 §3.6 (exactly one From field, {@code requiredHeaders}); RFC 8601 §2.2 (field syntax) and §2.7
 * (dmarc, spf and dkim results and properties) for the field we write. No header syntax is parsed here: that is
 * {@code mail}.
 *
 * <p>May import (enforced by {@code LayeringTest}): the JDK, SLF4J, Jackson ({@code com.fasterxml.jackson},
 * for the evaluation JSON; James ships it), Guava's {@code com.google.common.net} (IP literals in settings),
 * {@code org.jamesdmarc.policy}, {@code auth}, {@code mail} and {@code dns}. No James, mailet, protocols or
 * javax.mail API.
 */
package org.jamesdmarc.check;
