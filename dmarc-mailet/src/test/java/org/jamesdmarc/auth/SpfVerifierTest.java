package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SpfVerifierTest {

    private static final InetAddress INSIDE = ip("192.0.2.10");
    private static final InetAddress OUTSIDE = ip("198.51.100.7");

    private final InMemoryDnsClient dns = new InMemoryDnsClient();
    private final SpfVerifier spf = new SpfVerifier(dns);

    @Test
    void listedAddressPasses() {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com"))
                .isEqualTo(new SpfOutcome(SpfResult.PASS, DomainName.of("example.com"), SpfScope.MFROM));
    }

    @Test
    void aCheckCanBringItsOwnDnsClient() {
        InMemoryDnsClient perCheck = new InMemoryDnsClient()
                .txt("example.com", "v=spf1 include:_spf.example.com -all")
                .txt("_spf.example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com", perCheck).result()).isEqualTo(SpfResult.PASS);
        assertThat(perCheck.txtQueries()).contains("example.com", "_spf.example.com");
        assertThat(dns.queries()).isEmpty();
        // The next check without one uses the verifier's own client again.
        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.NONE);
    }

    @Test
    void identityDomainIsKnownWithoutDns() {
        assertThat(SpfVerifier.identityDomain("mx.sender.net", "<alice@Example.COM>")).contains(DomainName.of("example.com"));
        assertThat(SpfVerifier.identityDomain("mx.sender.net", "<>")).contains(DomainName.of("mx.sender.net"));
        assertThat(SpfVerifier.identityDomain("[192.0.2.1]", "")).isEmpty();
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void unlistedAddressFailsOnMinusAll() {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        assertThat(spf.check(OUTSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void tildeAllSoftfails() {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 ~all");

        assertThat(spf.check(OUTSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.SOFTFAIL);
    }

    @Test
    void questionMarkAllIsNeutral() {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 ?all");

        assertThat(spf.check(OUTSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.NEUTRAL);
    }

    @Test
    void noMatchAndNoAllIsNeutral() {
        // RFC 7208 §4.7: no mechanism matched and no redirect -> neutral.
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24");

        assertThat(spf.check(OUTSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.NEUTRAL);
    }

    @Test
    void domainWithoutSpfRecordIsNone() {
        dns.txt("example.com", "google-site-verification=abc");

        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com"))
                .isEqualTo(new SpfOutcome(SpfResult.NONE, DomainName.of("example.com"), SpfScope.MFROM));
    }

    @Test
    void nonExistentDomainIsNone() {
        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@nowhere.example").result()).isEqualTo(SpfResult.NONE);
    }

    @Test
    void dnsTempfailIsTemperror() {
        dns.tempFail("example.com");

        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void tempfailInsideIncludeIsTemperror() {
        dns.txt("example.com", "v=spf1 include:_spf.provider.net -all").tempFail("_spf.provider.net");

        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void tempfailOfAnAddressLookupIsTemperror() {
        dns.txt("example.com", "v=spf1 a:web.example.com -all").tempFail("web.example.com");

        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void syntaxErrorIsPermerror() {
        dns.txt("example.com", "v=spf1 ip4:not-an-address -all");

        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void twoSpfRecordsArePermerror() {
        // RFC 7208 §4.5: more than one record -> permerror.
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all", "v=spf1 -all");

        assertThat(spf.check(INSIDE, "mx.sender.net", "alice@example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void includeAndMxAndAMechanismsPass() {
        dns.txt("example.com", "v=spf1 include:_spf.provider.net -all")
                .txt("_spf.provider.net", "v=spf1 mx a:relay.provider.net -all")
                .mx("_spf.provider.net", "mx1.provider.net")
                .a("mx1.provider.net", "203.0.113.5")
                .a("relay.provider.net", "192.0.2.10");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PASS);
        assertThat(spf.check(ip("203.0.113.5"), "h", "alice@example.com").result()).isEqualTo(SpfResult.PASS);
        assertThat(spf.check(OUTSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void includeOfDomainWithoutRecordIsPermerror() {
        // RFC 7208 §5.2: include target with result "none" -> permerror.
        dns.txt("example.com", "v=spf1 include:nothing.example.net -all");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void moreThanTenDnsMechanismsIsPermerror() {
        // RFC 7208 §4.6.4: at most 10 mechanisms/modifiers that query DNS.
        String many = IntStream.rangeClosed(1, 11).mapToObj(i -> "a:h" + i + ".example.com")
                .collect(Collectors.joining(" "));
        dns.txt("example.com", "v=spf1 " + many + " ip4:192.0.2.10 -all");
        IntStream.rangeClosed(1, 11).forEach(i -> dns.a("h" + i + ".example.com", "203.0.113." + i));

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void tenDnsMechanismsAreStillEvaluated() {
        String ten = IntStream.rangeClosed(1, 10).mapToObj(i -> "a:h" + i + ".example.com")
                .collect(Collectors.joining(" "));
        dns.txt("example.com", "v=spf1 " + ten + " ip4:192.0.2.10 -all");
        IntStream.rangeClosed(1, 10).forEach(i -> dns.a("h" + i + ".example.com", "203.0.113." + i));

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void includeLoopIsPermerror() {
        dns.txt("example.com", "v=spf1 include:loop.example.com -all")
                .txt("loop.example.com", "v=spf1 include:example.com -all");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void moreThanTwoVoidLookupsIsPermerror() {
        // RFC 7208 §4.6.4: more than two void lookups -> permerror, even though a later ip4 would match.
        dns.txt("example.com", "v=spf1 a:n1.example.com a:n2.example.com exists:n3.example.com ip4:192.0.2.10 -all");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void twoVoidLookupsAreAllowed() {
        dns.txt("example.com", "v=spf1 a:n1.example.com mx:n2.example.com ip4:192.0.2.10 -all");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void moreThanTenMxRecordsIsPermerror() {
        // RFC 7208 §4.6.4: an "mx" must not lead to more than 10 address lookups.
        dns.txt("example.com", "v=spf1 mx -all");
        String[] targets = IntStream.rangeClosed(1, 11).mapToObj(i -> "mx" + i + ".example.com").toArray(String[]::new);
        dns.mx("example.com", targets);
        for (int i = 1; i <= 11; i++) {
            dns.a("mx" + i + ".example.com", "192.0.2." + i);
        }

        assertThat(spf.check(ip("192.0.2.1"), "h", "alice@example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void overlongTermIsPermerrorWithoutParsingIt() {
        // jSPF's term regex recurses per character: a huge term must not reach it (stack overflow).
        dns.txt("example.com", "v=spf1 a:" + "a".repeat(5000) + ".example.com ip4:192.0.2.10 -all");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void overlongExplanationIsDroppedAndTheResultStands() {
        dns.txt("example.com", "v=spf1 -all exp=why.example.com").txt("why.example.com", "%{d} ".repeat(2000));

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void ipv6ClientMatchesIp6Mechanism() {
        dns.txt("example.com", "v=spf1 ip6:2001:db8::/32 -all");

        assertThat(spf.check(ip("2001:db8::25"), "h", "alice@example.com").result()).isEqualTo(SpfResult.PASS);
        assertThat(spf.check(ip("2001:db9::25"), "h", "alice@example.com").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void ptrMechanismUsesValidatedReverseNames() {
        dns.txt("example.com", "v=spf1 ptr -all")
                .ptr("10.2.0.192.in-addr.arpa", "mail.example.com")
                .a("mail.example.com", "192.0.2.10");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PASS);
        assertThat(dns.queries()).contains("PTR 10.2.0.192.in-addr.arpa", "A mail.example.com");
    }

    @Test
    void ptrNameThatDoesNotResolveBackDoesNotMatch() {
        dns.txt("example.com", "v=spf1 ptr -all")
                .ptr("10.2.0.192.in-addr.arpa", "mail.example.com")
                .a("mail.example.com", "203.0.113.1");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void spfTypeRecordsAreNotQueried() {
        // RFC 7208 §3.1/§14.1: only TXT is used.
        dns.txt("example.com", "v=spf1 -all");

        spf.check(INSIDE, "h", "alice@example.com");

        assertThat(dns.queries()).noneMatch(q -> q.startsWith("SPF "));
    }

    @Test
    void macroExpandsLocalPartIntoExistsLookup() {
        dns.txt("example.com", "v=spf1 exists:%{l}._spf.example.com -all").a("alice._spf.example.com", "127.0.0.2");

        assertThat(spf.check(INSIDE, "h", "alice@example.com").result()).isEqualTo(SpfResult.PASS);
        assertThat(spf.check(INSIDE, "h", "bob@example.com").result()).isEqualTo(SpfResult.FAIL);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"<>", " <> "})
    void nullReversePathChecksHeloIdentity(String reversePath) {
        dns.txt("mail.example.org", "v=spf1 ip4:192.0.2.10 -all");

        assertThat(spf.check(INSIDE, "Mail.Example.ORG", reversePath))
                .isEqualTo(new SpfOutcome(SpfResult.PASS, DomainName.of("mail.example.org"), SpfScope.HELO));
        assertThat(spf.check(OUTSIDE, "mail.example.org", reversePath))
                .isEqualTo(new SpfOutcome(SpfResult.FAIL, Optional.of(DomainName.of("mail.example.org")), SpfScope.HELO,
                        Optional.of("v=spf1 ip4:192.0.2.10 -all")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[192.0.2.10]", "localhost", "bad name.example", "a(b).example", ""})
    void nullReversePathWithUnusableHeloIsNone(String helo) {
        assertThat(spf.check(INSIDE, helo, "<>")).isEqualTo(new SpfOutcome(SpfResult.NONE, Optional.empty(), SpfScope.HELO));
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void heloCanBeCheckedOnItsOwn() {
        dns.txt("mail.example.org", "v=spf1 ip4:192.0.2.10 -all");

        assertThat(spf.checkHelo(INSIDE, "mail.example.org"))
                .isEqualTo(new SpfOutcome(SpfResult.PASS, DomainName.of("mail.example.org"), SpfScope.HELO));
    }

    @Test
    void mailFromIsPreferredOverHelo() {
        dns.txt("example.com", "v=spf1 -all").txt("mail.example.org", "v=spf1 +all");

        assertThat(spf.check(INSIDE, "mail.example.org", "<alice@example.com>"))
                .isEqualTo(new SpfOutcome(SpfResult.FAIL, Optional.of(DomainName.of("example.com")), SpfScope.MFROM,
                        Optional.of("v=spf1 -all")));
    }

    @Test
    void aFailureKeepsTheCheckedDomainsOwnRecordForFailureReports() {
        dns.txt("example.com", "v=spf1 include:_spf.example.net ~all").txt("example.com", "not spf")
                .txt("_spf.example.net", "v=spf1 ip4:192.0.2.10 -all");

        SpfOutcome softfail = spf.check(OUTSIDE, "h.example.net", "alice@example.com");
        assertThat(softfail.result()).isEqualTo(SpfResult.SOFTFAIL);
        assertThat(softfail.record()).as("the checked domain's, not the include's")
                .contains("v=spf1 include:_spf.example.net ~all");
        assertThat(spf.check(INSIDE, "h.example.net", "alice@example.com").record()).as("not kept for a pass")
                .isEmpty();
        assertThat(new SpfOutcome(SpfResult.FAIL, Optional.of(DomainName.of("example.com")), SpfScope.MFROM,
                Optional.of("v=spf1 " + "a".repeat(SpfOutcome.MAX_RECORD_LENGTH)))).as("bounded")
                .extracting(SpfOutcome::record).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a@b.com(.evil.com",
        "alice@(comment)example.com",
        "alice@exa\"mple.com",
        "alice@example.com\u0000.evil.com",
        "ali\u0000ce@example.com",
        "alice(x)@example.com",
        "\"unterminated@example.com",
        "\"a\"b\"@example.com",
        "alice@",
        "alice",
        "@",
        "alice@[192.0.2.1]",
        "alice@localhost",
        "alice@example..com",
        "alice@-example.com",
        "al ice@example.com",
        "alice@example.com\r\nX: y",
        ".alice@example.com",
        "<alice@example.com",
    })
    void hostileOrMalformedMailFromIsNoneWithoutDns(String mailFrom) {
        dns.txt("example.com", "v=spf1 +all").txt("evil.com", "v=spf1 +all").txt("b.com", "v=spf1 +all");

        assertThat(spf.check(INSIDE, "h.example.net", mailFrom))
                .isEqualTo(new SpfOutcome(SpfResult.NONE, Optional.empty(), SpfScope.MFROM));
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void quotedLocalPartIsValid() {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.10 -all");

        assertThat(spf.check(INSIDE, "h", "\"john smith@home\"@example.com"))
                .isEqualTo(new SpfOutcome(SpfResult.PASS, DomainName.of("example.com"), SpfScope.MFROM));
    }

    @Test
    void domainIsReportedAsLowerCaseALabel() {
        dns.txt("xn--bcher-kva.example", "v=spf1 ip4:192.0.2.10 -all");

        assertThat(spf.check(INSIDE, "h", "alice@B\u00fccher.EXAMPLE"))
                .isEqualTo(new SpfOutcome(SpfResult.PASS, DomainName.of("xn--bcher-kva.example"), SpfScope.MFROM));
    }

    @Test
    void emptyLocalPartIsPostmaster() {
        // RFC 7208 §4.3: a missing local-part is "postmaster" (visible through %{l}).
        dns.txt("example.com", "v=spf1 exists:%{l}.x.example.com -all").a("postmaster.x.example.com", "127.0.0.2");

        assertThat(spf.check(INSIDE, "h", "@example.com").result()).isEqualTo(SpfResult.PASS);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
