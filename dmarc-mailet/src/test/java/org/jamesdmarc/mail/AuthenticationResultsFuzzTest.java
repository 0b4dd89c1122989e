package org.jamesdmarc.mail;

import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.TrustedAuthResults;
import org.jamesdmarc.auth.TrustedAuthResultsExtractor;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.jamesdmarc.dns.DomainName;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random and mutated Authentication-Results values: parsing and trusted extraction never throw. */
class AuthenticationResultsFuzzTest {

    private static final List<String> SEEDS = List.of(
            "mx.example.org; spf=pass smtp.mailfrom=bounce@example.net; dkim=pass header.d=example.com header.s=s1",
            "mx.example.org 1; none",
            "foo.example.net (foobar) 1 (baz); dkim (Because I like it) / 1 (One yay) = (wait for it) fail"
                    + " policy (A dot can go here) . (like that) expired (this surprised me) = (as I wasn't expecting it) 1362471462",
            "mx.example.org; dkim=fail reason=\"bad \\\"sig\\\"\" header.d=example.net header.b=\"abc=\"",
            "mx.example.org; dmarc=fail (p=reject dis=reject) header.from=example.com",
            "mx.example.org; spf=pass smtp.mailfrom=\"john doe\"@example.net smtp.helo=mta.example.net",
            "mx.example.org; dkim=pass header.d=example.net(.example.com header.s=sel");

    private static final TrustedAuthResultsExtractor EXTRACTOR =
            new TrustedAuthResultsExtractor(List.of("mx.example.org", "foo.example.net"));
    private static final OwnAuthResultsRemover REMOVER = new OwnAuthResultsRemover("mx.example.org");

    @Property(tries = 2000)
    void randomValuesNeverThrow(@ForAll("noise") String value) {
        check(value);
    }

    @Property(tries = 2000)
    void mutatedValuesNeverThrow(@ForAll("mutated") String value) {
        check(value);
    }

    private static void check(String value) {
        AuthResParseResult r = AuthenticationResultsParser.parse(value);
        assertThat(r).isNotNull();
        AuthenticationResultsParser.authservId(value);
        REMOVER.claimsOurId(value);
        TrustedAuthResults t = EXTRACTOR.extract(List.of(new HeaderField("Authentication-Results", value)));
        // Whatever got through is a valid, normalised domain name: no comment, quote or NUL fragments.
        t.dkim().forEach(d -> assertThat(d.domain()).isPresent()
                .hasValueSatisfying(n -> assertThat(DomainName.parse(n.name())).contains(n)));
        t.spf().flatMap(SpfOutcome::domain)
                .ifPresent(n -> assertThat(DomainName.parse(n.name())).contains(n));
        if (r instanceof AuthResParseResult.Invalid) {
            assertThat(t.dkim()).isEmpty();
            assertThat(t.spf()).isEmpty();
        }
    }

    @Provide
    Arbitrary<String> noise() {
        Arbitrary<String> atoms = Arbitraries.of(";", "(", ")", "\"", "\\", "=", ".", "/", "@", " ", "\t", "\r\n ",
                "\n", "\0", "spf", "dkim", "pass", "none", "reason", "smtp", "mailfrom", "header", "d", "s",
                "mx.example.org", "example.com", "1", "é", "\u0085");
        return atoms.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<String> seed = Arbitraries.of(SEEDS);
        Arbitrary<List<int[]>> edits = Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 400),
                Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 11))
                .as((op, at, len, ch) -> new int[] {op, at, len, ch}).list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(seed, edits).as(AuthenticationResultsFuzzTest::mutate);
    }

    private static String mutate(String seed, List<int[]> edits) {
        String special = ";()\"\\=.@ \0\t";
        StringBuilder b = new StringBuilder(seed);
        for (int[] e : edits) {
            int at = b.length() == 0 ? 0 : e[1] % (b.length() + 1);
            char c = special.charAt(e[3] % special.length());
            switch (e[0]) {
                case 0 -> b.insert(at, c);
                case 1 -> b.delete(at, Math.min(b.length(), at + e[2]));
                case 2 -> b.insert(at, b.substring(at, Math.min(b.length(), at + e[2])));
                default -> {
                    if (at < b.length()) {
                        b.setCharAt(at, c);
                    }
                }
            }
        }
        return b.toString();
    }
}
