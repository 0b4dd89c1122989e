package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Value syntax of individual DMARC tags (RFC 9989 §4.8, RFC 7489 §6.4 for the retired tags), shared by
 * {@link RecordParser} and {@link RecordGenerator}. Every method is total: bad text gives an empty result.
 */
final class TagValueSyntax {

    /** RFC 7489 §6.4 ri = 1*DIGIT, interpreted as a 32-bit unsigned integer. */
    static final long MAX_UINT32 = 0xFFFF_FFFFL;

    private TagValueSyntax() {
    }

    /**
     * Whitespace tolerated around tags, separators and list items: RFC 5234 WSP (SP, HTAB) plus CR and LF,
     * since RFC 9989 §4.7 builds on the DKIM tag-list syntax whose FWS allows line folding (RFC 6376 §3.2).
     */
    static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Strips leading and trailing {@link #isFws} whitespace only (not other control characters). */
    static String trimWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isFws(s.charAt(start))) {
            start++;
        }
        while (end > start && isFws(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** RFC 9989 §4.8 dmarc-tag: tag names are 1*ALPHA. */
    static boolean isTagName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isAlpha(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 9989 §4.8 dmarc-value: printing characters but semicolon (%x20-3A / %x3C-7E), plus the
     * whitespace that the per-tag rules themselves allow inside a value (dmarc-urilist's *WSP "," *WSP).
     */
    static boolean isDmarcValue(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && !isFws(c)) || c > 0x7E || c == ';') {
                return false;
            }
        }
        return true;
    }

    /** RFC 9989 §4.8 dmarc-yorn = "y" / "n" (case-insensitive ABNF literals). */
    static Optional<Boolean> yesOrNo(String value) {
        if (value.equalsIgnoreCase("y")) {
            return Optional.of(Boolean.TRUE);
        }
        if (value.equalsIgnoreCase("n")) {
            return Optional.of(Boolean.FALSE);
        }
        return Optional.empty();
    }

    /**
     * RFC 9989 §4.8 dmarc-fo: a colon list of "0", "1", "d", "s" where "0" and "1" are mutually
     * exclusive and each value appears at most once (this is what the three ABNF alternatives allow).
     * WSP around the colons is tolerated. Values are returned lower-case, in the order written.
     */
    static Optional<List<String>> failureOptions(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : value.split(":", -1)) {
            String item = trimWsp(raw).toLowerCase(Locale.ROOT);
            if (!(item.equals("0") || item.equals("1") || item.equals("d") || item.equals("s"))) {
                return Optional.empty();
            }
            if (!seen.add(item)) {
                return Optional.empty(); // each value at most once
            }
        }
        if (seen.contains("0") && seen.contains("1")) {
            return Optional.empty(); // RFC 9989 §4.7: "0" and "1" are mutually exclusive
        }
        return Optional.of(List.copyOf(seen));
    }

    /** RFC 7489 §6.4 dmarc-percent = "pct" *WSP "=" *WSP 1*3DIGIT, range 0-100. */
    static OptionalInt percent(String value) {
        if (value.isEmpty() || value.length() > 3) {
            return OptionalInt.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isDigit(value.charAt(i))) {
                return OptionalInt.empty();
            }
        }
        int pct = Integer.parseInt(value);
        return pct <= 100 ? OptionalInt.of(pct) : OptionalInt.empty();
    }

    /** RFC 7489 §6.4 dmarc-ainterval = "ri" *WSP "=" *WSP 1*DIGIT, a 32-bit unsigned integer (§6.3). */
    static OptionalLong reportInterval(String value) {
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        int i = 0;
        while (i < value.length() - 1 && value.charAt(i) == '0') {
            i++; // leading zeros do not count towards the length bound
        }
        String digits = value.substring(i);
        if (digits.length() > 10) {
            return OptionalLong.empty();
        }
        for (int k = 0; k < digits.length(); k++) {
            if (!isDigit(digits.charAt(k))) {
                return OptionalLong.empty();
            }
        }
        long ri = Long.parseLong(digits);
        return ri <= MAX_UINT32 ? OptionalLong.of(ri) : OptionalLong.empty();
    }

    /**
     * RFC 7489 §6.4 dmarc-rfmt: Keyword *(*WSP ":" *WSP Keyword), Keyword being an RFC 5321 Ldh-str
     * (e.g. "afrf", "iodef"). Returned lower-case.
     */
    static Optional<List<String>> reportFormats(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        List<String> formats = new ArrayList<>();
        for (String raw : value.split(":", -1)) {
            String item = trimWsp(raw);
            if (!isLdhKeyword(item)) {
                return Optional.empty();
            }
            formats.add(item.toLowerCase(Locale.ROOT));
        }
        return Optional.of(List.copyOf(formats));
    }

    /** RFC 5321 Keyword = Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig, starting with Let-dig. */
    private static boolean isLdhKeyword(String s) {
        if (s.isEmpty() || s.charAt(0) == '-' || s.charAt(s.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isAlpha(c) || isDigit(c) || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
