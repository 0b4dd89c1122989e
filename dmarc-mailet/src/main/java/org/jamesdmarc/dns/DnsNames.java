package org.jamesdmarc.dns;

import java.util.Locale;
import java.util.Optional;

import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Turns the names callers pass (trailing dot optional) into absolute dnsjava names. These are DNS query names,
 * not {@link DomainName}s: {@code _dmarc}, {@code _domainkey} and PTR names carry underscores and other octets,
 * so the label and length limits are dnsjava's (RFC 1035 §2.3.4), not the host-name rules.
 */
public final class DnsNames {

    private DnsNames() {
    }

    /**
     * The absolute name for {@code name}, or empty when it cannot be a DNS name: blank, an empty label
     * ({@code a..b}, {@code .a}), a label over 63 octets, more than 255 octets in all (RFC 1035 §2.3.4),
     * or white space, control characters or backslashes (no zone-file escapes from mail headers).
     * Underscores and other octets are allowed: {@code _dmarc} and {@code _domainkey} need them.
     * No search domains are ever applied.
     */
    public static Optional<Name> toAbsolute(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '\\') {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Name.fromString(name, Name.root));
        } catch (TextParseException e) {
            return Optional.empty();
        }
    }

    /** True when dnsjava can read {@code name} as a (possibly relative) name: what a DNS query could carry. */
    public static boolean isParseable(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        try {
            Name.fromString(name);
            return true;
        } catch (TextParseException e) {
            return false;
        }
    }

    /** Cache key form: lower case, no trailing dot. */
    static String key(String name) {
        int n = name.length();
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c >= 0x80) {
                return lowerCaseKey(name);
            }
        }
        // Already lower case (nothing else in ASCII changes case): no copy unless there is a dot to drop.
        return n > 1 && name.charAt(n - 1) == '.' ? name.substring(0, n - 1) : name;
    }

    private static String lowerCaseKey(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        return s.endsWith(".") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
    }
}
