package org.jamesdmarc.check;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.DiscoveryResult;
import org.jamesdmarc.policy.DiscoveryStatus;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DkimAlignment;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.policy.RecordParseResult;
import org.jamesdmarc.policy.RecordParser;
import org.jamesdmarc.policy.SpfAlignment;

/** Canned {@link CheckOutcome}s built from the real policy types, for adapter tests. */
public final class Outcomes {

    public static final String AUTHSERV_ID = "mx.example.org";

    private Outcomes() {
    }

    /**
     * An evaluation of From domain {@code example.com} with the record {@code v=DMARC1; p=<policy>}
     * published at example.com (no record when {@code policy} is null). SPF passes for
     * {@code bounce.example.net} (not aligned), one DKIM signature {@code d=example.com s=sel} with the
     * given result (aligned).
     */
    public static CheckOutcome.Evaluated evaluated(DmarcResult result, Policy policy, Disposition disposition,
                                                   boolean testing, List<PolicyOverride> overrides,
                                                   String authenticationResults, List<Integer> forged) {
        return evaluated(result, policy, disposition, testing, overrides, authenticationResults, forged, "");
    }

    /** {@link #fail} of a record that also asks for failure reports: {@code ruf=mailto:ruf@example.com}. */
    public static CheckOutcome.Evaluated failAskingForReports(Policy policy, Disposition disposition) {
        return evaluated(DmarcResult.FAIL, policy, disposition, false, List.of(),
                AUTHSERV_ID + "; dmarc=fail header.from=example.com", List.of(), "; ruf=mailto:ruf@example.com");
    }

    private static CheckOutcome.Evaluated evaluated(DmarcResult result, Policy policy, Disposition disposition,
                                                    boolean testing, List<PolicyOverride> overrides,
                                                    String authenticationResults, List<Integer> forged,
                                                    String extraTags) {
        DomainName author = DomainName.of("example.com");
        DiscoveryResult discovery;
        Optional<AppliedPolicy> applied;
        if (policy != null) {
            String txt = "v=DMARC1; p=" + policy.tagValue() + (testing ? "; t=y" : "") + extraTags;
            RecordParseResult.Parsed parsed = (RecordParseResult.Parsed) RecordParser.parse(txt);
            discovery = new DiscoveryResult(DiscoveryStatus.FOUND, DiscoveryMode.TREEWALK, Optional.of(author), Optional.of(author),
                    Optional.of(PolicyDomainRole.AUTHOR_DOMAIN), Optional.of(author), Optional.of(parsed.record()),
                    parsed.warnings(), 1, List.of("_dmarc.example.com"), List.of());
            applied = Optional.of(new AppliedPolicy(AppliedPolicyTag.P, policy));
        } else {
            DiscoveryStatus status = result == DmarcResult.TEMPERROR ? DiscoveryStatus.TEMPERROR : DiscoveryStatus.NONE;
            discovery = new DiscoveryResult(status, DiscoveryMode.TREEWALK, Optional.of(author), Optional.empty(), Optional.empty(),
                    Optional.of(author), Optional.empty(), List.of(), 2, List.of("_dmarc.example.com", "_dmarc.com"),
                    List.of());
            applied = Optional.empty();
        }
        SpfOutcome spf = new SpfOutcome(SpfResult.PASS, DomainName.of("bounce.example.net"), SpfScope.MFROM);
        DkimResult dkimResult = result == DmarcResult.PASS ? DkimResult.PASS : DkimResult.FAIL;
        DkimOutcome dkim = new DkimOutcome(dkimResult, DomainName.of("example.com"), "sel", dkimResult == DkimResult.PASS ? "" : "body hash mismatch");
        DmarcEvaluation evaluation = new DmarcEvaluation(result, Optional.of(author),
                policy == null ? Optional.empty() : Optional.of(author), Optional.of(author), applied, disposition, testing,
                overrides,
                new SpfAlignment(spf, AlignmentMode.RELAXED, AlignmentStatus.NOT_ALIGNED),
                List.of(new DkimAlignment(dkim, AlignmentMode.RELAXED,
                        dkimResult == DkimResult.PASS ? AlignmentStatus.ALIGNED : AlignmentStatus.NOT_CHECKED)),
                discovery, discovery.dnsLookups(), List.of());
        return new CheckOutcome.Evaluated(evaluation, spf, List.of(dkim), ResultSource.SELF, ResultSource.SELF,
                new ClientIdentity(InetAddress.getLoopbackAddress(), "mail.example.net", false),
                authenticationResults, forged);
    }

    public static CheckOutcome.Evaluated fail(Policy policy, Disposition disposition) {
        return evaluated(DmarcResult.FAIL, policy, disposition, false, List.of(),
                AUTHSERV_ID + "; dmarc=fail (p=" + policy.tagValue() + " dis=" + disposition.reportValue()
                        + ") header.from=example.com", List.of());
    }

    public static CheckOutcome.Evaluated pass() {
        return evaluated(DmarcResult.PASS, Policy.REJECT, Disposition.NONE, false, List.of(),
                AUTHSERV_ID + "; dkim=pass header.d=example.com header.s=sel; dmarc=pass header.from=example.com",
                List.of());
    }

    public static CheckOutcome.Evaluated temperror() {
        return evaluated(DmarcResult.TEMPERROR, null, Disposition.NONE, false, List.of(),
                AUTHSERV_ID + "; dmarc=temperror header.from=example.com", List.of());
    }

    public static CheckOutcome.Skipped skipped(SkipReason reason) {
        return new CheckOutcome.Skipped(reason, "client 192.0.2.1 is in ignoreHosts", AUTHSERV_ID + "; none", List.of());
    }

    /** What DmarcChecker returns when it hits a bug. */
    public static CheckOutcome.Skipped internalError(List<Integer> forged) {
        return new CheckOutcome.Skipped(SkipReason.INTERNAL_ERROR, "java.lang.IllegalStateException: bug",
                AUTHSERV_ID + "; dmarc=temperror reason=\"internal error\"", forged);
    }

    public static CheckOutcome.Refused refused(HeaderViolation violation) {
        return new CheckOutcome.Refused(violation, "the From field names example.com and example.net",
                AUTHSERV_ID + "; dmarc=permerror", List.of());
    }
}
