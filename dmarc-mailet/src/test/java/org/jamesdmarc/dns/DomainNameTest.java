package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DomainNameTest {

    private static Optional<String> parsed(String text) {
        return DomainName.parse(text).map(DomainName::name);
    }

    @Nested
    class Creation {

        @Test
        void canonicalFormIsLowerCaseWithoutRootDotOrSurroundingSpace() {
            assertThat(parsed("Mail.Example.COM")).contains("mail.example.com");
            assertThat(parsed("example.com.")).contains("example.com");
            assertThat(parsed("  example.com \t")).contains("example.com");
            assertThat(DomainName.of("EXAMPLE.com.").toString()).isEqualTo("example.com");
        }

        @Test
        void aSingleLabelOnlyWhenAllowed() {
            assertThat(DomainName.parse("localhost")).isEmpty();
            assertThat(DomainName.parse("localhost", false)).isEmpty();
            assertThat(DomainName.parse("LocalHost.", true).map(DomainName::name)).contains("localhost");
            assertThat(DomainName.of("com").labelCount()).isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", ".", "..", "a..b", ".example.com", "example.com..", "exa mple.com",
            "good.com(.evil.com", "a;dkim=pass", "\"quoted\".com", "nul\0.com", "under_score.com", "-lead.com",
            "trail-.com", "ex*mple.com", "[192.0.2.1]", "a@b.com", "back\\slash.com"})
        void textThatIsNotAHostNameGivesNothing(String text) {
            assertThat(DomainName.parse(text)).isEmpty();
            assertThat(DomainName.parse(text, true)).isEmpty();
        }

        @Test
        void nullGivesNothing() {
            assertThat(DomainName.parse(null)).isEmpty();
            assertThat(DomainName.parse(null, true)).isEmpty();
        }

        @Test
        void labelsOfAtMost63OctetsAndNamesOfAtMost253() {
            String label63 = "a".repeat(63);
            assertThat(parsed(label63 + ".com")).contains(label63 + ".com");
            assertThat(parsed("a".repeat(64) + ".com")).isEmpty();
            // 4 x 63 + 1 = 253 characters with the dots
            String longest = String.join(".", label63, label63, label63, "b".repeat(61));
            assertThat(longest).hasSize(253);
            assertThat(parsed(longest)).contains(longest);
            assertThat(parsed(longest + ".")).contains(longest);
            assertThat(parsed("c" + longest)).isEmpty();
            assertThat(parsed("x.".repeat(600) + "com")).isEmpty();
        }

        @Test
        void digitsAndInnerHyphensAreLdh() {
            assertThat(parsed("1-2.3com.example")).contains("1-2.3com.example");
            assertThat(parsed("xn--bcher-kva.example")).contains("xn--bcher-kva.example");
        }

        @Test
        void ofRefusesInvalidText() {
            assertThatThrownBy(() -> DomainName.of("exa mple.com")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("exa mple.com");
            assertThatThrownBy(() -> DomainName.of(null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Idn {

        @Test
        void uLabelsBecomeALabels() {
            assertThat(parsed("bücher.example")).contains("xn--bcher-kva.example");
            assertThat(parsed("BÜCHER.example")).contains("xn--bcher-kva.example");
            assertThat(parsed("例子.广告")).contains("xn--fsqu00a.xn--4rr70v");
        }

        @Test
        void aLabelsAndULabelsAreTheSameName() {
            assertThat(DomainName.of("bücher.example")).isEqualTo(DomainName.of("XN--BCHER-KVA.example"));
        }

        @Test
        void ideographicFullStopSeparatesLabels() {
            assertThat(parsed("example\u3002com")).contains("example.com");
        }

        @Test
        void textIdnaCannotEncodeGivesNothing() {
            // an unpaired surrogate and a label whose A-label would exceed 63 octets
            assertThat(DomainName.parse("a\ud800b.example")).isEmpty();
            assertThat(DomainName.parse("ü".repeat(60) + ".example")).isEmpty();
        }
    }

    @Nested
    class Labels {

        private final DomainName name = DomainName.of("a.b.Example.com");

        @Test
        void labelsAreSplitOnceLeftMostFirst() {
            assertThat(name.labels()).containsExactly("a", "b", "example", "com");
            assertThat(name.labelCount()).isEqualTo(4);
            assertThat(name.topLevelLabel()).isEqualTo("com");
            assertThatThrownBy(() -> name.labels().add("x")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void parentDropsTheLeftMostLabelUpToTheTopLevel() {
            assertThat(name.parent().map(DomainName::name)).contains("b.example.com");
            DomainName tld = DomainName.of("com");
            assertThat(DomainName.of("example.com").parent()).contains(tld);
            assertThat(tld.parent()).isEmpty();
            assertThat(tld.parent()).isEmpty();
            assertThat(name.parent().orElseThrow().labels()).containsExactly("b", "example", "com");
        }

        @Test
        void lastLabelsKeepsTheRightMostLabels() {
            assertThat(name.lastLabels(1)).isEqualTo(DomainName.of("com"));
            assertThat(name.lastLabels(2)).isEqualTo(DomainName.of("example.com"));
            assertThat(name.lastLabels(3).labels()).containsExactly("b", "example", "com");
            assertThat(name.lastLabels(3).name()).isEqualTo("b.example.com");
            assertThat(name.lastLabels(4)).isSameAs(name);
            assertThat(name.lastLabels(9)).isSameAs(name);
            assertThatThrownBy(() -> name.lastLabels(0)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void derivedNamesEqualParsedOnes() {
            DomainName derived = DomainName.of("x.mail.example.com").lastLabels(3);
            DomainName parsed = DomainName.of("mail.example.com");
            assertThat(derived).isEqualTo(parsed).hasSameHashCodeAs(parsed);
            assertThat(derived.labels()).isEqualTo(parsed.labels());
        }
    }

    @Nested
    class Hierarchy {

        private final DomainName example = DomainName.of("example.com");

        @Test
        void subdomainIsStrictlyBelow() {
            assertThat(DomainName.of("mail.example.com").isSubdomainOf(example)).isTrue();
            assertThat(DomainName.of("a.b.example.com").isSubdomainOf(example)).isTrue();
            assertThat(example.isSubdomainOf(example)).isFalse();
            assertThat(example.isSubdomainOf(DomainName.of("mail.example.com"))).isFalse();
            assertThat(example.isSubdomainOf(DomainName.of("com"))).isTrue();
        }

        @Test
        void aSharedSuffixIsNotALabelBoundary() {
            assertThat(DomainName.of("badexample.com").isSubdomainOf(example)).isFalse();
            assertThat(DomainName.of("badexample.com").isAtOrBelow(example)).isFalse();
            assertThat(DomainName.of("xcom").isAtOrBelow(DomainName.of("com"))).isFalse();
        }

        @Test
        void atOrBelowIncludesTheNameItself() {
            assertThat(example.isAtOrBelow(example)).isTrue();
            assertThat(DomainName.of("mail.example.com").isAtOrBelow(example)).isTrue();
            assertThat(example.isAtOrBelow(DomainName.of("mail.example.com"))).isFalse();
            assertThat(DomainName.of("example.net").isAtOrBelow(example)).isFalse();
        }
    }

    @Nested
    class Equality {

        @Test
        void equalityIsOnTheCanonicalText() {
            assertThat(DomainName.of("Example.COM.")).isEqualTo(DomainName.of("example.com"))
                    .hasSameHashCodeAs(DomainName.of("example.com"));
            assertThat(DomainName.of("example.com")).isNotEqualTo(DomainName.of("example.net"))
                    .isNotEqualTo("example.com");
        }

        @Test
        void orderIsThatOfTheText() {
            List<DomainName> sorted = List.of(DomainName.of("b.example"), DomainName.of("a.example"),
                    DomainName.of("A.example.")).stream().sorted().toList();
            assertThat(sorted).extracting(DomainName::name).containsExactly("a.example", "a.example", "b.example");
        }
    }

    @Provide
    Arbitrary<String> hostNames() {
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .numeric().ofMinLength(1).ofMaxLength(20);
        return label.list().ofMinSize(2).ofMaxSize(6).map(l -> String.join(".", l));
    }

    @Property(tries = 300)
    void parsingTheCanonicalTextGivesTheSameName(@ForAll("hostNames") String text) {
        DomainName d = DomainName.parse(text).orElseThrow();
        assertThat(DomainName.parse(d.name())).contains(d);
        assertThat(d.name()).isEqualTo(String.join(".", d.labels()));
        assertThat(d.name()).isLowerCase();
        for (int n = 1; n <= d.labelCount(); n++) {
            assertThat(d.isAtOrBelow(d.lastLabels(n))).isTrue();
            assertThat(d.isSubdomainOf(d.lastLabels(n))).isEqualTo(n < d.labelCount());
        }
    }
}
