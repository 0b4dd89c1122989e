package org.jamesdmarc.auth;

import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * The identity SPF checks (RFC 7208 §2.3/§2.4): the MAIL FROM mailbox, or {@code postmaster@<HELO>} when the
 * reverse-path is null. {@code domain} is a host name of at least two labels; {@code localPart} is the
 * local-part as given (possibly a quoted-string), {@code "postmaster"} when it has none (RFC 7208 §4.3).
 */
record SpfIdentity(SpfScope scope, String localPart, DomainName domain) {

    private static final int MAX_LOCAL_PART = 64 * 4; // RFC 5321 §4.5.3.1.1 says 64 octets; leave room for UTF-8

    /** The "sender" argument of check_host(): {@code local-part@domain}. */
    String sender() {
        return localPart + "@" + domain.name();
    }

    /**
     * Chooses and validates the identity. Empty means the identity is unusable (malformed address, address
     * literal, not a multi-label domain): RFC 7208 §4.3 then gives "none" without any DNS query.
     */
    static Optional<SpfIdentity> resolve(String helo, String mailFrom) {
        String reversePath = stripAngleBrackets(mailFrom == null ? "" : mailFrom.strip());
        if (reversePath.isEmpty()) {
            // RFC 7208 §2.4: a null reverse-path is checked as "postmaster@<HELO identity>".
            return DomainName.parse(helo).map(d -> new SpfIdentity(SpfScope.HELO, "postmaster", d));
        }
        return parseMailbox(reversePath);
    }

    /** Scope the caller would report when {@link #resolve} gives empty. */
    static SpfScope scopeOf(String mailFrom) {
        return stripAngleBrackets(mailFrom == null ? "" : mailFrom.strip()).isEmpty() ? SpfScope.HELO : SpfScope.MFROM;
    }

    private static String stripAngleBrackets(String s) {
        if (s.length() >= 2 && s.charAt(0) == '<' && s.charAt(s.length() - 1) == '>') {
            s = s.substring(1, s.length() - 1);
        }
        // RFC 5321 §4.1.2 / Appendix C: a source route "@a,@b:" before the mailbox is ignored.
        if (s.startsWith("@")) {
            int colon = s.indexOf(':');
            if (colon > 0) {
                s = s.substring(colon + 1);
            }
        }
        return s;
    }

    /** RFC 5321 §4.1.2 Mailbox = Local-part "@" Domain; an address-literal domain has no SPF record. */
    private static Optional<SpfIdentity> parseMailbox(String mailbox) {
        int at = localPartEnd(mailbox);
        if (at < 0 || at >= mailbox.length() || mailbox.charAt(at) != '@') {
            return Optional.empty();
        }
        String local = mailbox.substring(0, at);
        String domainPart = mailbox.substring(at + 1);
        if (local.length() > MAX_LOCAL_PART) {
            return Optional.empty();
        }
        // RFC 7208 §4.3: malformed or single-label domain -> "none"; DomainName rejects quotes, parentheses,
        // NULs, spaces and anything else that is not LDH, so nothing hostile reaches DNS or the result.
        Optional<DomainName> domain = DomainName.parse(domainPart);
        if (domain.isEmpty() || !domainPart.equals(domainPart.strip())) {
            return Optional.empty();
        }
        // RFC 7208 §4.3: no local-part -> "postmaster".
        return Optional.of(new SpfIdentity(SpfScope.MFROM, local.isEmpty() ? "postmaster" : local, domain.get()));
    }

    /**
     * Index of the '@' ending a valid local-part (Dot-string or Quoted-string, RFC 5321 §4.1.2; UTF-8 allowed per
     * RFC 6531), or -1 when the local-part is malformed.
     */
    private static int localPartEnd(String s) {
        if (s.startsWith("\"")) {
            int i = 1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= s.length() || !isPrintable(s.charAt(i + 1))) {
                        return -1;
                    }
                    i += 2;
                } else if (c == '"') {
                    return i + 1;
                } else if (isPrintable(c)) {
                    i++;
                } else {
                    return -1;
                }
            }
            return -1;
        }
        int at = s.indexOf('@');
        if (at < 0) {
            return -1;
        }
        String local = s.substring(0, at);
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return -1;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (!(isAtext(c) || c == '.')) {
                return -1;
            }
        }
        return at;
    }

    /** RFC 5322 §3.2.3 atext, plus non-ASCII (RFC 6531 UTF8-non-ascii). */
    private static boolean isAtext(char c) {
        if (c >= 0x80) {
            return !Character.isISOControl(c) && !Character.isWhitespace(c);
        }
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /** RFC 5321 qtextSMTP / quoted-pairSMTP: printable ASCII and space (no controls, no NUL), plus UTF-8. */
    private static boolean isPrintable(char c) {
        if (c >= 0x80) {
            return !Character.isISOControl(c);
        }
        return c >= 0x20 && c < 0x7f;
    }
}
