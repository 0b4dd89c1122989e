package org.jamesdmarc.auth.arc;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An RFC 6376 §3.2 tag list (the syntax of ARC-Seal and ARC-Message-Signature, RFC 8617 §4.1.2, §4.1.3): tag
 * names are case-sensitive, values have their surrounding folding white space removed, and a tag named twice makes
 * the list invalid (§3.2: "Tags with duplicate names MUST NOT occur").
 */
final class ArcTags {

    /** More tags than any ARC field defines: a longer list is refused unread (bounded work). */
    static final int MAX_TAGS = 32;

    private final Map<String, String> tags;

    private ArcTags(Map<String, String> tags) {
        this.tags = tags;
    }

    /** The tag list of {@code value}, or empty when it is not one. */
    static Optional<ArcTags> parse(String value) {
        Map<String, String> tags = new HashMap<>();
        int start = 0;
        int n = value.length();
        while (start <= n) {
            int semi = value.indexOf(';', start);
            int end = semi < 0 ? n : semi;
            String spec = value.substring(start, end);
            if (spec.isBlank()) {
                // RFC 6376 §3.2: only a trailing ";" may leave an empty tag-spec.
                if (semi >= 0 || start == 0) {
                    return Optional.empty();
                }
                break;
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                return Optional.empty();
            }
            String name = spec.substring(0, eq).strip();
            if (!isTagName(name) || tags.size() >= MAX_TAGS || tags.containsKey(name)) {
                return Optional.empty();
            }
            tags.put(name, spec.substring(eq + 1).strip());
            if (semi < 0) {
                break;
            }
            start = semi + 1;
        }
        return Optional.of(new ArcTags(tags));
    }

    /** RFC 6376 §3.2: tag-name = ALPHA *ALNUMPUNC. */
    private static boolean isTagName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    boolean has(String name) {
        return tags.containsKey(name);
    }

    /** A value with every white space removed (RFC 6376 §3.5 b=, bh=: base64 may be folded). */
    Optional<String> base64(String name) {
        return get(name).map(v -> v.replaceAll("[ \t\r\n]", ""));
    }

    /** A value compared case-insensitively, lower-cased. */
    Optional<String> lower(String name) {
        return get(name).map(v -> v.toLowerCase(Locale.ROOT));
    }

    /**
     * RFC 8617 §4.2.1: {@code i=} is 1..50. Decimal digits only, at most 2 (no sign, no leading zero); anything else
     * (missing, 0, 51, 99999999999) is empty.
     */
    static Optional<Integer> instance(String text) {
        if (text == null || text.isEmpty() || text.length() > 2 || text.charAt(0) == '0') {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        int value = Integer.parseInt(text);
        return value <= ArcVerifier.MAX_INSTANCES ? Optional.of(value) : Optional.empty();
    }
}
