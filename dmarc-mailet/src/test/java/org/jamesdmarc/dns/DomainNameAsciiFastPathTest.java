package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link DomainName#parse} skips java.net.IDN for all-ASCII text (issue 9: per-message CPU); it must accept and
 * refuse exactly what the IDN path did, with the same canonical name.
 */
class DomainNameAsciiFastPathTest {

    /** The parse before the fast path: always through {@code IDN.toASCII(s, 0)}. */
    private static Optional<String> throughIdn(String text, boolean allowSingleLabel) {
        String s = text.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > 1024) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(s, 0).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ascii.length() > DomainName.MAX_LENGTH) {
            return Optional.empty();
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2 && !allowSingleLabel) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
                    || !label.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return Optional.empty();
            }
        }
        if (IdnaRules.violation(s, ascii).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(ascii);
    }

    private static void assertSame(String text) {
        for (boolean single : new boolean[] {false, true}) {
            assertThat(DomainName.parse(text, single).map(DomainName::name))
                    .as("parse(%s, %s)", text.replace("\u0000", "\\0"), single)
                    .isEqualTo(throughIdn(text, single));
        }
    }

    @Test
    void edgeCasesAreJudgedAsThroughIdn() {
        List<String> cases = List.of("example.com", "Example.COM.", "a..b", ".a.b", "a.b..", "com", "-a.com", "a-.com",
                "xn--bcher-kva.example", "XN--BCHER-KVA.example", "xn--a.com", "xn--.com", "a_b.com", "a b.com",
                " example.com ", "a." + "b".repeat(63) + ".com", "a." + "b".repeat(64) + ".com",
                ("abcdefghi" + ".").repeat(26) + "com", ("abcdefghi" + ".").repeat(25) + "com", "\t", ".", "..",
                "a.b.c.d.e.f", "1.2.3.4", "a\u007f.com", "a\u0000.com");
        cases.forEach(DomainNameAsciiFastPathTest::assertSame);
    }

    @Test
    void randomAsciiIsJudgedAsThroughIdn() {
        Random random = new Random(9);
        String alphabet = "abcXYZ019-._ \t@\u007fxn";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(i % 100 == 0 ? 300 : 20);
            for (int j = 0; j < n; j++) {
                s.append(random.nextInt(10) == 0 ? (char) random.nextInt(0x80) : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertSame(s.toString());
        }
    }
}
