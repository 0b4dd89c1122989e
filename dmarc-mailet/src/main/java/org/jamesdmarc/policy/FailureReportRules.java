package org.jamesdmarc.policy;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.dns.DomainName;

/**
 * Which failure reports an evaluation asks for: the record's {@code ruf} and {@code fo} (RFC 9989 §4.7) applied to
 * the SPF and DKIM results and their alignment. James-free and DNS-free: it reads the {@link DmarcEvaluation} only.
 *
 * <ul>
 *   <li>{@code fo=0} (the default): a DMARC report when no mechanism produced an aligned pass, i.e. DMARC failed.</li>
 *   <li>{@code fo=1}: a DMARC report when DKIM or SPF failed to produce an aligned pass, even if DMARC passed
 *       (a message with an aligned DKIM pass but no SPF aligned pass is reported).</li>
 *   <li>{@code fo=d}: a DKIM report when a signature's verification gave {@code fail} or {@code permerror}
 *       (RFC 6651 style), whatever its alignment; {@code temperror} is not a failure of the signature.</li>
 *   <li>{@code fo=s}: an SPF report when SPF gave {@code fail} or {@code permerror} (RFC 6652 style), whatever its
 *       alignment; {@code softfail} and {@code temperror} are not reported.</li>
 * </ul>
 *
 * <p>Never a report for a {@code psd=y} record (RFC 9991 §3), without {@code ruf}, or when the outcome is not
 * known for sure (DMARC temperror or permerror; for {@code fo=1}, a mechanism whose only passing identifiers could
 * not have their alignment checked).
 *
 * <p>The report's {@code Identity-Alignment} lists the mechanisms that failed to authenticate an <em>aligned</em>
 * identifier (RFC 9991 item 2; its example lists {@code dkim} for a failed aligned signature and not the passing
 * but unaligned SPF). The evaluation checks alignment only for passing identifiers, so a failed one counts as
 * aligned when its domain is the Author Domain or, in relaxed mode, at or below the Author Domain's Organizational
 * Domain: the same test as {@link Alignment#mayShareOrganizationalDomain}, without the tree walk a failed
 * identifier does not deserve (it only fills the report's descriptive fields, never decides a disposition).
 */
public final class FailureReportRules {

    private FailureReportRules() {
    }

    /** The failure reports {@code e} asks for. */
    public static FailureReportDecision decide(DmarcEvaluation e) {
        if (e.result() == DmarcResult.TEMPERROR) {
            // Perhaps no policy, perhaps one asking for reports: a DNS hiccup is never reported.
            return new FailureReportDecision.NoReport(FailureReportDecision.Reason.UNDETERMINED);
        }
        Optional<DmarcRecord> found = e.discovery().found() ? e.discovery().record() : Optional.empty();
        if (found.isEmpty() || e.authorDomain().isEmpty()) {
            return new FailureReportDecision.NoReport(FailureReportDecision.Reason.NO_POLICY);
        }
        DmarcRecord record = found.get();
        // RFC 9991 §3: "Report generators MUST NOT consider "ruf" tags in DMARC Policy Records having a "psd=y" tag".
        if (record.psd() == PsdFlag.YES
                || e.discovery().policyDomainRole().filter(r -> r == PolicyDomainRole.PUBLIC_SUFFIX_DOMAIN).isPresent()) {
            return new FailureReportDecision.NoReport(FailureReportDecision.Reason.PUBLIC_SUFFIX_POLICY);
        }
        // RFC 9989 §4.7: fo MUST be ignored without ruf; no ruf, nobody to send to.
        if (record.ruf().isEmpty()) {
            return new FailureReportDecision.NoReport(FailureReportDecision.Reason.NO_DESTINATION);
        }
        if (e.result() != DmarcResult.PASS && e.result() != DmarcResult.FAIL) {
            return new FailureReportDecision.NoReport(FailureReportDecision.Reason.UNDETERMINED);
        }
        Set<FailureOption> fo = options(record.fo());

        boolean dkimAlignedPass = e.dkim().stream().anyMatch(IdentifierAlignment::alignedPass);
        boolean spfAlignedPass = e.spf().alignedPass();
        boolean dkimUnknown = !dkimAlignedPass && e.dkim().stream().anyMatch(FailureReportRules::passAlignmentUnknown);
        boolean spfUnknown = !spfAlignedPass && passAlignmentUnknown(e.spf());

        Set<FailureReportType> types = EnumSet.noneOf(FailureReportType.class);
        // RFC 9989 §4.7 fo=0: "if all underlying authentication mechanisms fail to produce an aligned pass result";
        // with a pass or fail result, that is DMARC fail.
        if (fo.contains(FailureOption.ALL_FAIL) && e.result() == DmarcResult.FAIL) {
            types.add(FailureReportType.DMARC);
        }
        // RFC 9989 §4.7 fo=1: "if any underlying authentication mechanism fails to produce an aligned pass result".
        boolean anyFailed = (!dkimAlignedPass && !dkimUnknown) || (!spfAlignedPass && !spfUnknown);
        if (fo.contains(FailureOption.ANY_FAIL) && anyFailed) {
            types.add(FailureReportType.DMARC);
        }
        // RFC 9989 §4.7 fo=d: "if the message had a signature that failed evaluation, regardless of its alignment".
        if (fo.contains(FailureOption.DKIM) && e.dkim().stream().anyMatch(d -> signatureFailed(d.outcome().result()))) {
            types.add(FailureReportType.DKIM);
        }
        // RFC 9989 §4.7 fo=s: "if the message failed SPF evaluation, regardless of its alignment".
        if (fo.contains(FailureOption.SPF) && spfFailed(e.spf().outcome().result())) {
            types.add(FailureReportType.SPF);
        }
        if (types.isEmpty()) {
            boolean unknownMattered = fo.contains(FailureOption.ANY_FAIL) && (dkimUnknown || spfUnknown);
            return new FailureReportDecision.NoReport(unknownMattered
                    ? FailureReportDecision.Reason.UNDETERMINED : FailureReportDecision.Reason.NOT_REQUESTED);
        }
        return new FailureReportDecision.Report(types, record.ruf(),
                alignedFailures(e, e.authorDomain().get(), dkimAlignedPass, spfAlignedPass));
    }

