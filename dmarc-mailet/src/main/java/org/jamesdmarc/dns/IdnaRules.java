package org.jamesdmarc.dns;

import java.net.IDN;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The IDNA2008 rules (RFC 5890–5893) that {@link java.net.IDN} does not apply, for a domain name as written
 * and as {@code IDN.toASCII} turned it into lower-case A-labels. {@code java.net.IDN} implements IDNA2003
 * (RFC 3490, Unicode 3.2): it silently maps some invisible code points to nothing, keeps others (U+17B4,
 * U+115F, U+3164...), and accepts symbols and labels that IDNA2008 disallows. Mail clients show such names
 * differently (they drop what is invisible: {@code reject}, U+17B4, {@code .test} looks like {@code reject.test}), so a
 * name one reader shows as another must not become a domain at all (issue 8, class 4).
 *
 * <p>Refused: a name that holds a Default_Ignorable_Code_Point anywhere (Unicode DerivedCoreProperties; the
 * list is below, it is stable), and an A-label ({@code xn--}, written or made from a U-label) that is not an
 * IDNA2008 A-label: it must decode, round-trip, hold a non-ASCII code point, and its U-label must be NFC, not
 * start with a combining mark nor hold "--" in the third and fourth positions (RFC 5891 §4.2.3), consist of
 * code points whose RFC 5892 derived property is PVALID or CONTEXTO with its rule met (Appendix A); CONTEXTJ
 * (ZWNJ, ZWJ) is refused outright since both are invisible; and the whole name must meet the RFC 5893 Bidi
 * rule when any label holds right-to-left characters.
 *
 * <p>Implemented with the JDK's Unicode data ({@link Character}, {@link Normalizer}) rather than ICU4J's
 * UTS #46, which James 3.8.1 does not ship and which would add over 10 MB to the extension jar. The RFC 5892
 * derivation needs NFKC_Casefold, which the JDK lacks; it is approximated by NFKC and the full case mappings
 * (with the Cherokee small letters and U+0131, where case folding and "upper then lower" differ, handled by
 * name). Where the approximation errs it disallows more, never less: refusing a name makes DMARC unavailable
 * for it, accepting one that clients show as another is a spoof. Checked against the IDNA2008 tables of
 * Python's {@code idna} package for every code point the JDK 17 knows (Unicode 13): the same derived property
 * for all of them except the Cherokee capitals U+13A0–U+13F5, disallowed here (their simple lower case is
 * not their case folding).
 */
public final class IdnaRules {

    /** RFC 5892 §2: the derived property of a code point. */
    enum DerivedProperty { PVALID, CONTEXTJ, CONTEXTO, DISALLOWED, UNASSIGNED }

    private static final String ACE_PREFIX = "xn--";

    private IdnaRules() {
    }

    /**
     * Why the name {@code written} (as given, before IDNA), which {@code IDN.toASCII} made into {@code ascii}
     * (lower-case LDH labels separated by dots), must not become a domain name; empty when it may.
     */
    public static Optional<String> violation(String written, String ascii) {
        if (isAscii(written) && !ascii.contains(ACE_PREFIX)) {
            return Optional.empty(); // LDH names, the common case: nothing IDNA-specific to check
        }
        Optional<Integer> invisible = written.codePoints().filter(IdnaRules::isDefaultIgnorable).boxed().findFirst();
        if (invisible.isPresent()) {
            return Optional.of(String.format("invisible code point U+%04X (Default_Ignorable)", invisible.get()));
        }
        String[] labels = ascii.split("\\.", -1);
        List<String> uLabels = new ArrayList<>(labels.length);
        for (String label : labels) {
            if (!label.startsWith(ACE_PREFIX)) {
                uLabels.add(label);
                continue;
            }
            String u = IDN.toUnicode(label, 0);
            if (u.equals(label) || u.chars().allMatch(c -> c < 0x80)
                    || !IDN.toASCII(u, 0).toLowerCase(Locale.ROOT).equals(label)) {
                return Optional.of("'" + label + "' is not an A-label");
            }
            Optional<String> v = uLabelViolation(u);
            if (v.isPresent()) {
                return Optional.of("'" + label + "': " + v.get());
            }
            uLabels.add(u);
        }
        return bidiViolation(uLabels);
    }

