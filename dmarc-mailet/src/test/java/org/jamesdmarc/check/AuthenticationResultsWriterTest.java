package org.jamesdmarc.check;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.auth.TrustedAuthResults;
import org.jamesdmarc.auth.TrustedAuthResultsExtractor;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.AuthResParseResult;
import org.jamesdmarc.mail.AuthenticationResults;
import org.jamesdmarc.mail.AuthenticationResultsParser;
import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.mail.MethodResult;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class AuthenticationResultsWriterTest {

    private final AuthenticationResultsWriter writer = new AuthenticationResultsWriter("mx.example.org");

    @Test
    void writesTheDocumentedShape() {
        String v = writer.value(DmarcSummary.of(DmarcResult.FAIL, Policy.REJECT, Disposition.QUARANTINE, DomainName.of("Example.COM")),
                Optional.of(new SpfOutcome(SpfResult.SOFTFAIL, DomainName.of("bounce.example.com"), SpfScope.MFROM)),
                List.of(new DkimOutcome(DkimResult.PASS, DomainName.of("example.com"), "s1", ""),
                        new DkimOutcome(DkimResult.FAIL, DomainName.of("example.net"), "s2", "body hash mismatch")));
        assertThat(v).isEqualTo("mx.example.org; dmarc=fail (p=reject dis=quarantine) header.from=example.com; "
                + "spf=softfail smtp.mailfrom=bounce.example.com; dkim=pass header.d=example.com header.s=s1; "
                + "dkim=fail reason=\"body hash mismatch\" header.d=example.net header.s=s2");
    }

    @Test
    void heloScopeAndNoPolicy() {
        String v = writer.value(new DmarcSummary(DmarcResult.NONE, Optional.empty(), Optional.empty(), Optional.of(DomainName.of("example.com")),
                        Optional.of("no policy published")),
                Optional.of(new SpfOutcome(SpfResult.PASS, DomainName.of("mta.example.net"), SpfScope.HELO)), List.of());
        assertThat(v).isEqualTo("mx.example.org; dmarc=none reason=\"no policy published\" header.from=example.com; "
                + "spf=pass smtp.helo=mta.example.net");
    }

    @Test
    void invalidDomainsAreLeftOutNotWritten() {
        // Text that is not a domain name gives no DomainName, so there is nothing to write.
        String v = writer.value(new DmarcSummary(DmarcResult.PERMERROR, Optional.of(Policy.NONE),
                        Optional.of(Disposition.NONE), DomainName.parse("good.com(.evil.com"), Optional.empty()),
                Optional.of(new SpfOutcome(SpfResult.NONE, Optional.empty(), SpfScope.MFROM)),
                List.of(new DkimOutcome(DkimResult.PERMERROR, DomainName.parse("a;dkim=pass"), "s", "")));
        assertThat(v).isEqualTo("mx.example.org; dmarc=permerror (p=none dis=none); spf=none; dkim=permerror header.s=s");
    }

    @Test
    void oddSelectorAndReasonAreQuotedAndSanitised() {
        String v = writer.value(DmarcSummary.of(DmarcResult.PASS, Policy.NONE, Disposition.NONE, DomainName.of("example.com")), Optional.empty(),
                List.of(new DkimOutcome(DkimResult.FAIL, DomainName.of("example.com"), "s;1 \"x\"", "line1\r\nX-Evil: yes\u00e9\0")));
        assertThat(v).doesNotContain("\r").doesNotContain("\n").doesNotContain("\0");
        assertThat(v).contains("header.s=\"s;1 \\\"x\\\"\"").contains("reason=\"line1??X-Evil: yes??\"");
        MethodResult dkim = parsedResults(v).results().get(1);
        assertThat(dkim.single("header", "s").map(org.jamesdmarc.mail.Property::value)).contains("s;1 \"x\"");
        assertThat(dkim.reason()).contains("line1??X-Evil: yes??");
    }

    @Test
    void reasonIsCapped() {
        String v = writer.value(new DmarcSummary(DmarcResult.FAIL, Optional.empty(), Optional.empty(), Optional.of(DomainName.of("example.com")),
                Optional.of("r".repeat(1000))), Optional.empty(), List.of());
        assertThat(parsedResults(v).results().get(0).reason().orElseThrow())
                .hasSize(AuthenticationResultsWriter.MAX_REASON_LENGTH);
    }

    @Test
    void foldedValueParsesTheSame() {
        DmarcSummary d = DmarcSummary.of(DmarcResult.PASS, Policy.REJECT, Disposition.NONE, DomainName.of("example.com"));
        Optional<SpfOutcome> spf = Optional.of(new SpfOutcome(SpfResult.PASS, DomainName.of("example.com"), SpfScope.MFROM));
        List<DkimOutcome> dkim = List.of(new DkimOutcome(DkimResult.PASS, DomainName.of("example.com"), "s1", ""));
        String folded = writer.foldedValue(d, spf, dkim);
        assertThat(folded).contains(";\r\n\t");
        assertThat(parsedResults(folded)).isEqualTo(parsedResults(writer.value(d, spf, dkim)));
    }

    @Test
    void quotedAuthservIdWhenNotAToken() {
        String v = new AuthenticationResultsWriter("my server").value(
                DmarcSummary.of(DmarcResult.PASS, Policy.NONE, Disposition.NONE, DomainName.of("example.com")), Optional.empty(), List.of());
        assertThat(v).startsWith("\"my server\"; ");
        assertThat(parsedResults(v).authservId()).isEqualTo("my server");
    }

    @Test
    void badConstructionArgumentsAreProgrammingErrors() {
        assertThatThrownBy(() -> new AuthenticationResultsWriter(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthenticationResultsWriter("a\r\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The dmarc result, policy and disposition are enums: each value is written as a bare RFC 8601 keyword. */
    @Test
    void everyDmarcKeywordIsAToken() {
        for (DmarcResult r : DmarcResult.values()) {
            for (Policy p : Policy.values()) {
                for (Disposition d : Disposition.values()) {
                    String v = writer.value(DmarcSummary.of(r, p, d, DomainName.of("example.com")), Optional.empty(), List.of());
                    assertThat(v).isEqualTo("mx.example.org; dmarc=" + r.name().toLowerCase(java.util.Locale.ROOT)
                            + " (p=" + p.name().toLowerCase(java.util.Locale.ROOT)
                            + " dis=" + d.name().toLowerCase(java.util.Locale.ROOT) + ") header.from=example.com");
                    assertThat(parsedResults(v).results().get(0).result()).isEqualTo(r.keyword());
                }
            }
        }
    }

    @Test
    void fieldNameIsAuthenticationResults() {
        HeaderField f = writer.field(DmarcSummary.of(DmarcResult.PASS, Policy.NONE, Disposition.NONE, DomainName.of("example.com")),
                Optional.empty(), List.of());
        assertThat(f.name()).isEqualTo("Authentication-Results");
    }

    // ---- round trip: what the writer produces, the parser and extractor read back identically ----

    @Property(tries = 300)
    void roundTrip(@ForAll("dmarc") DmarcSummary dmarc, @ForAll("spf") Optional<SpfOutcome> spf,
            @ForAll("dkims") List<DkimOutcome> dkim) {
        for (String v : List.of(writer.value(dmarc, spf, dkim), writer.foldedValue(dmarc, spf, dkim))) {
            AuthenticationResults ar = parsedResults(v);
            assertThat(ar.authservId()).isEqualTo("mx.example.org");
            assertThat(ar.results()).hasSize(1 + (spf.isPresent() ? 1 : 0) + dkim.size());
            MethodResult dm = ar.results().get(0);
            assertThat(dm.method()).isEqualTo("dmarc");
            assertThat(dm.result()).isEqualTo(dmarc.result().keyword());
            assertThat(dm.reason()).isEqualTo(dmarc.reason().filter(r -> !r.isBlank()).map(String::strip));
            assertThat(dm.single("header", "from").map(org.jamesdmarc.mail.Property::value)).isEqualTo(dmarc.fromDomain().map(DomainName::name));

            TrustedAuthResults back = new TrustedAuthResultsExtractor(List.of("mx.example.org"))
                    .extractParsed(List.of(ar));
            assertThat(back.spf()).isEqualTo(spf);
            assertThat(back.dkim()).isEqualTo(dkim);
            assertThat(back.ignored()).isEmpty();
        }
    }

    @Provide
    Arbitrary<DmarcSummary> dmarc() {
        return Combinators.combine(Arbitraries.of(DmarcResult.class), Arbitraries.of(Policy.class).optional(),
                        Arbitraries.of(Disposition.class).optional(), domains().optional(), reasons().optional())
                .as(DmarcSummary::new);
    }

    @Provide
    Arbitrary<Optional<SpfOutcome>> spf() {
        return Combinators.combine(Arbitraries.of(SpfResult.class), domains(), Arbitraries.of(SpfScope.class))
                .as(SpfOutcome::new).optional();
    }

    @Provide
    Arbitrary<List<DkimOutcome>> dkims() {
        Arbitrary<String> selector = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '.', '_')
                .ofMinLength(0).ofMaxLength(20);
        return Combinators.combine(Arbitraries.of(DkimResult.class), domains(), selector, reasons().injectNull(0.3))
                .as((r, d, s, reason) -> new DkimOutcome(r, d, s, reason == null ? "" : reason))
                .list().ofMaxSize(5);
    }

    /** Host names of two to four labels. */
    static Arbitrary<DomainName> domains() {
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(12);
        return label.list().ofMinSize(2).ofMaxSize(4).map(l -> DomainName.of(String.join(".", l)));
    }

    /** Printable ASCII reasons (the writer replaces anything else), stripped, with quotes and parentheses. */
    static Arbitrary<String> reasons() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(40)
                .map(String::strip).filter(s -> !s.isEmpty());
    }

    static AuthenticationResults parsedResults(String v) {
        AuthResParseResult r = AuthenticationResultsParser.parse(v);
        assertThat(r).as("parse of %s", v).isInstanceOf(AuthResParseResult.Parsed.class);
        return ((AuthResParseResult.Parsed) r).results();
    }
}
