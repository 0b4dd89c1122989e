package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** fo, ruf and psd applied to real evaluations: which failure reports are asked for, and what failed. */
class FailureReportRulesTest {

    private final InMemoryDnsClient dns = new InMemoryDnsClient();

    private static SpfOutcome spf(SpfResult r, String domain) {
        return new SpfOutcome(r, DomainName.parse(domain), SpfScope.MFROM);
    }

    private static DkimOutcome dkim(DkimResult r, String domain, String selector) {
        return new DkimOutcome(r, DomainName.parse(domain), selector, "");
    }

    private FailureReportDecision decide(String record, SpfOutcome spf, DkimOutcome... dkim) {
        InMemoryDnsClient zone = new InMemoryDnsClient().dmarc("example.com", record);
        DmarcEvaluation e = new DmarcEvaluator(zone, EvaluationOptions.defaults())
                .evaluate("example.com", spf, List.of(dkim));
        return FailureReportRules.decide(e);
    }

    private static FailureReportDecision.Report report(FailureReportDecision d) {
        assertThat(d).isInstanceOf(FailureReportDecision.Report.class);
        return (FailureReportDecision.Report) d;
    }

    private static void noReport(FailureReportDecision d, FailureReportDecision.Reason reason) {
        assertThat(d).isEqualTo(new FailureReportDecision.NoReport(reason));
    }

    private static final String RUF = "v=DMARC1; p=reject; ruf=mailto:ruf@example.com";

    // --- fo=0 (the default) ---

    @Test
    void default_fo_reports_a_dmarc_failure() {
        FailureReportDecision.Report r = report(decide(RUF, spf(SpfResult.PASS, "esp.example.net"),
                dkim(DkimResult.PASS, "esp.example.net", "s1")));
        assertThat(r.types()).containsExactly(FailureReportType.DMARC);
        assertThat(r.destinations()).containsExactly(ReportUri.of("mailto:ruf@example.com"));
        // Nothing aligned failed: both passed for another domain.
        assertThat(r.failures().identityAlignment()).isEqualTo("none");
        assertThat(r.failures().dkim()).isEmpty();
        assertThat(r.failures().spf()).isEmpty();
    }

    @Test
    void fo0_sends_nothing_when_dmarc_passes_even_if_spf_failed() {
        noReport(decide(RUF + "; fo=0", spf(SpfResult.FAIL, "example.com"), dkim(DkimResult.PASS, "example.com", "s")),
                FailureReportDecision.Reason.NOT_REQUESTED);
    }

    // --- fo=1 ---

    @Test
    void fo1_reports_a_pass_with_one_mechanism_unaligned() {
        FailureReportDecision.Report r = report(decide(RUF + "; fo=1", spf(SpfResult.PASS, "esp.example.net"),
                dkim(DkimResult.PASS, "example.com", "s")));
        assertThat(r.types()).containsExactly(FailureReportType.DMARC);
        assertThat(r.failures().identityAlignment()).isEqualTo("none");
    }

    @Test
    void fo1_reports_a_pass_with_an_aligned_spf_failure() {
        FailureReportDecision.Report r = report(decide(RUF + "; fo=1", spf(SpfResult.SOFTFAIL, "bounce.example.com"),
                dkim(DkimResult.PASS, "example.com", "s")));
        assertThat(r.types()).containsExactly(FailureReportType.DMARC);
        assertThat(r.failures().identityAlignment()).isEqualTo("spf");
        assertThat(r.failures().spf()).map(a -> a.outcome().domain().orElseThrow())
                .contains(DomainName.of("bounce.example.com"));
    }

    @Test
    void fo1_sends_nothing_when_both_mechanisms_pass_aligned() {
        noReport(decide(RUF + "; fo=1", spf(SpfResult.PASS, "example.com"), dkim(DkimResult.PASS, "example.com", "s")),
                FailureReportDecision.Reason.NOT_REQUESTED);
    }

    @Test
    void fo1_counts_a_message_without_signature_as_a_dkim_failure() {
        FailureReportDecision.Report r = report(decide(RUF + "; fo=1", spf(SpfResult.PASS, "example.com")));
        assertThat(r.types()).containsExactly(FailureReportType.DMARC);
        assertThat(r.failures().identityAlignment()).isEqualTo("none");
    }

    // --- fo=d ---