    /** RFC 5891 §4.2.3 and RFC 5892: why {@code u} is no IDNA2008 U-label; empty when it is one. */
    static Optional<String> uLabelViolation(String u) {
        if (!Normalizer.isNormalized(u, Normalizer.Form.NFC)) {
            return Optional.of("not in NFC");
        }
        if (u.startsWith("-") || u.endsWith("-") || u.length() >= 4 && u.charAt(2) == '-' && u.charAt(3) == '-') {
            return Optional.of("hyphen in a reserved position");
        }
        int[] cps = u.codePoints().toArray();
        if (isMark(cps[0])) {
            return Optional.of("starts with a combining mark");
        }
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            DerivedProperty p = derivedProperty(cp);
            boolean ok = p == DerivedProperty.PVALID || p == DerivedProperty.CONTEXTO && contextORuleMet(cps, i);
            if (!ok) {
                return Optional.of(String.format("U+%04X is %s in IDNA2008", cp, p));
            }
        }
        return Optional.empty();
    }

    /** RFC 5892 §3: the derived property, rules in the RFC's order. */
    static DerivedProperty derivedProperty(int cp) {
        Optional<DerivedProperty> exception = exception(cp);
        if (exception.isPresent()) {
            return exception.get(); // F; G (BackwardCompatible) is empty
        }
        if (Character.getType(cp) == Character.UNASSIGNED && !isNoncharacter(cp)) {
            return DerivedProperty.UNASSIGNED; // J
        }
        if (cp >= 'a' && cp <= 'z' || cp >= '0' && cp <= '9' || cp == '-') {
            return DerivedProperty.PVALID; // K
        }
        if (cp == 0x200C || cp == 0x200D) {
            return DerivedProperty.CONTEXTJ; // H
        }
        if (isUnstable(cp) || isDefaultIgnorable(cp) || isWhiteSpace(cp) || isNoncharacter(cp)
                || isIgnorableBlock(cp) || isOldHangulJamo(cp)) {
            return DerivedProperty.DISALLOWED; // B, C, D, I
        }
        return switch (Character.getType(cp)) {
            case Character.LOWERCASE_LETTER, Character.UPPERCASE_LETTER, Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER, Character.MODIFIER_LETTER, Character.NON_SPACING_MARK,
                    Character.COMBINING_SPACING_MARK -> DerivedProperty.PVALID; // A
            default -> DerivedProperty.DISALLOWED;
        };
    }

    /** RFC 5892 §2.6 Exceptions. */
    private static Optional<DerivedProperty> exception(int cp) {
        return switch (cp) {
            case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007 -> Optional.of(DerivedProperty.PVALID);
            case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB -> Optional.of(DerivedProperty.CONTEXTO);
            case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B ->
                    Optional.of(DerivedProperty.DISALLOWED);
            default -> cp >= 0x0660 && cp <= 0x0669 || cp >= 0x06F0 && cp <= 0x06F9
                    ? Optional.of(DerivedProperty.CONTEXTO) : Optional.empty();
        };
    }

    /**
     * RFC 5892 §2.2 Unstable: NFKC_Casefold(NFC(cp)) != cp, approximated (see the class comment) by NFKC, the
     * simple lower-case mapping and the full upper-then-lower mapping in NFC; Cherokee small letters fold to
     * capitals.
     */
    private static boolean isUnstable(int cp) {
        String s = Character.toString(cp);
        if (!Normalizer.normalize(s, Normalizer.Form.NFKC).equals(s) || Character.toLowerCase(cp) != cp) {
            return true;
        }
        if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.CHEROKEE && Character.isLowerCase(cp)) {
            return true;
        }
        // U+0131 (dotless i) has no case folding; its upper case "I" lowers to "i".
        return cp != 0x0131 && !Normalizer.normalize(s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT),
                Normalizer.Form.NFC).equals(s);
    }

    /** RFC 5892 Appendix A, the CONTEXTO rules, for {@code cps[i]} in its label. */
    private static boolean contextORuleMet(int[] cps, int i) {
        int cp = cps[i];
        int before = i > 0 ? cps[i - 1] : -1;
        int after = i + 1 < cps.length ? cps[i + 1] : -1;
        if (cp == 0x00B7) {
            return before == 'l' && after == 'l'; // A.3 MIDDLE DOT
        }
        if (cp == 0x0375) {
            return after >= 0 && Character.UnicodeScript.of(after) == Character.UnicodeScript.GREEK; // A.4 KERAIA
        }
        if (cp == 0x05F3 || cp == 0x05F4) {
            return before >= 0 && Character.UnicodeScript.of(before) == Character.UnicodeScript.HEBREW; // A.5, A.6
        }
        if (cp == 0x30FB) {
            // A.7 KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han in the label
            for (int other : cps) {
                Character.UnicodeScript script = Character.UnicodeScript.of(other);
                if (other != 0x30FB && (script == Character.UnicodeScript.HIRAGANA
                        || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HAN)) {
                    return true;
                }
            }
            return false;
        }
        // A.8, A.9: Arabic-Indic digits and extended Arabic-Indic digits never mixed
        boolean extended = cp >= 0x06F0;
        for (int other : cps) {
            if (extended ? other >= 0x0660 && other <= 0x0669 : other >= 0x06F0 && other <= 0x06F9) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5893 §2: the Bidi rule, for every label of a name that holds an R, AL or AN character. */
    private static Optional<String> bidiViolation(List<String> labels) {
        boolean bidiDomain = labels.stream().flatMapToInt(String::codePoints).map(Character::getDirectionality)
                .anyMatch(d -> d == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                        || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC || d == Character.DIRECTIONALITY_ARABIC_NUMBER);
        if (!bidiDomain) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!meetsBidiRule(label)) {
                return Optional.of("label '" + label + "' breaks the Bidi rule (RFC 5893)");
            }
        }
        return Optional.empty();
    }

    private static boolean meetsBidiRule(String label) {
        int[] dirs = label.codePoints().map(Character::getDirectionality).toArray();
        if (dirs.length == 0) {
            return false;
        }
        int first = dirs[0];
        boolean rtl = first == Character.DIRECTIONALITY_RIGHT_TO_LEFT || first == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
        if (!rtl && first != Character.DIRECTIONALITY_LEFT_TO_RIGHT) {
            return false; // 1
        }
        boolean en = false;
        boolean an = false;
        int last = -1;
        for (int d : dirs) {
            boolean allowed = switch (d) {
                case Character.DIRECTIONALITY_EUROPEAN_NUMBER, Character.DIRECTIONALITY_EUROPEAN_NUMBER_SEPARATOR,
                        Character.DIRECTIONALITY_COMMON_NUMBER_SEPARATOR, Character.DIRECTIONALITY_EUROPEAN_NUMBER_TERMINATOR,
                        Character.DIRECTIONALITY_OTHER_NEUTRALS, Character.DIRECTIONALITY_BOUNDARY_NEUTRAL,
                        Character.DIRECTIONALITY_NONSPACING_MARK -> true;
                case Character.DIRECTIONALITY_RIGHT_TO_LEFT, Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC,
                        Character.DIRECTIONALITY_ARABIC_NUMBER -> rtl; // 2
                case Character.DIRECTIONALITY_LEFT_TO_RIGHT -> !rtl; // 5
                default -> false;
            };
            if (!allowed) {
                return false;
            }
            en |= d == Character.DIRECTIONALITY_EUROPEAN_NUMBER;
            an |= d == Character.DIRECTIONALITY_ARABIC_NUMBER;
            if (d != Character.DIRECTIONALITY_NONSPACING_MARK) {
                last = d;
            }
        }
        if (rtl) {
            // 3: ends with R, AL, EN or AN (then NSM); 4: not both EN and AN
            return (last == Character.DIRECTIONALITY_RIGHT_TO_LEFT || last == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC
                    || last == Character.DIRECTIONALITY_EUROPEAN_NUMBER || last == Character.DIRECTIONALITY_ARABIC_NUMBER)
                    && !(en && an);
        }
        // 6: ends with L or EN (then NSM)
        return last == Character.DIRECTIONALITY_LEFT_TO_RIGHT || last == Character.DIRECTIONALITY_EUROPEAN_NUMBER;
    }

    /**
     * Unicode Default_Ignorable_Code_Point (DerivedCoreProperties.txt): shown as nothing by clients. The set
     * has been stable for years; it includes the Hangul fillers, Khmer inherent vowels, variation selectors,
     * tags, zero-width and bidi-control characters.
     */
    public static boolean isDefaultIgnorable(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp >= 0x115F && cp <= 0x1160
                || cp >= 0x17B4 && cp <= 0x17B5 || cp >= 0x180B && cp <= 0x180F || cp >= 0x200B && cp <= 0x200F
                || cp >= 0x202A && cp <= 0x202E || cp >= 0x2060 && cp <= 0x206F || cp == 0x3164
                || cp >= 0xFE00 && cp <= 0xFE0F || cp == 0xFEFF || cp == 0xFFA0 || cp >= 0xFFF0 && cp <= 0xFFF8
                || cp >= 0x1BCA0 && cp <= 0x1BCA3 || cp >= 0x1D173 && cp <= 0x1D17A || cp >= 0xE0000 && cp <= 0xE0FFF;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMark(int cp) {
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
    }

    private static boolean isWhiteSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x0085;
    }

    private static boolean isNoncharacter(int cp) {
        return cp >= 0xFDD0 && cp <= 0xFDEF || (cp & 0xFFFE) == 0xFFFE;
    }

    /** RFC 5892 §2.4 IgnorableBlocks: Combining Diacritical Marks for Symbols, Musical Symbols, Ancient Greek Musical Notation. */
    private static boolean isIgnorableBlock(int cp) {
        return cp >= 0x20D0 && cp <= 0x20FF || cp >= 0x1D100 && cp <= 0x1D24F;
    }

    /** RFC 5892 §2.9 OldHangulJamo: Hangul_Syllable_Type L, V or T (the conjoining jamo). */
    private static boolean isOldHangulJamo(int cp) {
        return cp >= 0x1100 && cp <= 0x11FF || cp >= 0xA960 && cp <= 0xA97C || cp >= 0xD7B0 && cp <= 0xD7C6
                || cp >= 0xD7CB && cp <= 0xD7FB;
    }
}
