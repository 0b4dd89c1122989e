package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** RFC 9989 §4.10 DNS Tree Walk, §4.10.1 policy discovery and §4.10.2 Organizational Domain. */
class DiscoveryTreeWalkTest {

    private final InMemoryDnsClient dns = new InMemoryDnsClient();

    private PolicyDiscovery discovery() {
        return new PolicyDiscovery(dns, DiscoveryMode.TREEWALK, Optional.empty());
    }

    private String orgDomain(String domain) {
        PolicyDiscovery d = discovery();
        OrgDomainResult r = d.organizationalDomain(DomainName.of(domain), d.newLookup());
        assertThat(r).isInstanceOf(OrgDomainResult.Known.class);
        return ((OrgDomainResult.Known) r).domain().name();
    }

    @Test
    void section_4_10_example_long_name_makes_exactly_the_eight_listed_queries() {
        DiscoveryResult r = discovery().discover("a.b.c.d.e.f.g.h.i.j.mail.example.com");

        List<String> expected = List.of(
                "_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com",
                "_dmarc.g.h.i.j.mail.example.com",
                "_dmarc.h.i.j.mail.example.com",
                "_dmarc.i.j.mail.example.com",
                "_dmarc.j.mail.example.com",
                "_dmarc.mail.example.com",
                "_dmarc.example.com",
                "_dmarc.com");
        assertThat(dns.txtQueries()).isEqualTo(expected);
        assertThat(r.queriedNames()).isEqualTo(expected);
        assertThat(r.dnsLookups()).isEqualTo(8);
        assertThat(r.status()).isEqualTo(DiscoveryStatus.NONE);
        assertThat(r.organizationalDomain()).contains(DomainName.of("a.b.c.d.e.f.g.h.i.j.mail.example.com"));
        assertThat(r.warnings()).extracting(DiscoveryWarning::code).contains(DiscoveryWarning.Code.NAME_SHORTENED);
    }

    @Test
    void recordWithLeadingWhitespaceIsNoDmarcRecordSoTheWalkGoesOn() {
        // RFC 9989 §4.8: dmarc-record begins with dmarc-version; " v=DMARC1" is not a DMARC record (§4.10 step 2
        // discards it), so the Organizational Domain's record applies instead of this reject.
        dns.dmarc("mail.example.com", " v=DMARC1; p=reject");
        dns.dmarc("example.com", "v=DMARC1; p=none");

        DiscoveryResult r = discovery().discover("mail.example.com");

        assertThat(r.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(r.policyDomain()).contains(DomainName.of("example.com"));
        assertThat(r.record().orElseThrow().policy()).isEqualTo(Policy.NONE);
    }

    @Test
    void appendix_b_4_1_simple_organizational_and_policy_example() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarc("signing.example.com", "v=DMARC1; p=none");

        DiscoveryResult r = discovery().discover("example.com");

        // "query _dmarc.example.com and _dmarc.com"
        assertThat(dns.txtQueries()).containsExactly("_dmarc.example.com", "_dmarc.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(r.policyDomain()).contains(DomainName.of("example.com"));
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.AUTHOR_DOMAIN);
        assertThat(r.organizationalDomain()).contains(DomainName.of("example.com"));
        assertThat(r.record().orElseThrow().policy()).isEqualTo(Policy.REJECT);
        // DKIM identifier signing.example.com: both have records, example.com has fewest labels.
        dns.clearLog();
        assertThat(orgDomain("signing.example.com")).isEqualTo("example.com");
        assertThat(dns.txtQueries()).containsExactly("_dmarc.signing.example.com", "_dmarc.example.com", "_dmarc.com");
    }

