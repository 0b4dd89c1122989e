package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property: whatever options the generator accepts, its record re-parses (Parsed) with no warnings. */
class RecordGeneratorPropertyTest {

    @Property(tries = 500)
    void generatedRecordReparsesCleanly(@ForAll("requests") RecordGenerator.Request request) {
        RecordGenerator.Result result = RecordGenerator.generate(request);
        assertThat(result).isInstanceOf(RecordGenerator.Result.Generated.class);
        RecordGenerator.Result.Generated g = (RecordGenerator.Result.Generated) result;
        assertThat(RecordParser.select(List.of("v=spf1 -all", g.recordText()))).isInstanceOf(RecordSelection.Selected.class);
        assertThat(RecordParser.parse(g.recordText())).isInstanceOfSatisfying(RecordParseResult.Parsed.class, v -> {
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record()).usingRecursiveComparison().ignoringFields("tags").isEqualTo(g.record());
        });
    }

    @Property(tries = 500)
    void generatorNeverThrows(@ForAll("anyWords") String p, @ForAll("anyWords") String sp,
            @ForAll("anyWords") String fo, @ForAll("anyWords") String uri, @ForAll("anyWords") String domain) {
        RecordGenerator.Result result = RecordGenerator.generate(RecordGenerator.Request.builder(domain, p)
                .sp(sp).fo(fo).rua(uri).ruf(uri).build());
        if (result instanceof RecordGenerator.Result.Generated g) {
            assertThat(RecordParser.parse(g.recordText())).isInstanceOfSatisfying(RecordParseResult.Parsed.class,
                    v -> assertThat(v.warnings()).isEmpty());
        }
    }

    @Provide
    Arbitrary<String> anyWords() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20),
                Arbitraries.of("none", "REJECT", "0:d", "1", "0:1", "mailto:a@example.com", "example.com", "d:s:1"));
    }

    @Provide
    Arbitrary<RecordGenerator.Request> requests() {
        Arbitrary<String> policy = Arbitraries.of("none", "quarantine", "reject", "NONE", "Reject");
        Arbitrary<Optional<String>> optPolicy = policy.optional();
        Arbitrary<Optional<String>> psd = Arbitraries.of("y", "n", "u").optional();
        Arbitrary<Optional<String>> yn = Arbitraries.of("y", "n").optional();
        Arbitrary<Optional<String>> rs = Arbitraries.of("r", "s", "R", "S").optional();
        Arbitrary<String> local = Arbitraries.strings().withChars("abcxyz019-._+").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> mailto = local.map(l -> "mailto:" + l + "@reports.example.org");
        Arbitrary<List<String>> uris = mailto.list().ofMaxSize(3);
        Arbitrary<Optional<String>> fo = Arbitraries.of("0", "1", "d", "s", "0:d", "d:s", "1:d:s", "s:0").optional();
        Arbitrary<String> domain = Arbitraries.of("example.com", "Mail.Example.ORG.", "xn--bcher-kva.example");
        return Arbitraries.lazy(() -> net.jqwik.api.Combinators
                .combine(domain, policy, optPolicy, optPolicy, psd, yn, rs, rs)
                .as((d, p, sp, np, ps, t, adkim, aspf) -> new Object[] {d, p, sp, np, ps, t, adkim, aspf})
                .flatMap(a -> net.jqwik.api.Combinators.combine(uris, uris, fo).as((rua, ruf, f) ->
                        new RecordGenerator.Request((String) a[0], (String) a[1], opt(a[2]), opt(a[3]), opt(a[4]),
                                opt(a[5]), opt(a[6]), opt(a[7]), rua, ruf, ruf.isEmpty() ? Optional.empty() : f))));
    }

    @SuppressWarnings("unchecked")
    private static Optional<String> opt(Object o) {
        return (Optional<String>) o;
    }
}
