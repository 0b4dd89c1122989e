package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainExistence;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;

/** DMARC evaluation: pass/fail, applied policy tag, disposition, t=y, legacy pct, temp failures. */
class EvaluatorTest {

    private final InMemoryDnsClient dns = new InMemoryDnsClient();

    private DmarcEvaluator evaluator() {
        return new DmarcEvaluator(dns, EvaluationOptions.defaults());
    }

    private DmarcEvaluator evaluator(EvaluationOptions options) {
        return new DmarcEvaluator(dns, options);
    }

    /** An SPF outcome for the domain {@code text} names (none when it names no domain). */
    private static SpfOutcome spf(SpfResult r, String text) {
        return new SpfOutcome(r, DomainName.parse(text), SpfScope.MFROM);
    }

    /** A DKIM outcome for the signing domain {@code text} names (none when it names no domain). */
    private static DkimOutcome dkim(DkimResult r, String text) {
        return new DkimOutcome(r, DomainName.parse(text), "sel", "");
    }

    private static final SpfOutcome SPF_NONE = SpfOutcome.none();

    @Test
    void dkim_aligned_pass_is_pass_with_disposition_none() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.FAIL, "example.com"),
                List.of(dkim(DkimResult.PASS, "example.com")));
        assertThat(e.result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.dkim().get(0).alignedPass()).isTrue();
        assertThat(e.spf().alignedPass()).isFalse();
        assertThat(e.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.P, Policy.REJECT));
        assertThat(e.policyDomain()).contains(DomainName.of("example.com"));
        assertThat(e.organizationalDomain()).contains(DomainName.of("example.com"));
    }

    @Test
    void spf_relaxed_aligned_pass_is_pass() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.PASS, "bounce.example.com"), List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.spf().alignment()).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(e.spf().mode()).isEqualTo(AlignmentMode.RELAXED);
    }

    @Test
    void strict_aspf_rejects_subdomain_spf() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; aspf=s");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.PASS, "bounce.example.com"), List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.spf().mode()).isEqualTo(AlignmentMode.STRICT);
        assertThat(e.disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void strict_adkim_needs_identical_domain() {
        dns.dmarc("example.com", "v=DMARC1; p=quarantine; adkim=s");
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE,
                List.of(dkim(DkimResult.PASS, "mail.example.com"), dkim(DkimResult.PASS, "example.net")));
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(e.dkim()).extracting(DkimAlignment::alignment)
                .containsExactly(AlignmentStatus.NOT_ALIGNED, AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void any_one_aligned_dkim_signature_is_enough() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE,
                List.of(dkim(DkimResult.PASS, "esp.example.net"), dkim(DkimResult.FAIL, "example.com"),
                        dkim(DkimResult.PASS, "example.com")));
        assertThat(e.result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.dkim()).extracting(DkimAlignment::alignedPass).containsExactly(false, false, true);
        assertThat(e.dkim().get(1).alignment()).isEqualTo(AlignmentStatus.NOT_CHECKED);
    }

    @Test
    void unaligned_pass_is_fail_and_p_reject_rejects() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.PASS, "esp.example.net"),
                List.of(dkim(DkimResult.PASS, "esp.example.net")));
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.disposition()).isEqualTo(Disposition.REJECT);
        assertThat(e.overrides()).isEmpty();
    }

    @Test
    void no_record_is_none() {
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE, List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.NONE);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.appliedPolicy()).isEmpty();
    }

    @Test
    void invalid_author_domain_is_permerror() {
        DmarcEvaluation e = evaluator().evaluate("bad domain", SPF_NONE, List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.PERMERROR);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void dns_temp_failure_in_discovery_is_temperror_never_reject() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("mail.example.com");
        DmarcEvaluation e = evaluator().evaluate("mail.example.com", SPF_NONE, List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void temp_failure_above_an_author_record_still_allows_strict_or_identical_pass_and_fail() {
        dns.dmarc("mail.example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("example.com");
        DmarcEvaluation pass = evaluator().evaluate("mail.example.com", SPF_NONE,
                List.of(dkim(DkimResult.PASS, "mail.example.com")));
        assertThat(pass.result()).isEqualTo(DmarcResult.PASS);
        // Relaxed alignment of another subdomain needs the org domain: unknown, so temperror, not reject.
        DmarcEvaluation relaxed = evaluator().evaluate("mail.example.com", SPF_NONE,
                List.of(dkim(DkimResult.PASS, "example.com")));
        assertThat(relaxed.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(relaxed.disposition()).isEqualTo(Disposition.NONE);
        // A different top-level name can never align: a definite fail.
        DmarcEvaluation fail = evaluator().evaluate("mail.example.com", SPF_NONE,
                List.of(dkim(DkimResult.PASS, "example.net")));
        assertThat(fail.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(fail.disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void temp_failure_in_an_alignment_walk_without_other_pass_is_temperror() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("mail.example.com");
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE, List.of(dkim(DkimResult.PASS, "mail.example.com")));
        assertThat(e.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.dkim().get(0).alignment()).isEqualTo(AlignmentStatus.TEMPERROR);
    }

    @Test
    void temp_failure_in_an_alignment_walk_does_not_hide_another_aligned_pass() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("mail.example.com");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.PASS, "example.com"),
                List.of(dkim(DkimResult.PASS, "mail.example.com")));
        assertThat(e.result()).isEqualTo(DmarcResult.PASS);
    }

    @Test
    void aligned_spf_temperror_is_dmarc_temperror_not_fail() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.TEMPERROR, "example.com"), List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void aligned_dkim_temperror_is_dmarc_temperror_not_fail() {
        // RFC 9989 §4.10.1 leaves DNS errors to the receiver: a signature that might verify on retry and is aligned
        // could make DMARC pass, so a temporary DKIM failure must not become fail (a 550 under p=reject).
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.FAIL, "example.net"),
                List.of(dkim(DkimResult.TEMPERROR, "example.com")));
        assertThat(e.dkim().get(0).alignment()).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(e.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void spf_pass_whose_alignment_walk_fails_temporarily_is_dmarc_temperror_not_fail() {
        // The SPF domain's Organizational Domain cannot be found (DNS failure in its walk): it may be aligned.
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("bounce.example.com");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.PASS, "bounce.example.com"),
                List.of(dkim(DkimResult.PASS, "example.net")));
        assertThat(e.spf().alignment()).isEqualTo(AlignmentStatus.TEMPERROR);
        assertThat(e.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void unaligned_dkim_temperror_does_not_save_a_fail() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE, List.of(dkim(DkimResult.TEMPERROR, "example.net")));
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.disposition()).isEqualTo(Disposition.REJECT);
    }

    // --- p / sp / np -------------------------------------------------------------------------

    @Test
    void existing_subdomain_gets_sp() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; sp=quarantine; np=none");
        dns.existence("mail.example.com", DomainExistence.EXISTS);
        DmarcEvaluation e = evaluator().evaluate("mail.example.com", SPF_NONE, List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.SP, Policy.QUARANTINE));
        assertThat(e.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(dns.existsQueries()).containsExactly("mail.example.com");
    }

    @Test
    void non_existent_subdomain_gets_np() {
        dns.dmarc("example.com", "v=DMARC1; p=none; sp=none; np=reject");
        dns.existence("nope.example.com", DomainExistence.NON_EXISTENT);
        DmarcEvaluation e = evaluator().evaluate("nope.example.com", SPF_NONE, List.of());
        assertThat(e.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.NP, Policy.REJECT));
        assertThat(e.disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void org_domain_itself_gets_p_even_if_np_and_sp_are_set() {
        dns.dmarc("example.com", "v=DMARC1; p=quarantine; sp=reject; np=reject");
        dns.existence("example.com", DomainExistence.NON_EXISTENT);
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE, List.of());
        assertThat(e.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.P, Policy.QUARANTINE));
        assertThat(dns.existsQueries()).isEmpty();
    }

    @Test
    void subdomain_with_its_own_record_gets_its_p() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarc("mail.example.com", "v=DMARC1; p=none; sp=reject");
        DmarcEvaluation e = evaluator().evaluate("mail.example.com", SPF_NONE, List.of());
        assertThat(e.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.P, Policy.NONE));
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void np_absent_falls_back_to_sp_then_p_without_an_existence_query() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; sp=quarantine");
        dns.existence("nope.example.com", DomainExistence.NON_EXISTENT);
        DmarcEvaluation e = evaluator().evaluate("nope.example.com", SPF_NONE, List.of());
        assertThat(e.appliedPolicy().orElseThrow().policy()).isEqualTo(Policy.QUARANTINE);
        assertThat(dns.existsQueries()).isEmpty();

        dns.dmarc("example.org", "v=DMARC1; p=reject");
        DmarcEvaluation e2 = evaluator().evaluate("nope.example.org", SPF_NONE, List.of());
        assertThat(e2.appliedPolicy().orElseThrow().policy()).isEqualTo(Policy.REJECT);
    }

    @Test
    void psd_policy_for_non_existent_organizational_domain_uses_np() {
        // RFC 9989 §4.10.1: PSD record, Author Domain a subdomain of the PSD: sp/np by existence.
        dns.dmarc("bank.example", "v=DMARC1; p=none; psd=y; np=reject");
        dns.existence("fake.bank.example", DomainExistence.NON_EXISTENT);
        DmarcEvaluation e = evaluator().evaluate("fake.bank.example", SPF_NONE, List.of());
        assertThat(e.policyDomain()).contains(DomainName.of("bank.example"));
        assertThat(e.organizationalDomain()).contains(DomainName.of("fake.bank.example"));
        assertThat(e.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.NP, Policy.REJECT));
        assertThat(e.disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void existence_tempfail_applies_the_less_strict_and_never_rejects() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; np=reject; sp=quarantine");
        dns.existence("mail.example.com", DomainExistence.TEMPFAIL);
        DmarcEvaluation e = evaluator().evaluate("mail.example.com", SPF_NONE, List.of());
        assertThat(e.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(e.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.SP, Policy.QUARANTINE));
        assertThat(e.warnings()).extracting(DiscoveryWarning::code).contains(DiscoveryWarning.Code.EXISTENCE_UNKNOWN);

        dns.dmarc("example.org", "v=DMARC1; p=none; sp=reject; np=none");
        dns.existence("mail.example.org", DomainExistence.TEMPFAIL);
        DmarcEvaluation e2 = evaluator().evaluate("mail.example.org", SPF_NONE, List.of());
        assertThat(e2.disposition()).isEqualTo(Disposition.NONE);
        assertThat(e2.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.NP, Policy.NONE));
    }

    @Test
    void pass_needs_no_existence_query() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; np=none");
        DmarcEvaluation e = evaluator().evaluate("mail.example.com", SPF_NONE, List.of(dkim(DkimResult.PASS, "example.com")));
        assertThat(e.result()).isEqualTo(DmarcResult.PASS);
        assertThat(dns.existsQueries()).isEmpty();
    }

    // --- t=y, pct ----------------------------------------------------------------------------

    @Test
    void testing_flag_lowers_one_level() {
        dns.dmarc("reject.example", "v=DMARC1; p=reject; t=y");
        dns.dmarc("quarantine.example", "v=DMARC1; p=quarantine; t=y");
        dns.dmarc("none.example", "v=DMARC1; p=none; t=y");
        DmarcEvaluation r = evaluator().evaluate("reject.example", SPF_NONE, List.of());
        assertThat(r.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(r.testing()).isTrue();
        assertThat(r.overrides()).containsExactly(PolicyOverride.POLICY_TEST_MODE);
        assertThat(r.appliedPolicy().orElseThrow().policy()).isEqualTo(Policy.REJECT);

        DmarcEvaluation q = evaluator().evaluate("quarantine.example", SPF_NONE, List.of());
        assertThat(q.disposition()).isEqualTo(Disposition.NONE);
        assertThat(q.overrides()).containsExactly(PolicyOverride.POLICY_TEST_MODE);

        // "it has no effect on any policy that is none"
        DmarcEvaluation n = evaluator().evaluate("none.example", SPF_NONE, List.of());
        assertThat(n.disposition()).isEqualTo(Disposition.NONE);
        assertThat(n.overrides()).isEmpty();
    }

    @Test
    void testing_flag_applies_to_sp_too() {
        dns.dmarc("example.com", "v=DMARC1; p=none; sp=reject; t=y");
        DmarcEvaluation e = evaluator().evaluate("mail.example.com", SPF_NONE, List.of());
        assertThat(e.disposition()).isEqualTo(Disposition.QUARANTINE);
    }

    @Test
    void pct_is_ignored_unless_legacy_sampling_is_enabled() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; pct=0");
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE, List.of());
        assertThat(e.disposition()).isEqualTo(Disposition.REJECT);
        assertThat(e.overrides()).isEmpty();
    }

    @Test
    void legacy_pct_sampling_uses_the_injected_draw() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; pct=30");
        AtomicInteger draw = new AtomicInteger();
        DmarcEvaluator ev = evaluator(EvaluationOptions.defaults().withLegacyPctSampling(true, draw::get));

        draw.set(29); // inside the 30% sample: policy applies
        assertThat(ev.evaluate("example.com", SPF_NONE, List.of()).disposition()).isEqualTo(Disposition.REJECT);

        draw.set(30); // outside: next less strict policy, sampled_out
        DmarcEvaluation out = ev.evaluate("example.com", SPF_NONE, List.of());
        assertThat(out.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(out.overrides()).containsExactly(PolicyOverride.SAMPLED_OUT);
        assertThat(PolicyOverride.SAMPLED_OUT.reportValue()).isEqualTo("sampled_out");
        assertThat(PolicyOverride.SAMPLED_OUT.inRfc9990()).isFalse();
    }

    @Test
    void legacy_pct_100_or_absent_never_samples() {
        dns.dmarc("example.com", "v=DMARC1; p=quarantine; pct=100");
        dns.dmarc("example.org", "v=DMARC1; p=quarantine");
        DmarcEvaluator ev = evaluator(EvaluationOptions.defaults().withLegacyPctSampling(true, () -> 99));
        assertThat(ev.evaluate("example.com", SPF_NONE, List.of()).disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(ev.evaluate("example.org", SPF_NONE, List.of()).disposition()).isEqualTo(Disposition.QUARANTINE);
    }

    @Test
    void pass_is_never_sampled_or_lowered() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; pct=0; t=y");
        DmarcEvaluator ev = evaluator(EvaluationOptions.defaults().withLegacyPctSampling(true, () -> 99));
        DmarcEvaluation e = ev.evaluate("example.com", spf(SpfResult.PASS, "example.com"), List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.overrides()).isEmpty();
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
    }

    // --- unusable p (RFC 9989 §4.10.1) -------------------------------------------------------

    @Test
    void missing_p_without_rua_means_no_dmarc_processing() {
        dns.dmarc("example.com", "v=DMARC1; adkim=s");
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE, List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.NONE);
        assertThat(e.warnings()).extracting(DiscoveryWarning::code).contains(DiscoveryWarning.Code.NO_USABLE_POLICY);
    }

    @Test
    void invalid_p_with_rua_is_processed_as_p_none() {
        dns.dmarc("example.com", "v=DMARC1; p=bogus; rua=mailto:d@example.com");
        DmarcEvaluation e = evaluator().evaluate("example.com", SPF_NONE, List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.appliedPolicy().orElseThrow().policy()).isEqualTo(Policy.NONE);
        assertThat(e.warnings()).extracting(DiscoveryWarning::code).contains(DiscoveryWarning.Code.POLICY_TREATED_AS_NONE);
    }

    @Test
    void invalid_sp_with_rua_makes_everything_none() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com");
        DmarcEvaluation e = evaluator().evaluate("mail.example.com", SPF_NONE, List.of());
        assertThat(e.disposition()).isEqualTo(Disposition.NONE);
    }

    // --- modes and lookups -------------------------------------------------------------------

    @Test
    void typical_message_lookup_count_in_tree_walk_mode() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", spf(SpfResult.PASS, "bounce.example.com"),
                List.of(dkim(DkimResult.PASS, "example.com")));
        // _dmarc.example.com, _dmarc.com (discovery); _dmarc.bounce.example.com (SPF alignment walk,
        // the rest cached).
        assertThat(e.dnsLookups()).isEqualTo(3);
        assertThat(dns.txtQueries()).containsExactly("_dmarc.example.com", "_dmarc.com", "_dmarc.bounce.example.com");
        assertThat(e.discovery().dnsLookups()).isEqualTo(2);
    }

    @Test
    void appendix_b_4_2_full_evaluation() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarc("signing.example.com", "v=DMARC1; p=none");
        DmarcEvaluation e = evaluator().evaluate("a.b.c.d.e.f.g.h.i.j.k.example.com",
                spf(SpfResult.PASS, "example.com"), List.of(dkim(DkimResult.PASS, "signing.example.com")));
        assertThat(e.result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.spf().alignment()).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(e.dkim().get(0).alignment()).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(e.policyDomain()).contains(DomainName.of("example.com"));
        // 8 queries for the Author Domain walk; the SPF domain example.com is answered from the
        // cache; signing.example.com adds one (its parents are cached).
        assertThat(e.dnsLookups()).isEqualTo(9);
    }

    @Test
    void psl_mode_evaluation_uses_two_queries_at_most() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluator ev = evaluator(EvaluationOptions.defaults().withDiscoveryMode(DiscoveryMode.PSL));
        DmarcEvaluation e = ev.evaluate("news.example.com", spf(SpfResult.PASS, "bounce.example.com"), List.of());
        assertThat(e.result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.dnsLookups()).isEqualTo(2);
        assertThat(e.discovery().mode()).isEqualTo(DiscoveryMode.PSL);
    }

    @Test
    void override_names_match_the_report_schema() {
        assertThat(List.of(PolicyOverride.values())).filteredOn(PolicyOverride::inRfc9990)
                .extracting(PolicyOverride::reportValue)
                .containsExactlyInAnyOrder("local_policy", "mailing_list", "other", "policy_test_mode", "trusted_forwarder");
    }

    @Test
    void evaluation_never_throws_on_odd_identifiers() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluation e = evaluator().evaluate("example.com", new SpfOutcome(SpfResult.PASS, Optional.empty(), SpfScope.HELO),
                List.of(dkim(DkimResult.PASS, "bad..domain"), dkim(DkimResult.PASS, "")));
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(Optional.of(e.disposition())).contains(Disposition.REJECT);
    }
}