    @Test
    void appendix_b_4_2_deep_tree_walk_example() {
        dns.dmarc("example.com", "v=DMARC1; p=quarantine");
        dns.dmarc("signing.example.com", "v=DMARC1; p=none");

        DiscoveryResult r = discovery().discover("a.b.c.d.e.f.g.h.i.j.k.example.com");

        assertThat(dns.txtQueries()).containsExactly(
                "_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com",
                "_dmarc.g.h.i.j.k.example.com",
                "_dmarc.h.i.j.k.example.com",
                "_dmarc.i.j.k.example.com",
                "_dmarc.j.k.example.com",
                "_dmarc.k.example.com",
                "_dmarc.example.com",
                "_dmarc.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.FOUND);
        // "the policy domain is the highest element in the DNS tree with a DMARC Policy Record"
        assertThat(r.policyDomain()).contains(DomainName.of("example.com"));
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.ORGANIZATIONAL_DOMAIN);
        assertThat(r.organizationalDomain()).contains(DomainName.of("example.com"));
        assertThat(orgDomain("signing.example.com")).isEqualTo("example.com");
    }

    @Test
    void appendix_b_4_3_psd_record_example() {
        dns.dmarc("bank.example", "v=DMARC1; p=reject; psd=y");
        dns.dmarc("giant.bank.example", "v=DMARC1; p=quarantine");

        DiscoveryResult r = discovery().discover("giant.bank.example");
        // Walk finds giant.bank.example then bank.example and stops (psd=y): _dmarc.example not queried.
        assertThat(dns.txtQueries()).containsExactly("_dmarc.giant.bank.example", "_dmarc.bank.example");
        assertThat(r.organizationalDomain()).contains(DomainName.of("giant.bank.example"));
        assertThat(r.policyDomain()).contains(DomainName.of("giant.bank.example"));
        assertThat(r.record().orElseThrow().policy()).isEqualTo(Policy.QUARANTINE);

        assertThat(orgDomain("mail.giant.bank.example")).isEqualTo("giant.bank.example");
        assertThat(orgDomain("mail.mega.bank.example")).isEqualTo("mega.bank.example");
    }

    @Test
    void psd_record_is_the_policy_when_the_organizational_domain_has_none() {
        dns.dmarc("bank.example", "v=DMARC1; p=reject; psd=y");

        DiscoveryResult r = discovery().discover("mail.mega.bank.example");

        assertThat(r.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(r.organizationalDomain()).contains(DomainName.of("mega.bank.example"));
        assertThat(r.policyDomain()).contains(DomainName.of("bank.example"));
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.PUBLIC_SUFFIX_DOMAIN);
    }

    @Test
    void section_4_10_2_examples() {
        // Records at mail.example.com and example.com: the one with fewest labels.
        dns.dmarc("mail.example.com", "v=DMARC1; p=none");
        dns.dmarc("example.com", "v=DMARC1; p=none");
        assertThat(orgDomain("a.mail.example.com")).isEqualTo("example.com");
        assertThat(dns.txtQueries()).containsExactly("_dmarc.a.mail.example.com", "_dmarc.mail.example.com",
                "_dmarc.example.com", "_dmarc.com");
    }

    @Test
    void section_4_10_2_psd_n_stops_the_walk_and_is_the_organizational_domain() {
        dns.dmarc("mail.example.com", "v=DMARC1; p=none; psd=n");
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        assertThat(orgDomain("a.mail.example.com")).isEqualTo("mail.example.com");
        assertThat(dns.txtQueries()).containsExactly("_dmarc.a.mail.example.com", "_dmarc.mail.example.com");

        dns.clearLog();
        DiscoveryResult r = discovery().discover("a.mail.example.com");
        assertThat(r.policyDomain()).contains(DomainName.of("mail.example.com"));
        assertThat(r.record().orElseThrow().policy()).isEqualTo(Policy.NONE);
    }

    @Test
    void section_4_10_2_only_a_psd_y_record_at_the_tld() {
        dns.dmarc("com", "v=DMARC1; p=reject; psd=y");
        assertThat(orgDomain("a.mail.example.com")).isEqualTo("example.com");
    }

