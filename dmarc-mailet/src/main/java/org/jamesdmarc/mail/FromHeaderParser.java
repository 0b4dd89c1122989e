package org.jamesdmarc.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Extracts the DMARC Author Domain from the RFC5322.From field(s) of a message (RFC 9989 §5.3.1).
 *
 * <p>The address syntax is parsed strictly by {@link AddressListParser}; anything another parser could
 * read as a different domain gives {@link AuthorDomainResult.Malformed} or
 * {@link AuthorDomainResult.MultipleDomains}, never a {@link AuthorDomainResult.Single} domain an attacker
 * chose. Work is bounded: at most {@link #MAX_TOTAL_CHARS} characters over at most {@link #MAX_FIELDS}
 * From fields, parsed in one linear pass. No exception escapes for any input.
 *
 * <p>Decisions worth knowing (details in {@link AddressListParser}):
 * <ul>
 *   <li>More than one From field is never {@code Single}: the Multiple* results carry
 *       {@code fromFieldCount}, so a caller can reject per RFC 5322 §3.6 like OpenDMARC's RequiredHeaders.</li>
 *   <li>Empty list elements ({@code <a@good.com>,}) are tolerated per RFC 5322 §4.4 obs-mbox-list.</li>
 *   <li>Display names (quoted, atoms, encoded-words) and comments never contribute an address; encoded-words
 *       are not decoded at all, and one inside an addr-spec is Malformed.</li>
 *   <li>Domain literals, unbracketed IPv4 literals and single-label domains are Malformed: no DNS Author
 *       Domain.</li>
 * </ul>
 */
public final class FromHeaderParser {

    /** Cap on the combined length of all From field bodies; more is {@code Malformed}. */
    public static final int MAX_TOTAL_CHARS = 64 * 1024;
    /** Cap on the number of From fields; more is {@code Malformed}. */
    public static final int MAX_FIELDS = 100;

    private FromHeaderParser() {
    }

    /**
     * @param rawFromFieldValues the body (text after the colon) of every From field in header order, folded
     *                           (CRLF or LF followed by WSP) or already unfolded; an empty list or null means
     *                           the message has no From field
     */
    public static AuthorDomainResult authorDomain(List<String> rawFromFieldValues) {
        if (rawFromFieldValues == null || rawFromFieldValues.isEmpty()) {
            // RFC 5322 §3.6: From is required; without it there is no Author Domain.
            return new AuthorDomainResult.Missing();
        }
        int fieldCount = rawFromFieldValues.size();
        if (fieldCount > MAX_FIELDS) {
            return new AuthorDomainResult.Malformed("more than " + MAX_FIELDS + " From fields");
        }
        long total = 0;
        for (String v : rawFromFieldValues) {
            if (v == null) {
                return new AuthorDomainResult.Malformed("null From field value");
            }
            total += v.length();
        }
        if (total > MAX_TOTAL_CHARS) {
            return new AuthorDomainResult.Malformed("From field(s) longer than " + MAX_TOTAL_CHARS + " characters");
        }

        List<AddressListParser.Mailbox> mailboxes = new ArrayList<>();
        boolean sawGroup = false;
        for (int i = 0; i < fieldCount; i++) {
            try {
                AddressListParser.Parsed parsed = AddressListParser.parse(unfold(rawFromFieldValues.get(i)));
                mailboxes.addAll(parsed.mailboxes());
                sawGroup |= parsed.sawGroup();
            } catch (AddressListParser.SyntaxError e) {
                String where = fieldCount > 1 ? "From field " + (i + 1) + " of " + fieldCount + ": " : "";
                return new AuthorDomainResult.Malformed(where + e.getMessage());
            } catch (RuntimeException e) {
                // Defence in depth: the parser is not expected to throw, but no exception may escape.
                return new AuthorDomainResult.Malformed("unparseable From field: " + e.getClass().getSimpleName());
            }
        }

        if (mailboxes.isEmpty()) {
            return new AuthorDomainResult.Empty(sawGroup
                    ? AuthorDomainResult.EmptyKind.GROUP_WITHOUT_MAILBOX
                    : AuthorDomainResult.EmptyKind.BLANK);
        }
        Set<String> domains = new LinkedHashSet<>();
        List<String> addresses = new ArrayList<>(mailboxes.size());
        for (AddressListParser.Mailbox m : mailboxes) {
            domains.add(m.domain());
            addresses.add(m.address());
        }
        if (fieldCount == 1 && mailboxes.size() == 1) {
            return new AuthorDomainResult.Single(mailboxes.get(0).domain(), addresses.get(0));
        }
        if (domains.size() == 1) {
            // RFC 9989 §5.3.1 counts domains, not mailboxes: one domain can still be evaluated.
            return new AuthorDomainResult.MultipleAddressesSameDomain(domains.iterator().next(), addresses, fieldCount);
        }
        // RFC 9989 §5.3.1/§11.5: more than one Author Domain; the caller must not pick one.
        return new AuthorDomainResult.MultipleDomains(List.copyOf(domains), addresses, fieldCount);
    }

    /** Same as {@link #authorDomain(List)} for a single From field body. */
    public static AuthorDomainResult authorDomain(String rawFromFieldValue) {
        return authorDomain(rawFromFieldValue == null ? null : List.of(rawFromFieldValue));
    }

    /**
     * Finds every From field in a header section (or a whole message: scanning stops at the first empty
     * line) and extracts the Author Domain. Field names match case-insensitively, with the obsolete
     * whitespace before the colon (RFC 5322 §4.5.3 obs-from) still counting as From, so that a second,
     * disguised From field is never overlooked. A first line starting with {@code "From "} (mbox separator)
     * is skipped; any other line that is neither a field nor a continuation makes the result Malformed,
     * because parsers disagree on where such a header section ends. For the same reason a continuation
     * line, or text after a bare CR, that reads like {@code From:} is Malformed rather than ignored.
     */
    public static AuthorDomainResult authorDomainFromHeader(String headerSection) {
        if (headerSection == null) {
            return new AuthorDomainResult.Missing();
        }
        List<String> values = new ArrayList<>();
        StringBuilder current = null; // body of the From field being read, if the current field is From
        boolean anyField = false;
        long fromChars = 0;
        int i = 0;
        int n = headerSection.length();
        boolean firstLine = true;
        while (i < n) {
            int lf = headerSection.indexOf('\n', i);
            int end = lf < 0 ? n : lf;
            int next = lf < 0 ? n : lf + 1;
            if (end > i && headerSection.charAt(end - 1) == '\r') {
                end--;
            }
            String line = headerSection.substring(i, end);
            i = next;
            boolean wasFirst = firstLine;
            firstLine = false;
            if (line.isEmpty()) {
                break; // RFC 5322 §2.1: the empty line ends the header section
            }
            for (int cr = line.indexOf('\r'); cr >= 0; cr = line.indexOf('\r', cr + 1)) {
                // RFC 5322 §2.2: CR only in CRLF. Parsers that break lines at a bare CR would see this field.
                if (looksLikeFromField(line, cr + 1)) {
                    return new AuthorDomainResult.Malformed("bare CR followed by a From field");
                }
            }
            char c0 = line.charAt(0);
            if (c0 == ' ' || c0 == '\t') {
                // RFC 5322 §2.2.3: continuation of the previous field
                if (!anyField) {
                    return new AuthorDomainResult.Malformed("header section starts with a continuation line");
                }
                if (looksLikeFromField(line, 0)) {
                    // Composition Kills: some parsers take an indented "From:" for a field of its own.
                    return new AuthorDomainResult.Malformed("continuation line that looks like a From field");
                }
                if (current != null) {
                    current.append("\r\n").append(line);
                    fromChars += line.length() + 2;
                }
            } else {
                if (current != null) {
                    values.add(current.toString());
                    current = null;
                }
                if (wasFirst && line.startsWith("From ")) {
                    continue; // mbox "From " separator, not a header field
                }
                int colon = line.indexOf(':');
                String name = colon < 0 ? "" : stripTrailingWsp(line.substring(0, colon));
                if (!isFieldName(name)) {
                    return new AuthorDomainResult.Malformed("header line that is not a field: '"
                            + AddressListParser.printable(line) + "'");
                }
                anyField = true;
                if (name.equalsIgnoreCase("From")) {
                    current = new StringBuilder(line.substring(colon + 1));
                    fromChars += line.length() - colon - 1;
                }
            }
            if (fromChars > MAX_TOTAL_CHARS) {
                return new AuthorDomainResult.Malformed(
                        "From field(s) longer than " + MAX_TOTAL_CHARS + " characters");
            }
        }
        if (current != null) {
            values.add(current.toString());
        }
        return authorDomain(values);
    }

    /**
     * As {@link #authorDomainFromHeader(String)} for raw message bytes; only the header section is decoded,
     * as UTF-8 (RFC 6532). Invalid UTF-8 becomes U+FFFD, which no domain may contain.
     */
    public static AuthorDomainResult authorDomainFromHeader(byte[] message) {
        if (message == null) {
            return new AuthorDomainResult.Missing();
        }
        int end = headerEnd(message);
        return authorDomainFromHeader(new String(message, 0, end, StandardCharsets.UTF_8));
    }

    private static int headerEnd(byte[] m) {
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\n') {
                if (i + 1 < m.length && m[i + 1] == '\n') {
                    return i + 1;
                }
                if (i + 2 < m.length && m[i + 1] == '\r' && m[i + 2] == '\n') {
                    return i + 1;
                }
            }
        }
        return m.length;
    }

    /**
     * Unfolds a field body (RFC 5322 §2.2.3: remove CRLF before WSP; LF alone is accepted likewise) and
     * rejects what must not appear in it: NUL and other control characters, bare CR or LF, unpaired
     * surrogates, Unicode line/paragraph separators. One trailing line terminator is ignored.
     */
    static String unfold(String raw) throws AddressListParser.SyntaxError {
        String v = raw;
        if (v.endsWith("\r\n")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("\n")) {
            v = v.substring(0, v.length() - 1);
        }
        StringBuilder b = new StringBuilder(v.length());
        int n = v.length();
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c == '\r') {
                if (i + 2 < n && v.charAt(i + 1) == '\n' && isWsp(v.charAt(i + 2))) {
                    i++; // drop CRLF, keep the WSP
                    continue;
                }
                throw new AddressListParser.SyntaxError("CR not part of a fold at offset " + i);
            }
            if (c == '\n') {
                if (i + 1 < n && isWsp(v.charAt(i + 1))) {
                    continue;
                }
                throw new AddressListParser.SyntaxError("line break not followed by whitespace at offset " + i);
            }
            if (c == 0) {
                throw new AddressListParser.SyntaxError("NUL character at offset " + i);
            }
            if ((c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
                throw new AddressListParser.SyntaxError(
                        String.format("control character U+%04X at offset %d", (int) c, i));
            }
            if (c == '\u2028' || c == '\u2029') {
                throw new AddressListParser.SyntaxError("Unicode line separator at offset " + i);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(v.charAt(i + 1))) {
                    b.append(c).append(v.charAt(++i));
                    continue;
                }
                throw new AddressListParser.SyntaxError("unpaired surrogate at offset " + i);
            }
            if (Character.isLowSurrogate(c)) {
                throw new AddressListParser.SyntaxError("unpaired surrogate at offset " + i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** {@code *WSP "From" *WSP ":"} (case-insensitive) starting at {@code from}. */
    private static boolean looksLikeFromField(String line, int from) {
        int i = from;
        int n = line.length();
        while (i < n && isWsp(line.charAt(i))) {
            i++;
        }
        if (!line.regionMatches(true, i, "From", 0, 4)) {
            return false;
        }
        i += 4;
        while (i < n && isWsp(line.charAt(i))) {
            i++;
        }
        return i < n && line.charAt(i) == ':';
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    private static String stripTrailingWsp(String name) {
        int e = name.length();
        while (e > 0 && isWsp(name.charAt(e - 1))) {
            e--;
        }
        return name.substring(0, e);
    }

    // RFC 5322 §3.6.8: field-name = 1*ftext; ftext = %d33-57 / %d59-126
    private static boolean isFieldName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                return false;
            }
        }
        return true;
    }
}
