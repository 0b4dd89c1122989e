package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

import org.jamesdmarc.dns.IdnaRules.DerivedProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdnaRulesTest {

    /** The rule as DomainName applies it: the written name and what java.net.IDN makes of it. */
    private static Optional<String> violation(String written) {
        return IdnaRules.violation(written, IDN.toASCII(written, 0).toLowerCase(Locale.ROOT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "b\u00fccher.example", "xn--bcher-kva.example", "\u0441\u0430\u0439\u0442.example",
        "\u4f8b\u3048.example", "col\u00b7legi.cat", "\u03b1\u0375\u03b2.example", "\u05d0\u05f3.example",
        "\u30a2\u30fb\u30a2.example", "\u0645\u062b\u0627\u0644.example", "\u05e7\u05d5\u05e9\u05d8.example", "\u0131z.example"})
    void idna2008NamesPass(String name) {
        assertThat(violation(name)).isEmpty();
        assertThat(DomainName.parse(name)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "reject\u17b4.test", "\u115freject.test", "reject.t\u1160est", "re\u3164ject.test", "re\uffa0ject.test",
        "re\u034fject.test", "reject\ufe0f.test", "reject\u2064.test", "reject\udb40\udc41.test", // Default_Ignorable
        "reject\u200d.test",            // CONTEXTJ, invisible: refused outright
        "\u2603.test",                  // a symbol: IDNA2003 accepts it, IDNA2008 does not
        "a\u00b7b.test",                // MIDDLE DOT not between two 'l'
        "\u0375a.test",                 // KERAIA not before Greek
        "a\u05f3.test",                 // GERESH not after Hebrew
        "a\u30fbb.test",                // KATAKANA MIDDLE DOT without Hiragana, Katakana or Han
        "\u0627\u0661\u06f1.test",      // Arabic-Indic and extended Arabic-Indic digits mixed
        "a\u05d0.test",                 // left-to-right and right-to-left in one label (RFC 5893)
        "\u05d0.1test",                 // a label starting with a digit in a Bidi domain name
        "xn--good-yiy.test",            // the A-label of "good" + U+17B4
        "xn--zzzzzzzzz.test",           // not Punycode
    })
    void namesClientsShowDifferentlyOrIdna2008DisallowsAreRefused(String name) {
        boolean idnaFails;
        try {
            IDN.toASCII(name, 0);
            idnaFails = false;
        } catch (IllegalArgumentException e) {
            idnaFails = true;
        }
        if (!idnaFails) {
            assertThat(violation(name)).isPresent();
        }
        assertThat(DomainName.parse(name)).isEmpty();
    }

    @Test
    void derivedPropertiesFollowRfc5892() {
        assertThat(IdnaRules.derivedProperty('a')).isEqualTo(DerivedProperty.PVALID);
        assertThat(IdnaRules.derivedProperty('-')).isEqualTo(DerivedProperty.PVALID);
        assertThat(IdnaRules.derivedProperty('A')).isEqualTo(DerivedProperty.DISALLOWED);       // unstable: upper case
        assertThat(IdnaRules.derivedProperty(0xFF41)).isEqualTo(DerivedProperty.DISALLOWED);    // unstable: fullwidth
        assertThat(IdnaRules.derivedProperty(0x00DF)).isEqualTo(DerivedProperty.PVALID);        // exception
        assertThat(IdnaRules.derivedProperty(0x03C2)).isEqualTo(DerivedProperty.PVALID);        // exception
        assertThat(IdnaRules.derivedProperty(0x0640)).isEqualTo(DerivedProperty.DISALLOWED);    // exception
        assertThat(IdnaRules.derivedProperty(0x00B7)).isEqualTo(DerivedProperty.CONTEXTO);
        assertThat(IdnaRules.derivedProperty(0x0663)).isEqualTo(DerivedProperty.CONTEXTO);
        assertThat(IdnaRules.derivedProperty(0x200C)).isEqualTo(DerivedProperty.CONTEXTJ);
        assertThat(IdnaRules.derivedProperty(0x17B4)).isEqualTo(DerivedProperty.DISALLOWED);    // Default_Ignorable
        assertThat(IdnaRules.derivedProperty(0x1100)).isEqualTo(DerivedProperty.DISALLOWED);    // old Hangul jamo
        assertThat(IdnaRules.derivedProperty(0x20D0)).isEqualTo(DerivedProperty.DISALLOWED);    // ignorable block
        assertThat(IdnaRules.derivedProperty(0x0131)).isEqualTo(DerivedProperty.PVALID);        // no case folding
        assertThat(IdnaRules.derivedProperty(0xAB70)).isEqualTo(DerivedProperty.DISALLOWED);    // folds to U+13A0
        assertThat(IdnaRules.derivedProperty(0x0378)).isEqualTo(DerivedProperty.UNASSIGNED);
        assertThat(IdnaRules.derivedProperty(0xFDD0)).isEqualTo(DerivedProperty.DISALLOWED);    // noncharacter
    }

    @Test
    void defaultIgnorableCodePoints() {
        for (int cp : new int[] {0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B, 0x200F,
            0x202E, 0x2060, 0x206F, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFFA0, 0xFFF0, 0x1BCA0, 0x1D173, 0xE0001, 0xE0100}) {
            assertThat(IdnaRules.isDefaultIgnorable(cp)).as("U+%04X", cp).isTrue();
        }
        for (int cp : new int[] {'a', 0x00A0, 0x1161, 0x17B6, 0x2010, 0x3165, 0xFFA1}) {
            assertThat(IdnaRules.isDefaultIgnorable(cp)).as("U+%04X", cp).isFalse();
        }
    }
}