    /** The {@code fo} values as options; unknown values were refused by the parser, and are ignored here. */
    static Set<FailureOption> options(List<String> fo) {
        Set<FailureOption> out = EnumSet.noneOf(FailureOption.class);
        fo.forEach(v -> FailureOption.fromTagValue(v).ifPresent(out::add));
        if (out.isEmpty()) {
            out.add(FailureOption.ALL_FAIL); // RFC 9989 §4.7: default is "0"
        }
        return out;
    }

    private static boolean passAlignmentUnknown(IdentifierAlignment a) {
        return a.identifier().mayCount() && a.alignment() == AlignmentStatus.TEMPERROR;
    }

    private static boolean signatureFailed(DkimResult r) {
        return r == DkimResult.FAIL || r == DkimResult.PERMERROR;
    }

    private static boolean spfFailed(SpfResult r) {
        return r == SpfResult.FAIL || r == SpfResult.PERMERROR;
    }

    private static FailureReportDecision.AlignedFailures alignedFailures(DmarcEvaluation e, DomainName author,
                                                                         boolean dkimAlignedPass,
                                                                         boolean spfAlignedPass) {
        Optional<DkimAlignment> dkim = dkimAlignedPass ? Optional.empty() : e.dkim().stream()
                .filter(d -> d.outcome().result() != DkimResult.PASS && d.outcome().result() != DkimResult.NONE)
                .filter(d -> d.outcome().domain().filter(id -> claimsAlignment(id, author, e, d.mode())).isPresent())
                .findFirst();
        SpfAlignment s = e.spf();
        Optional<SpfAlignment> spf = !spfAlignedPass && s.outcome().result() != SpfResult.PASS
                && s.outcome().domain().filter(id -> claimsAlignment(id, author, e, s.mode())).isPresent()
                ? Optional.of(s) : Optional.empty();
        return new FailureReportDecision.AlignedFailures(dkim, spf);
    }

    /**
     * Whether identifier {@code id} of a failed authentication is aligned with {@code author}: identical, or in
     * relaxed mode at or below the Author Domain's Organizational Domain (RFC 9989 §3.2.10, §4.10.2).
     */
    private static boolean claimsAlignment(DomainName id, DomainName author, DmarcEvaluation e, AlignmentMode mode) {
        if (id.equals(author)) {
            return true;
        }
        if (mode == AlignmentMode.STRICT) {
            return false;
        }
        return e.organizationalDomain().filter(org -> Alignment.mayShareOrganizationalDomain(id, org)).isPresent();
    }
}
