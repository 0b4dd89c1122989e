package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;

/** RFC 9989 §4.4 Identifier Alignment (Table 1, Appendix B.1 and B.4 examples). */
class AlignmentTest {

    private final InMemoryDnsClient dns = new InMemoryDnsClient();

    private Alignment alignment(DiscoveryMode mode) {
        PolicyDiscovery d = new PolicyDiscovery(dns, mode, Optional.empty());
        return new Alignment(d, d.newLookup());
    }

    /** {@link Alignment#check} of the domain names {@code author} and {@code identifier} denote. */
    private static AlignmentStatus check(Alignment a, String author, String identifier, AlignmentMode mode) {
        return a.check(DomainName.of(author), DomainName.of(identifier), mode);
    }

    @Test
    void table_1_examples() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        Alignment a = alignment(DiscoveryMode.TREEWALK);
        assertThat(check(a, "news.example.com", "foo.example.com", AlignmentMode.RELAXED)).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(check(a, "news.example.com", "foo.example.com", AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.NOT_ALIGNED);
        assertThat(check(a, "news.example.com", "news.example.com", AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(check(a, "news.example.com", "foo.example.net", AlignmentMode.RELAXED)).isEqualTo(AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void appendix_b_1_spf_and_dkim_examples() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        Alignment a = alignment(DiscoveryMode.TREEWALK);
        // B.1.1 example 1 / B.1.2 example 1: identical, strict.
        assertThat(check(a, "example.com", "example.com", AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.ALIGNED);
        // B.1.1 example 2: MAIL FROM child.example.com, From example.com: relaxed only.
        assertThat(check(a, "example.com", "child.example.com", AlignmentMode.RELAXED)).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(check(a, "example.com", "child.example.com", AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.NOT_ALIGNED);
        // B.1.2 example 2: d=example.com, From child.example.com.
        assertThat(check(a, "child.example.com", "example.com", AlignmentMode.RELAXED)).isEqualTo(AlignmentStatus.ALIGNED);
        // B.1.1/B.1.2 example 3: example.net vs child.example.com.
        assertThat(check(a, "child.example.com", "example.net", AlignmentMode.RELAXED)).isEqualTo(AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void comparison_is_case_insensitive() {
        Alignment a = alignment(DiscoveryMode.TREEWALK);
        assertThat(check(a, "Example.COM", "example.com.", AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(dns.txtQueries()).isEmpty();
    }

    @Test
    void strict_and_identical_need_no_dns() {
        Alignment a = alignment(DiscoveryMode.TREEWALK);
        check(a, "a.example.com", "b.example.com", AlignmentMode.STRICT);
        check(a, "a.example.com", "a.example.com", AlignmentMode.RELAXED);
        check(a, "a.example.com", "a.example.net", AlignmentMode.RELAXED);
        assertThat(dns.txtQueries()).isEmpty();
    }

    @Test
    void relaxed_without_any_record_each_domain_is_its_own_org_domain() {
        // No records anywhere: RFC 9989 §4.10.2 "the initial target domain is the Organizational Domain".
        Alignment a = alignment(DiscoveryMode.TREEWALK);
        assertThat(check(a, "a.example.com", "b.example.com", AlignmentMode.RELAXED)).isEqualTo(AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void appendix_b_4_3_psd_alignment() {
        dns.dmarc("bank.example", "v=DMARC1; p=reject; psd=y");
        dns.dmarc("giant.bank.example", "v=DMARC1; p=quarantine");
        Alignment a = alignment(DiscoveryMode.TREEWALK);
        assertThat(check(a, "giant.bank.example", "mail.giant.bank.example", AlignmentMode.RELAXED))
                .isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(check(a, "giant.bank.example", "mail.mega.bank.example", AlignmentMode.RELAXED))
                .isEqualTo(AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void org_domains_and_queries_are_cached_per_evaluation() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        PolicyDiscovery d = new PolicyDiscovery(dns, DiscoveryMode.TREEWALK, Optional.empty());
        DmarcRecordLookup lookup = d.newLookup();
        Alignment a = new Alignment(d, lookup);
        check(a, "example.com", "mail.example.com", AlignmentMode.RELAXED);
        int first = lookup.queries();
        check(a, "example.com", "mail.example.com", AlignmentMode.RELAXED);
        check(a, "news.example.com", "mail.example.com", AlignmentMode.RELAXED);
        // _dmarc.example.com, _dmarc.com, _dmarc.mail.example.com, then only _dmarc.news.example.com
        assertThat(first).isEqualTo(3);
        assertThat(lookup.queries()).isEqualTo(4);
        assertThat(dns.txtQueries()).doesNotHaveDuplicates();
    }

    @Test
    void temp_failure_during_the_walk_is_temperror() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("mail.example.com");
        Alignment a = alignment(DiscoveryMode.TREEWALK);
        assertThat(check(a, "example.com", "mail.example.com", AlignmentMode.RELAXED)).isEqualTo(AlignmentStatus.TEMPERROR);
    }

    @Test
    void identifier_outside_the_authors_organizational_domain_needs_no_walk() {
        // RFC 9989 §3.2.14, §4.10: an Organizational Domain is the domain itself or an ancestor, so an
        // identifier that is not at or below example.com can never share its Organizational Domain: not aligned
        // without a walk, even one that would have failed.
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("x1.x2.attacker.com");
        Alignment a = alignment(DiscoveryMode.TREEWALK);
        assertThat(check(a, "news.example.com", "x1.x2.attacker.com", AlignmentMode.RELAXED))
                .isEqualTo(AlignmentStatus.NOT_ALIGNED);
        assertThat(dns.txtQueries()).containsExactly("_dmarc.news.example.com", "_dmarc.example.com", "_dmarc.com");
        assertThat(Alignment.mayShareOrganizationalDomain(DomainName.of("a.example.com"), DomainName.of("example.com")))
                .isTrue();
        assertThat(Alignment.mayShareOrganizationalDomain(DomainName.of("example.com"), DomainName.of("example.com")))
                .isTrue();
        assertThat(Alignment.mayShareOrganizationalDomain(DomainName.of("com"), DomainName.of("example.com"))).isFalse();
        assertThat(Alignment.mayShareOrganizationalDomain(DomainName.of("badexample.com"), DomainName.of("example.com")))
                .isFalse();
    }

    @Test
    void psl_mode_uses_the_list_and_no_dns() {
        Alignment a = alignment(DiscoveryMode.PSL);
        assertThat(check(a, "news.example.co.uk", "bounce.example.co.uk", AlignmentMode.RELAXED))
                .isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(check(a, "alice.github.io", "bob.github.io", AlignmentMode.RELAXED))
                .isEqualTo(AlignmentStatus.NOT_ALIGNED);
        assertThat(dns.txtQueries()).isEmpty();
    }

    @Test
    void private_suffix_aligns_in_tree_walk_but_not_in_psl_mode() {
        dns.dmarc("github.io", "v=DMARC1; p=none");
        assertThat(check(alignment(DiscoveryMode.TREEWALK), "alice.github.io", "bob.github.io", AlignmentMode.RELAXED))
                .isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(check(alignment(DiscoveryMode.PSL), "alice.github.io", "bob.github.io", AlignmentMode.RELAXED))
                .isEqualTo(AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void invalid_identifier_is_not_aligned() {
        // Identifier text that is not a domain name gives an outcome without a domain: never aligned.
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DmarcEvaluator evaluator = new DmarcEvaluator(dns, EvaluationOptions.defaults());
        for (String identifier : List.of("exa(mple).com", "")) {
            SpfOutcome spf = new SpfOutcome(SpfResult.PASS, DomainName.parse(identifier), SpfScope.MFROM);
            DkimOutcome dkim = new DkimOutcome(DkimResult.PASS, DomainName.parse(identifier), "s", "");
            DmarcEvaluation e = evaluator.evaluate(new DmarcInput(DomainName.of("example.com"), spf, List.of(dkim)));
            assertThat(e.spf().alignment()).isNotEqualTo(AlignmentStatus.ALIGNED);
            assertThat(e.dkim()).extracting(DkimAlignment::alignment).doesNotContain(AlignmentStatus.ALIGNED);
            assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        }
    }
}
