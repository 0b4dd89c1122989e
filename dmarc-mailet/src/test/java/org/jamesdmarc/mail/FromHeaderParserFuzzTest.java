package org.jamesdmarc.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jamesdmarc.dns.DomainName;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property tests: the From parser is total, bounded, and never names a domain the input does not. */
class FromHeaderParserFuzzTest {

    private static final List<String> SEEDS = List.of(
            "user@good.com",
            "<user@good.com>",
            "John Q. Public <jqp@good.com>",
            "\"Doe, John\" <john@good.com>",
            "\"a \\\" b\" (comment (nested)) <x@good.com> (trailing)",
            "grp: a@good.com, b@other.org;",
            "undisclosed-recipients:;",
            "a@good.com, b@good.com",
            "<@good.com:user@good.com>",
            "=?utf-8?b?w6lkb3VhcmQ=?= <e@good.com>",
            "J\u00f6rg <j@b\u00fccher.example>",
            "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a",
            "\"folded\"\r\n <f@good.com>",
            "a@good.com.");

    private static final List<String> PIECES = List.of(
            "\"", "(", ")", ",", "@", "<", ">", ":", ";", "\\", ".", "[", "]", " ", "\t",
            "\u0000", "\r\n", "\r\n ", "\n", "\r", "\u007f", "\u0085",
            "=?utf-8?q?a=40evil.com?=", "evil.com", "@evil.com", "<x@evil.com>", ", x@evil.com", "(x@evil.com)",
            "\"y@evil.com\"", "\u00df", "\uff21", "\u3002", "\u200b", "\u202e", "\ud800", "xn--", "-", "EVIL.COM");

    private record Mutation(int kind, double where, int length, String piece) {
    }

    @Provide
    Arbitrary<String> anyString() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(120),
                Arbitraries.strings().withChars("\"()<>@,;:\\.[] \t\r\n\0abc=?").ofMaxLength(60),
                Arbitraries.strings().ascii().ofMaxLength(80));
    }

    @Provide
    Arbitrary<String> mutatedFrom() {
        Arbitrary<Mutation> mutation = Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(1, 4),
                Arbitraries.of(PIECES)).as(Mutation::new);
        return Combinators.combine(Arbitraries.of(SEEDS), mutation.list().ofMinSize(1).ofMaxSize(6))
                .as(FromHeaderParserFuzzTest::apply);
    }

    private static String apply(String seed, List<Mutation> mutations) {
        StringBuilder b = new StringBuilder(seed);
        for (Mutation m : mutations) {
            int at = (int) Math.round(m.where() * b.length());
            switch (m.kind()) {
                case 0 -> b.insert(at, m.piece());
                case 1 -> b.delete(at, Math.min(b.length(), at + m.length()));
                default -> b.replace(at, Math.min(b.length(), at + 1), m.piece());
            }
        }
        return b.toString();
    }

    @Provide
    Arbitrary<String> hostilePrefix() {
        return Arbitraries.of("good.com", "a@good.com", "\"", "(", ")", "<", ">", ",", ":", ";", "@", " ", "\\",
                "=?utf-8?q?", "?=", ".", "\r\n ", "\u0000", "GOOD.COM.", "[", "]")
                .list().ofMaxSize(8).map(l -> String.join("", l));
    }

    @Property(tries = 2000)
    void totalOnArbitraryInput(@ForAll("anyString") String value) {
        assertTotal(value);
    }

    @Property(tries = 2000)
    void totalOnMutatedValidValues(@ForAll("mutatedFrom") String value) {
        assertTotal(value);
    }

    private static void assertTotal(String value) {
        assertThat(FromHeaderParser.authorDomain(List.of(value))).isNotNull();
        assertThat(FromHeaderParser.authorDomain(List.of(value, value))).isNotNull();
        assertThat(FromHeaderParser.authorDomainFromHeader("From:" + value + "\r\n\r\n")).isNotNull();
        assertThat(FromHeaderParser.authorDomainFromHeader(value)).isNotNull();
    }

    @Property(tries = 3000)
    void singleDomainAlwaysAppearsInTheInput(@ForAll("mutatedFrom") String value) {
        assertDomainsAppearIn(value, FromHeaderParser.authorDomain(List.of(value)));
    }

    @Property(tries = 1000)
    void singleDomainAlwaysAppearsInArbitraryInput(@ForAll("anyString") String value) {
        assertDomainsAppearIn(value, FromHeaderParser.authorDomain(List.of(value)));
    }

    private static void assertDomainsAppearIn(String value, AuthorDomainResult r) {
        String haystack = value.toLowerCase(Locale.ROOT);
        List<String> domains = r instanceof AuthorDomainResult.MultipleDomains m
                ? m.domains().stream().map(DomainName::name).toList()
                : r.uniqueDomain().map(DomainName::name).map(List::of).orElse(List.of());
        for (String d : domains) {
            // Written with A-labels, U-labels, or both mixed ("bücher.xn--exmple"): each label appears in one form.
            boolean mixed = Arrays.stream(d.split("\\.")).allMatch(l -> haystack.contains(l)
                    || haystack.contains(IDN.toUnicode(l, 0)));
            assertThat(haystack.contains(d) || haystack.contains(IDN.toUnicode(d, 0)) || mixed)
                    .as("domain %s of %s must appear in %s", d, r, value)
                    .isTrue();
        }
    }

    /** A display-name-side prefix, however hostile, can never make the real address's domain disappear. */
    @Property(tries = 3000)
    void prefixCannotReplaceTheAuthorDomain(@ForAll("hostilePrefix") String prefix) {
        AuthorDomainResult r = FromHeaderParser.authorDomain(List.of(prefix + "<x@evil.com>"));
        assertThat(r.uniqueDomain().map(DomainName::name).orElse("evil.com")).isEqualTo("evil.com");
        if (r instanceof AuthorDomainResult.MultipleDomains m) {
            assertThat(m.domains()).contains(DomainName.of("evil.com"));
        }
    }

    /** RFC 5322 §2.2.3: folding before any whitespace does not change the meaning. */
    @Property(tries = 2000)
    void foldingIsTransparent(@ForAll("mutatedFrom") String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            return;
        }
        String folded = value.replace(" ", "\r\n ").replace("\t", "\n\t");
        AuthorDomainResult plain = FromHeaderParser.authorDomain(List.of(value));
        AuthorDomainResult afterFolding = FromHeaderParser.authorDomain(List.of(folded));
        if (plain instanceof AuthorDomainResult.Malformed) {
            assertThat(afterFolding).isInstanceOf(AuthorDomainResult.Malformed.class);
        } else {
            assertThat(afterFolding).isEqualTo(plain);
        }
    }

    /** The header-section scanner hands the field body over unchanged. */
    @Property(tries = 2000)
    void headerSectionAgreesWithFieldList(@ForAll("mutatedFrom") String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            return;
        }
        String header = "Subject: x\r\nfrom:" + value + "\r\nTo: y@z.com\r\n\r\nFrom: b@evil.com\r\n";
        assertThat(FromHeaderParser.authorDomainFromHeader(header))
                .isEqualTo(FromHeaderParser.authorDomain(List.of(value)));
    }
}
