package org.jamesdmarc.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Free text from a message or a DNS record (a DKIM selector, report URIs) made safe for any of the three
 * databases: control characters (PostgreSQL refuses NUL in text) replaced, length bounded to its column.
 */
final class Text {

    private Text() {
    }

    /** {@code s} with control characters replaced by '?', cut to at most {@code max} code points. */
    static String clean(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        s.codePoints().limit(max).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    /**
     * The items joined by {@code separator}, as many as fit in {@code max} characters (those that do not are
     * left out: a column holds a bounded list; a hostile record may list thousands of URIs).
     */
    static String joinBounded(List<String> items, String separator, int max) {
        StringBuilder b = new StringBuilder();
        for (String item : items) {
            String clean = clean(item, max).replace(separator, "");
            int extra = (b.length() == 0 ? 0 : separator.length()) + clean.length();
            if (clean.isEmpty() || b.length() + extra > max) {
                continue;
            }
            if (b.length() > 0) {
                b.append(separator);
            }
            b.append(clean);
        }
        return b.toString();
    }

    /** The items of a list written by {@link #joinBounded}; empty for null or "". */
    static List<String> split(String joined, String separator) {
        if (joined == null || joined.isEmpty()) {
            return List.of();
        }
        return new ArrayList<>(Arrays.asList(joined.split(java.util.regex.Pattern.quote(separator))));
    }
}