    @Test
    void fod_reports_a_failed_signature_whatever_its_alignment_and_dmarc_pass() {
        FailureReportDecision.Report r = report(decide(RUF + "; fo=d", spf(SpfResult.PASS, "example.com"),
                dkim(DkimResult.FAIL, "unrelated.example.org", "x")));
        assertThat(r.types()).containsExactly(FailureReportType.DKIM);
        assertThat(r.failures().identityAlignment()).isEqualTo("none");
    }

    @Test
    void fod_counts_permerror_but_not_temperror_nor_neutral() {
        assertThat(report(decide(RUF + "; fo=d", spf(SpfResult.PASS, "example.com"),
                dkim(DkimResult.PERMERROR, "example.com", "x"))).types()).containsExactly(FailureReportType.DKIM);
        noReport(decide(RUF + "; fo=d", spf(SpfResult.PASS, "example.com"),
                dkim(DkimResult.TEMPERROR, "example.com", "x"), dkim(DkimResult.NEUTRAL, "example.com", "y")),
                FailureReportDecision.Reason.NOT_REQUESTED);
    }

    // --- fo=s ---

    @Test
    void fos_reports_an_spf_failure_whatever_its_alignment() {
        FailureReportDecision.Report r = report(decide(RUF + "; fo=s", spf(SpfResult.FAIL, "other.example.net"),
                dkim(DkimResult.PASS, "example.com", "s")));
        assertThat(r.types()).containsExactly(FailureReportType.SPF);
        assertThat(r.failures().spf()).isEmpty(); // not aligned: no SPF-DNS
    }

    @ParameterizedTest
    @EnumSource(value = SpfResult.class, names = {"PASS", "NONE", "NEUTRAL", "SOFTFAIL", "TEMPERROR"})
    void fos_ignores_spf_results_that_are_not_failures(SpfResult result) {
        noReport(decide(RUF + "; fo=s", spf(result, "example.com"), dkim(DkimResult.PASS, "example.com", "s")),
                FailureReportDecision.Reason.NOT_REQUESTED);
    }

    @Test
    void fos_counts_permerror() {
        assertThat(report(decide(RUF + "; fo=s", spf(SpfResult.PERMERROR, "example.com"),
                dkim(DkimResult.PASS, "example.com", "s"))).types()).containsExactly(FailureReportType.SPF);
    }

    // --- combinations ---

    @Test
    void every_option_together_asks_for_three_reports() {
        FailureReportDecision.Report r = report(decide(RUF + "; fo=0:d:s", spf(SpfResult.FAIL, "example.com"),
                dkim(DkimResult.FAIL, "example.com", "sel1"), dkim(DkimResult.FAIL, "mail.example.com", "sel2")));
        assertThat(r.types()).containsExactlyInAnyOrder(FailureReportType.DMARC, FailureReportType.DKIM,
                FailureReportType.SPF);
        assertThat(r.failures().identityAlignment()).isEqualTo("dkim, spf");
        // The first failed aligned signature is the one the report names.
        assertThat(r.failures().dkim()).map(d -> d.outcome().selector()).contains("sel1");
        assertThat(r.failures().spf()).map(s -> s.outcome().domain().orElseThrow())
                .contains(DomainName.of("example.com"));
    }

    @Test
    void fo_d_alone_with_a_dmarc_failure_sends_no_dmarc_report() {
        FailureReportDecision.Report r = report(decide(RUF + "; fo=d", spf(SpfResult.FAIL, "example.com"),
                dkim(DkimResult.FAIL, "example.com", "s")));
        assertThat(r.types()).containsExactly(FailureReportType.DKIM);
    }

    @Test
    void unaligned_passing_spf_is_not_listed_as_in_rfc9991_example() {
        // RFC 9991 appendix: an aligned signature failed, SPF passed for the forwarder: "Identity-Alignment: dkim".
        FailureReportDecision.Report r = report(decide(RUF, spf(SpfResult.PASS, "forwarder.example.net"),
                dkim(DkimResult.PERMERROR, "example.com", "epsilon"), dkim(DkimResult.PASS, "forwarder.example.net", "f")));
        assertThat(r.failures().identityAlignment()).isEqualTo("dkim");
        assertThat(r.failures().dkim()).map(d -> d.outcome().selector()).contains("epsilon");
    }

    @Test
    void strict_alignment_does_not_claim_a_subdomain_failure() {
        FailureReportDecision.Report r = report(decide(RUF + "; adkim=s; aspf=s", spf(SpfResult.FAIL, "bounce.example.com"),
                dkim(DkimResult.FAIL, "mail.example.com", "s"), dkim(DkimResult.FAIL, "example.com", "t")));
        assertThat(r.failures().dkim()).map(d -> d.outcome().selector()).contains("t");
        assertThat(r.failures().spf()).isEmpty();
        assertThat(r.failures().identityAlignment()).isEqualTo("dkim");
    }

