package org.jamesdmarc.dns;

import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A domain name as every check compares it: lower-case A-labels without a trailing dot, validated once
 * when created. A text that is not a valid host name (LDH labels of 1–63 octets, at most 253 octets in
 * all, at least two labels unless a single label is allowed) gives no {@code DomainName} at all, so an
 * attacker cannot smuggle comments, quotes, NULs or parentheses into an identifier (CVE-2020-12272).
 *
 * <p>The labels are split once at creation; nothing is re-split or re-lower-cased afterwards. Names
 * derived from a valid name ({@link #parent()}, {@link #lastLabels(int)}) are valid too, though they may
 * have a single label (e.g. the parent of {@code example.com}). Equality, hash code and ordering are
 * those of the canonical text {@link #name()}. Immutable and thread-safe.
 *
 * <p>DNS query names such as {@code _dmarc.example.com} or {@code s1._domainkey.example.com} are not
 * host names (underscores) and stay plain strings.
 */
public final class DomainName implements Comparable<DomainName> {

    /** RFC 1035 §2.3.4: 255 octets on the wire, so at most 253 characters as text without the root dot. */
    public static final int MAX_LENGTH = 253;
    /** RFC 1035 §2.3.4: labels of 63 octets or less. */
    public static final int MAX_LABEL_LENGTH = 63;
    /** Longer input is refused before IDNA conversion (bounded work for hostile input). */
    private static final int MAX_INPUT_LENGTH = 1024;

    private final String name;
    private final List<String> labels;

    private DomainName(String name, List<String> labels) {
        this.name = name;
        this.labels = labels;
    }

    /** A host name with at least two labels, or empty when {@code text} is not one (null included). */
    public static Optional<DomainName> parse(String text) {
        return parse(text, false);
    }

    /**
     * The domain name {@code text} denotes: surrounding white space and one trailing root dot are ignored,
     * U-labels become A-labels, upper case becomes lower case. Empty when {@code text} is null or not a
     * host name, or has a single label and {@code allowSingleLabel} is false.
     */
    public static Optional<DomainName> parse(String text, boolean allowSingleLabel) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > MAX_INPUT_LENGTH) {
            return Optional.empty();
        }
        Optional<String> ascii = toAsciiLowerCase(s);
        if (ascii.isEmpty() || ascii.get().length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String[] labels = ascii.get().split("\\.", -1);
        if (labels.length < 2 && !allowSingleLabel) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!isLdhLabel(label)) {
                return Optional.empty();
            }
        }
        // IDNA2008 where java.net.IDN (IDNA2003) is lax: invisible code points, disallowed U-labels (issue 8).
        if (IdnaRules.violation(s, ascii.get()).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new DomainName(ascii.get(), List.of(labels)));
    }

    /**
     * The domain name {@code text} denotes, a single label allowed; for constants and tests, where invalid
     * text is a programming error.
     *
     * @throws IllegalArgumentException when {@code text} is not a valid domain name
     */
    public static DomainName of(String text) {
        return parse(text, true).orElseThrow(() -> new IllegalArgumentException("not a valid domain name: " + text));
    }

    /**
     * The one place where IDNA is applied: U-labels to A-labels (RFC 5891) with java.net.IDN, which also
     * maps the other full stops (U+3002...) to '.'; empty when IDNA cannot encode the name.
     */
    private static Optional<String> toAsciiLowerCase(String s) {
        if (isAscii(s)) {
            // java.net.IDN leaves an all-ASCII label as it is (it only refuses an empty or over-long one, which
            // the label checks after this refuse too), so skip its per-label work: the common case.
            return Optional.of(s.toLowerCase(Locale.ROOT));
        }
        try {
            return Optional.of(IDN.toASCII(s, 0).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** RFC 1035 §2.3.1 / RFC 1123 §2.1: letters, digits and inner hyphens, 1–63 octets (lower case here). */
    private static boolean isLdhLabel(String label) {
        int n = label.length();
        if (n == 0 || n > MAX_LABEL_LENGTH) {
            return false;
        }
        if (label.charAt(0) == '-' || label.charAt(n - 1) == '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = label.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The canonical text: lower-case A-labels separated by dots, no trailing dot. */
    public String name() {
        return name;
    }

    /** The labels, left-most first (unmodifiable). */
    public List<String> labels() {
        return labels;
    }

    public int labelCount() {
        return labels.size();
    }

    /** The right-most (top-level) label, e.g. {@code com} for {@code mail.example.com}. */
    public String topLevelLabel() {
        return labels.get(labels.size() - 1);
    }

    /** The name without its left-most label; empty for a single label (its parent would be the root). */
    public Optional<DomainName> parent() {
        return labels.size() == 1 ? Optional.empty() : Optional.of(lastLabels(labels.size() - 1));
    }

    /**
     * The right-most {@code n} labels, e.g. {@code example.com} for {@code a.b.example.com} and 2; this name
     * itself when it has {@code n} labels or fewer.
     *
     * @throws IllegalArgumentException when {@code n} is less than 1
     */
    public DomainName lastLabels(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a domain name has at least one label: " + n);
        }
        int count = labels.size();
        if (n >= count) {
            return this;
        }
        int length = n - 1; // the dots between the kept labels
        for (int i = count - n; i < count; i++) {
            length += labels.get(i).length();
        }
        return new DomainName(name.substring(name.length() - length), labels.subList(count - n, count));
    }

    /** True when this name is strictly below {@code other}, e.g. {@code mail.example.com} below {@code example.com}. */
    public boolean isSubdomainOf(DomainName other) {
        int cut = name.length() - other.name.length() - 1;
        return cut > 0 && name.charAt(cut) == '.' && name.endsWith(other.name);
    }

    /** True when this name equals {@code other} or is below it. */
    public boolean isAtOrBelow(DomainName other) {
        return equals(other) || isSubdomainOf(other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainName d && name.equals(d.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public int compareTo(DomainName other) {
        return name.compareTo(Objects.requireNonNull(other, "other").name);
    }

    /** The canonical text, as {@link #name()}. */
    @Override
    public String toString() {
        return name;
    }
}
