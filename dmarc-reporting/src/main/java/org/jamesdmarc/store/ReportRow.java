package org.jamesdmarc.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.policy.PolicyOverride;

/**
 * One RFC 9990 {@code <record>} of a report: the messages of a policy domain and period that share everything a
 * record shows, with their count (summed over the period's hours). Domain names are the stored (normalized) texts.
 *
 * @param policyDomain the DMARC Policy Domain
 * @param sourceIp     the connecting IP, as {@code InetAddress.getHostAddress} wrote it
 * @param disposition  RFC 9990 ActionDispositionType
 * @param dkimPass     policy_evaluated/dkim: a signature passed and is aligned
 * @param spfPass      policy_evaluated/spf: SPF passed and is aligned
 * @param overrides    why the disposition differs from the policy (our enum; mapped per report format)
 * @param headerFrom   the RFC5322.From domain; empty when the From field named none
 * @param envelopeFrom the RFC5321.MailFrom domain; empty for the null reverse-path
 * @param envelopeTo   the recipients' domains, sorted
 * @param spfDomain    the domain SPF checked; empty when there was none
 * @param dkim         the DKIM results in RFC 9990 §2.1.5 priority order, at most 100
 * @param messages     how many messages
 * @param overrideComment the comment of the override's reason (RFC 9990 PolicyOverrideReason {@code comment}), e.g.
 *                     {@code arc=pass as=2 d=lists.example.org} for a trusted ARC sealer; empty for none
 */
public record ReportRow(String policyDomain, String sourceIp, ReportDisposition disposition, boolean dkimPass,
                        boolean spfPass, List<PolicyOverride> overrides, Optional<String> headerFrom,
                        Optional<String> envelopeFrom, List<String> envelopeTo, Optional<String> spfDomain,
                        SpfScope spfScope, SpfResult spfResult, List<DkimAuth> dkim, long messages,
                        Optional<String> overrideComment) {

    public ReportRow {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(disposition, "disposition");
        overrides = List.copyOf(overrides);
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        envelopeTo = List.copyOf(envelopeTo);
        Objects.requireNonNull(spfDomain, "spfDomain");
        Objects.requireNonNull(spfScope, "spfScope");
        Objects.requireNonNull(spfResult, "spfResult");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(overrideComment, "overrideComment");
    }

    /** A row without an override comment. */
    public ReportRow(String policyDomain, String sourceIp, ReportDisposition disposition, boolean dkimPass,
                     boolean spfPass, List<PolicyOverride> overrides, Optional<String> headerFrom,
                     Optional<String> envelopeFrom, List<String> envelopeTo, Optional<String> spfDomain,
                     SpfScope spfScope, SpfResult spfResult, List<DkimAuth> dkim, long messages) {
        this(policyDomain, sourceIp, disposition, dkimPass, spfPass, overrides, headerFrom, envelopeFrom, envelopeTo,
                spfDomain, spfScope, spfResult, dkim, messages, Optional.empty());
    }

    /**
     * One DKIM signature's result (RFC 9990 {@code auth_results/dkim}).
     *
     * @param domain   its {@code d=}; empty when absent or not a domain name
     * @param selector its {@code s=} as written (may be empty)
     */
    public record DkimAuth(Optional<String> domain, String selector, DkimResult result) {
        public DkimAuth {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(result, "result");
        }
    }

    /** This row with {@code count} messages. */
    ReportRow withMessages(long count) {
        return new ReportRow(policyDomain, sourceIp, disposition, dkimPass, spfPass, overrides, headerFrom,
                envelopeFrom, envelopeTo, spfDomain, spfScope, spfResult, dkim, count, overrideComment);
    }
}
