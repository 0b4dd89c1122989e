package org.jamesdmarc.dns;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * Domain-name normalisation shared by every check: lower-case A-labels without a trailing dot.
 * A name that is not a valid host name (LDH labels of 1–63 octets, at most 253 octets in all,
 * at least two labels unless {@code allowSingleLabel}) gives empty, so an attacker cannot smuggle
 * comments, quotes, NULs or parentheses into an identifier (CVE-2020-12272).
 */
public final class DomainName {

    private DomainName() {
    }

    /** Normalises a host name that must have at least two labels. */
    public static Optional<String> normalize(String raw) {
        return normalize(raw, false);
    }

    public static Optional<String> normalize(String raw, boolean allowSingleLabel) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > 1024) {
            return Optional.empty();
        }
        String ascii;
        try {
            // U-labels to A-labels (RFC 5891); rejects names IDNA cannot encode.
            ascii = IDN.toASCII(s, 0);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        if (ascii.length() > 253) {
            return Optional.empty();
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2 && !allowSingleLabel) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!isLdhLabel(label)) {
                return Optional.empty();
            }
        }
        return Optional.of(ascii);
    }

    static boolean isLdhLabel(String label) {
        int n = label.length();
        if (n == 0 || n > 63) {
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

    /** True when {@code name} equals {@code parent} or is below it (both normalised). */
    public static boolean isAtOrBelow(String name, String parent) {
        return name.equals(parent) || name.endsWith("." + parent);
    }
}