    // --- no report ---

    @Test
    void no_record_no_report() {
        DmarcEvaluation e = new DmarcEvaluator(dns, EvaluationOptions.defaults())
                .evaluate("example.com", spf(SpfResult.FAIL, "example.com"), List.of());
        noReport(FailureReportRules.decide(e), FailureReportDecision.Reason.NO_POLICY);
    }

    @Test
    void no_ruf_no_report_even_with_fo() {
        noReport(decide("v=DMARC1; p=reject; fo=1; rua=mailto:a@example.com", spf(SpfResult.FAIL, "example.com")),
                FailureReportDecision.Reason.NO_DESTINATION);
    }

    @Test
    void psd_y_record_is_never_reported_to() {
        noReport(decide(RUF + "; psd=y; fo=1", spf(SpfResult.FAIL, "example.com")),
                FailureReportDecision.Reason.PUBLIC_SUFFIX_POLICY);
    }

    @Test
    void a_policy_found_at_a_public_suffix_domain_is_never_reported_to() {
        dns.dmarc("example", "v=DMARC1; p=reject; psd=y; ruf=mailto:ruf@psd.example");
        DmarcEvaluation e = new DmarcEvaluator(dns, EvaluationOptions.defaults())
                .evaluate("mail.example", spf(SpfResult.FAIL, "mail.example"), List.of());
        assertThat(e.discovery().policyDomainRole()).contains(PolicyDomainRole.PUBLIC_SUFFIX_DOMAIN);
        noReport(FailureReportRules.decide(e), FailureReportDecision.Reason.PUBLIC_SUFFIX_POLICY);
    }

    @Test
    void temperror_is_undetermined() {
        dns.dmarcTempFail("example.com");
        DmarcEvaluation e = new DmarcEvaluator(dns, EvaluationOptions.defaults())
                .evaluate("example.com", spf(SpfResult.FAIL, "example.com"), List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.TEMPERROR);
        noReport(FailureReportRules.decide(e), FailureReportDecision.Reason.UNDETERMINED);
    }

    // --- the pieces ---

    @Test
    void fo_values_map_to_options_and_default_to_zero() {
        assertThat(FailureReportRules.options(List.of("1", "d", "s"))).containsExactlyInAnyOrder(
                FailureOption.ANY_FAIL, FailureOption.DKIM, FailureOption.SPF);
        assertThat(FailureReportRules.options(List.of())).containsExactly(FailureOption.ALL_FAIL);
        assertThat(FailureOption.fromTagValue(" D ")).contains(FailureOption.DKIM);
        assertThat(FailureOption.fromTagValue("x")).isEmpty();
        assertThat(FailureOption.fromTagValue(null)).isEmpty();
    }

    @Test
    void auth_failure_values_are_rfc6591s() {
        assertThat(List.of(FailureReportType.values())).extracting(FailureReportType::authFailure)
                .containsExactly("dmarc", "signature", "spf");
    }

    @Test
    void identity_alignment_lists_dkim_before_spf() {
        DkimAlignment d = new DkimAlignment(dkim(DkimResult.FAIL, "example.com", "s"), AlignmentMode.RELAXED,
                AlignmentStatus.NOT_CHECKED);
        SpfAlignment s = new SpfAlignment(spf(SpfResult.FAIL, "example.com"), AlignmentMode.RELAXED,
                AlignmentStatus.NOT_CHECKED);
        assertThat(new FailureReportDecision.AlignedFailures(Optional.of(d), Optional.of(s)).identityAlignment())
                .isEqualTo("dkim, spf");
        assertThat(new FailureReportDecision.AlignedFailures(Optional.empty(), Optional.of(s)).identityAlignment())
                .isEqualTo("spf");
        assertThat(new FailureReportDecision.AlignedFailures(Optional.empty(), Optional.empty()).identityAlignment())
                .isEqualTo("none");
    }

    @Test
    void a_report_needs_a_type_and_a_destination() {
        var none = new FailureReportDecision.AlignedFailures(Optional.empty(), Optional.empty());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FailureReportDecision.Report(
                Set.of(), List.of(ReportUri.of("mailto:a@b.example")), none)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FailureReportDecision.Report(
                Set.of(FailureReportType.DMARC), List.of(), none)).isInstanceOf(IllegalArgumentException.class);
    }
}
