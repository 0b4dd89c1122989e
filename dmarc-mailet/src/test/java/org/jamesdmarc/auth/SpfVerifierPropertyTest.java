package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;

import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.dns.DomainName;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Arbitrary identities and SPF records never make the verifier throw or report an unnormalised domain. */
class SpfVerifierPropertyTest {

    @Provide
    Arbitrary<String> hostileStrings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withChars("ab.@\"()<>[]\\ \u0000\r\n:-_\u00fc%{}").ofMaxLength(30),
                Arbitraries.of("<>", "", "a@b.com(.evil.com", "@", "postmaster@example.com", "<@r.example:u@example.com>"));
    }

    @Property(tries = 300)
    void anyIdentityGivesAWellFormedOutcome(@ForAll("hostileStrings") String helo,
            @ForAll("hostileStrings") String mailFrom) throws Exception {
        InMemoryDnsClient dns = new InMemoryDnsClient().txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        SpfOutcome outcome = new SpfVerifier(dns).check(InetAddress.getByName("192.0.2.1"), helo, mailFrom);

        // A domain, when there is one, is canonical: parsing its text gives it back.
        outcome.domain().ifPresent(d -> assertThat(DomainName.parse(d.name())).contains(d));
        if (outcome.domain().isEmpty()) {
            assertThat(outcome.result()).isEqualTo(SpfResult.NONE);
        }
    }

    @Provide
    Arbitrary<String> spfRecords() {
        Arbitrary<String> term = Arbitraries.oneOf(
                Arbitraries.of("+all", "-all", "~all", "?all", "all", "a", "mx", "ptr", "a/24", "mx/0", "ip4:192.0.2.0/24",
                        "ip4:300.1.1.1", "ip6:::1/0", "ip4:192.0.2.1/33", "include:example.com", "include:x.example.com",
                        "redirect=example.com", "redirect=x.example.com", "exists:%{i}.%{l}.example.com",
                        "exp=%{d}", "a:%{o}", "a:%{h}", "mx:%{p}", "exists:%{ir}.%{v}._spf.%{d2}", "%{", "include:",
                        "foo=bar", "unknown", "v=spf1", "a:" + "x".repeat(70) + ".com"),
                Arbitraries.strings().withChars("a:/%{}.=+-~?_").ofMaxLength(12));
        return term.list().ofMaxSize(14).map(terms -> "v=spf1 " + String.join(" ", terms));
    }

    @Property(tries = 300)
    void anyRecordIsEvaluatedWithinTheLimits(@ForAll("spfRecords") String record, @ForAll("spfRecords") String included)
            throws Exception {
        InMemoryDnsClient dns = new InMemoryDnsClient()
                .txt("example.com", record)
                .txt("x.example.com", included)
                .a("example.com", "192.0.2.1")
                .mx("example.com", "mx.example.com")
                .a("mx.example.com", "192.0.2.2");

        SpfOutcome outcome = new SpfVerifier(dns).check(InetAddress.getByName("192.0.2.1"), "h.example.net",
                "alice@example.com");

        assertThat(outcome.domain()).contains(DomainName.of("example.com"));
        assertThat(outcome.result()).isIn(List.of(SpfResult.values()));
        // RFC 7208 §4.6.4 bounds the queries: 10 DNS terms (each mx ≤ 10 address lookups) + record fetches.
        assertThat(dns.queries()).hasSizeLessThanOrEqualTo(150);
    }
}
