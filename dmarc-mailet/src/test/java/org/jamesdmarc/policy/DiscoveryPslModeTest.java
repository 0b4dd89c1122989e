package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;

/** RFC 7489 §6.6.3 policy discovery with the Public Suffix List, and how it differs from the tree walk. */
class DiscoveryPslModeTest {

    private final InMemoryDnsClient dns = new InMemoryDnsClient();

    private PolicyDiscovery discovery(DiscoveryMode mode) {
        return new PolicyDiscovery(dns, mode, Optional.empty());
    }

    @Test
    void author_domain_record_first() {
        dns.dmarc("mail.example.com", "v=DMARC1; p=none");
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DiscoveryResult r = discovery(DiscoveryMode.PSL).discover("mail.example.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(r.policyDomain()).contains(DomainName.of("mail.example.com"));
        assertThat(r.organizationalDomain()).contains(DomainName.of("example.com"));
        assertThat(dns.txtQueries()).containsExactly("_dmarc.mail.example.com");
        assertThat(r.dnsLookups()).isEqualTo(1);
    }

    @Test
    void then_the_organizational_domain_from_the_list_with_no_walk() {
        dns.dmarc("example.co.uk", "v=DMARC1; p=reject");
        DiscoveryResult r = discovery(DiscoveryMode.PSL).discover("a.b.c.example.co.uk");
        assertThat(r.policyDomain()).contains(DomainName.of("example.co.uk"));
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.ORGANIZATIONAL_DOMAIN);
        assertThat(dns.txtQueries()).containsExactly("_dmarc.a.b.c.example.co.uk", "_dmarc.example.co.uk");
    }

    @Test
    void org_domain_author_without_record_is_one_query() {
        DiscoveryResult r = discovery(DiscoveryMode.PSL).discover("example.com");
        assertThat(r.status()).isEqualTo(DiscoveryStatus.NONE);
        assertThat(dns.txtQueries()).containsExactly("_dmarc.example.com");
    }

    @Test
    void temp_failure_is_temperror() {
        dns.dmarcTempFail("example.com");
        assertThat(discovery(DiscoveryMode.PSL).discover("mail.example.com").status())
                .isEqualTo(DiscoveryStatus.TEMPERROR);
    }

    @Test
    void multiple_records_at_author_fall_back_to_org_domain() {
        dns.dmarc("mail.example.com", "v=DMARC1; p=none", "v=DMARC1; p=none");
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        DiscoveryResult r = discovery(DiscoveryMode.PSL).discover("mail.example.com");
        assertThat(r.policyDomain()).contains(DomainName.of("example.com"));
    }

    @Test
    void private_section_suffix_gives_different_org_domains_in_the_two_modes() {
        // A (hypothetical) record at github.io: the tree walk makes github.io the Organizational
        // Domain and policy domain, the PSL's private section makes alice.github.io the
        // Organizational Domain, and there is no record there.
        dns.dmarc("github.io", "v=DMARC1; p=reject");

        DiscoveryResult walk = discovery(DiscoveryMode.TREEWALK).discover("www.alice.github.io");
        assertThat(walk.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(walk.organizationalDomain()).contains(DomainName.of("github.io"));
        assertThat(walk.policyDomain()).contains(DomainName.of("github.io"));

        DiscoveryResult psl = discovery(DiscoveryMode.PSL).discover("www.alice.github.io");
        assertThat(psl.status()).isEqualTo(DiscoveryStatus.NONE);
        assertThat(psl.organizationalDomain()).contains(DomainName.of("alice.github.io"));
    }

    @Test
    void custom_list_is_used() throws Exception {
        PublicSuffixList custom = PublicSuffixList.parse(new java.io.StringReader("com\nexample.com\n"),
                PublicSuffixList.Sections.ALL);
        dns.dmarc("dept.example.com", "v=DMARC1; p=quarantine");
        PolicyDiscovery d = new PolicyDiscovery(dns, DiscoveryMode.PSL, Optional.of(custom));
        DiscoveryResult r = d.discover("mail.dept.example.com");
        assertThat(r.organizationalDomain()).contains(DomainName.of("dept.example.com"));
        assertThat(r.policyDomain()).contains(DomainName.of("dept.example.com"));
    }
}