    @Test
    void psd_y_at_the_start_is_its_own_organizational_domain() {
        dns.dmarc("bank.example", "v=DMARC1; p=reject; psd=y");
        DiscoveryResult r = discovery().discover("bank.example");
        assertThat(dns.txtQueries()).containsExactly("_dmarc.bank.example");
        assertThat(r.organizationalDomain()).contains(DomainName.of("bank.example"));
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.AUTHOR_DOMAIN);
    }

    @Test
    void psd_u_record_above_lets_the_walk_continue() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; psd=u");
        dns.dmarc("com", "v=DMARC1; p=none; psd=y");
        DiscoveryResult r = discovery().discover("mail.example.com");
        assertThat(r.organizationalDomain()).contains(DomainName.of("example.com"));
        assertThat(r.policyDomain()).contains(DomainName.of("example.com"));
        assertThat(r.record().orElseThrow().policy()).isEqualTo(Policy.REJECT);
        assertThat(r.warnings()).extracting(DiscoveryWarning::code)
                .contains(DiscoveryWarning.Code.INTERMEDIATE_RECORD_IGNORED);
    }

    @Test
    void eight_labels_go_to_the_immediate_parent_without_skipping() {
        DiscoveryResult r = discovery().discover("a.b.c.d.e.f.example.com");
        assertThat(dns.txtQueries()).startsWith("_dmarc.a.b.c.d.e.f.example.com", "_dmarc.b.c.d.e.f.example.com")
                .hasSize(8);
        assertThat(r.warnings()).extracting(DiscoveryWarning::code).doesNotContain(DiscoveryWarning.Code.NAME_SHORTENED);
    }

    @Test
    void nine_labels_skip_one() {
        discovery().discover("x.a.b.c.d.e.f.example.com");
        assertThat(dns.txtQueries()).startsWith("_dmarc.x.a.b.c.d.e.f.example.com", "_dmarc.b.c.d.e.f.example.com")
                .hasSize(8);
    }

    @Test
    void author_record_wins_over_organizational_domain_but_org_domain_still_found() {
        dns.dmarc("mail.example.com", "v=DMARC1; p=none");
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DiscoveryResult r = discovery().discover("mail.example.com");
        assertThat(r.policyDomain()).contains(DomainName.of("mail.example.com"));
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.AUTHOR_DOMAIN);
        assertThat(r.organizationalDomain()).contains(DomainName.of("example.com"));
    }

    @Test
    void multiple_records_at_the_author_domain_mean_no_policy_there() {
        dns.dmarc("mail.example.com", "v=DMARC1; p=none", "v=DMARC1; p=reject");
        dns.dmarc("example.com", "v=DMARC1; p=quarantine");
        DiscoveryResult r = discovery().discover("mail.example.com");
        assertThat(r.policyDomain()).contains(DomainName.of("example.com"));
        assertThat(r.record().orElseThrow().policy()).isEqualTo(Policy.QUARANTINE);
        assertThat(r.warnings()).extracting(DiscoveryWarning::code).contains(DiscoveryWarning.Code.MULTIPLE_RECORDS);
    }

    @Test
    void multiple_records_everywhere_give_none() {
        dns.dmarc("example.com", "v=DMARC1; p=none", "v=DMARC1; p=reject");
        DiscoveryResult r = discovery().discover("example.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.NONE);
        assertThat(r.record()).isEmpty();
    }

    @Test
    void non_dmarc_txt_records_are_discarded_not_counted_as_multiple() {
        dns.dmarc("example.com", "v=spf1 -all", "v=DMARC1; p=reject", "hello");
        DiscoveryResult r = discovery().discover("example.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(r.record().orElseThrow().policy()).isEqualTo(Policy.REJECT);
    }

    @Test
    void malformed_dmarc_record_is_no_record_but_still_counts_as_one_for_multiples() {
        dns.dmarc("mail.example.com", "v=DMARC1 p=reject");
        dns.dmarc("example.com", "v=DMARC1; p=quarantine", "v=DMARC1 p=reject");
        DiscoveryResult r = discovery().discover("mail.example.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.NONE);
        assertThat(r.warnings()).extracting(DiscoveryWarning::code)
                .contains(DiscoveryWarning.Code.MALFORMED_RECORD, DiscoveryWarning.Code.MULTIPLE_RECORDS);
    }

    @Test
    void record_warnings_of_the_parser_are_passed_on() {
        dns.dmarc("example.com", "v=DMARC1; p=reject; pct=50; foo=bar");
        DiscoveryResult r = discovery().discover("example.com");
        assertThat(r.recordWarnings()).extracting(RecordWarning::code)
                .contains(RecordWarning.Code.RETIRED_TAG, RecordWarning.Code.UNKNOWN_TAG);
    }

    @Test
    void record_not_starting_with_v_is_ignored() {
        dns.dmarc("example.com", "p=reject; v=DMARC1");
        assertThat(discovery().discover("example.com").status()).isEqualTo(DiscoveryStatus.NONE);
    }

    @Test
    void temp_failure_at_author_domain_is_temperror() {
        dns.dmarcTempFail("example.com");
        DiscoveryResult r = discovery().discover("example.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.TEMPERROR);
        assertThat(r.record()).isEmpty();
        assertThat(r.dnsLookups()).isEqualTo(1);
        assertThat(r.warnings()).extracting(DiscoveryWarning::code).contains(DiscoveryWarning.Code.DNS_TEMPFAIL);
    }

    @Test
    void temp_failure_higher_up_without_author_record_is_temperror() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("mail.example.com");
        DiscoveryResult r = discovery().discover("a.mail.example.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.TEMPERROR);
        assertThat(r.record()).isEmpty();
        assertThat(dns.txtQueries()).containsExactly("_dmarc.a.mail.example.com", "_dmarc.mail.example.com");
    }

    @Test
    void temp_failure_higher_up_keeps_the_author_record_but_no_org_domain() {
        dns.dmarc("mail.example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("example.com");
        DiscoveryResult r = discovery().discover("mail.example.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(r.policyDomain()).contains(DomainName.of("mail.example.com"));
        assertThat(r.organizationalDomain()).isEmpty();
        assertThat(r.warnings()).extracting(DiscoveryWarning::code).contains(DiscoveryWarning.Code.DNS_TEMPFAIL);
        assertThat(dns.txtQueries()).containsExactly("_dmarc.mail.example.com", "_dmarc.example.com");
    }

    @Test
    void nodata_and_servfail_are_told_apart() {
        dns.status("_dmarc.example.com", Type.TXT, DnsStatus.NODATA);
        assertThat(discovery().discover("example.com").status()).isEqualTo(DiscoveryStatus.NONE);
        dns.status("_dmarc.example.com", Type.TXT, DnsStatus.TEMPFAIL);
        assertThat(discovery().discover("example.com").status()).isEqualTo(DiscoveryStatus.TEMPERROR);
    }

    @Test
    void never_queries_the_root() {
        discovery().discover("com");
        assertThat(dns.txtQueries()).containsExactly("_dmarc.com");
    }

    @Test
    void invalid_author_domain_is_permerror_without_queries() {
        DiscoveryResult r = discovery().discover("exa mple.com(");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.PERMERROR);
        assertThat(r.dnsLookups()).isZero();
        assertThat(dns.txtQueries()).isEmpty();
    }

    @Test
    void author_domain_is_normalised() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DiscoveryResult r = discovery().discover("Example.COM.");
        assertThat(r.authorDomain()).contains(DomainName.of("example.com"));
        assertThat(r.status()).isEqualTo(DiscoveryStatus.FOUND);
    }

    @Test
    void shared_lookup_queries_each_name_once() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        PolicyDiscovery d = discovery();
        DmarcRecordLookup lookup = d.newLookup();
        d.discover(DomainName.of("example.com"), lookup);
        d.organizationalDomain(DomainName.of("a.example.com"), lookup);
        d.organizationalDomain(DomainName.of("b.example.com"), lookup);
        assertThat(lookup.queries()).isEqualTo(4);
        assertThat(dns.txtQueries()).containsExactly("_dmarc.example.com", "_dmarc.com", "_dmarc.a.example.com",
                "_dmarc.b.example.com");
    }
}
