package org.jamesdmarc.mail;

import org.jamesdmarc.dns.DomainName;
import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Strict recursive-descent parser for one unfolded From field body: RFC 5322 §3.4 address-list
 * (mailbox-list plus RFC 6854 group syntax) with RFC 6532 UTF-8 and a few obsolete forms.
 *
 * <p>Deliberately stricter than RFC 5322 wherever a looser reading lets different parsers disagree on the
 * domain ("Composition Kills", Chen et al., USENIX Security 2020):
 * <ul>
 *   <li>no CFWS inside an addr-spec (obs-local-part / obs-domain with spaces or comments are rejected);</li>
 *   <li>a quoted local part must not contain address delimiters ({@code @ < > , ; : ( ) [ ] "} or a
 *       backslash), and no local part may hold an RFC 2047 encoded-word;</li>
 *   <li>domain literals are rejected (no DNS Author Domain);</li>
 *   <li>an obsolete route must name only the mailbox's own domain;</li>
 *   <li>a domain must read the same before and after IDNA: U-labels are converted to A-labels (RFC 9989
 *       §5.3.1) but IDNA2003 mappings (fullwidth, ß, ideographic full stop...) are refused.</li>
 * </ul>
 * Tolerated (unambiguous): empty list elements such as a trailing comma (RFC 5322 §4.4 obs-mbox-list),
 * consecutive/leading/trailing dots in an unquoted local part (legacy carrier addresses), a trailing dot
 * on the domain, obs-phrase dots in display names, and encoded-words in display names (never decoded:
 * a display name cannot contribute an address).
 *
 * <p>Work is linear in the input: one pass, comment nesting tracked by a counter, groups cannot nest.
 */
final class AddressListParser {

    /** One mailbox: local part as written (quotes kept), domain as normalised A-label. */
    record Mailbox(String localPart, String domain) {
        String address() {
            return localPart + "@" + domain;
        }
    }

    record Parsed(List<Mailbox> mailboxes, boolean sawGroup) {
    }

    /** Internal control flow only; never escapes {@link FromHeaderParser}. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private enum TokType { ATOM, QUOTED, DOT }

    private record Tok(TokType type, String text, boolean cfwsBefore) {
    }

    private record Words(List<Tok> toks, boolean cfwsBeforeStop) {
    }

    private final String s;
    private int pos;
    private final List<Mailbox> mailboxes = new ArrayList<>();
    private boolean sawGroup;

    private AddressListParser(String s) {
        this.s = s;
    }

    /** Parses an unfolded field body (already free of CR, LF and control characters). */
    static Parsed parse(String unfolded) throws SyntaxError {
        AddressListParser p = new AddressListParser(unfolded);
        p.parseList();
        return new Parsed(List.copyOf(p.mailboxes), p.sawGroup);
    }

    // address-list / obs-addr-list: address *("," address), empty elements allowed (RFC 5322 §4.4).
    private void parseList() throws SyntaxError {
        while (true) {
            skipCfws();
            if (eof()) {
                return;
            }
            if (peek() == ',') {
                pos++;
                continue;
            }
            parseAddress(false);
            skipCfws();
            if (eof()) {
                return;
            }
            if (peek() != ',') {
                throw error("expected ',' or end of field after an address");
            }
            pos++;
        }
    }

    // address = mailbox / group; mailbox = name-addr / addr-spec (RFC 5322 §3.4).
    private void parseAddress(boolean inGroup) throws SyntaxError {
        skipCfws();
        if (peek() == '<') {
            mailboxes.add(parseAngleAddr());
            return;
        }
        Words words = readWords();
        if (eof()) {
            throw error(words.toks().isEmpty() ? "missing address" : "display name without an address");
        }
        char c = peek();
        switch (c) {
            case '@' -> {
                String local = localPart(words);
                pos++;
                mailboxes.add(new Mailbox(local, parseDomain()));
            }
            case '<' -> {
                // name-addr = [display-name] angle-addr
                requirePhrase(words, "display name");
                mailboxes.add(parseAngleAddr());
            }
            case ':' -> {
                // RFC 6854 / RFC 5322 §3.4 group = display-name ":" [group-list] ";" [CFWS]
                if (inGroup) {
                    throw error("nested group");
                }
                requirePhrase(words, "group name");
                pos++;
                sawGroup = true;
                parseGroupMembers();
            }
            default -> throw error(words.toks().isEmpty() ? "unexpected character" : "display name without an address");
        }
    }

    private void parseGroupMembers() throws SyntaxError {
        while (true) {
            skipCfws();
            if (eof()) {
                throw error("group without terminating ';'");
            }
            char c = peek();
            if (c == ';') {
                pos++;
                return;
            }
            if (c == ',') {
                pos++;
                continue;
            }
            parseAddress(true);
            skipCfws();
            if (eof()) {
                throw error("group without terminating ';'");
            }
            c = peek();
            if (c == ';') {
                pos++;
                return;
            }
            if (c != ',') {
                throw error("expected ',' or ';' after a group member");
            }
            pos++;
        }
    }

    // angle-addr = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr (RFC 5322 §3.4, §4.4).
    private Mailbox parseAngleAddr() throws SyntaxError {
        pos++; // '<'
        skipCfws();
        List<String> route = new ArrayList<>();
        if (peek() == '@') {
            parseObsRoute(route);
            skipCfws();
        }
        if (eof() || peek() == '>') {
            throw error("angle brackets without an address");
        }
        Words words = readWords();
        if (peek() != '@') {
            throw error("angle-addr without '@'");
        }
        String local = localPart(words);
        pos++;
        String domain = parseDomain();
        skipCfws();
        if (peek() != '>') {
            throw error("expected '>'");
        }
        pos++;
        // RFC 5322 §4.4: the route is to be ignored, but a parser that does not ignore it would see another
        // domain; only accept routes that cannot change the answer.
        for (String r : route) {
            if (!r.equals(domain)) {
                throw error("obsolete route names a domain other than the mailbox's");
            }
        }
        return new Mailbox(local, domain);
    }

    // obs-route = obs-domain-list ":"; obs-domain-list = *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain])
    private void parseObsRoute(List<String> route) throws SyntaxError {
        while (true) {
            if (peek() != '@') {
                throw error("malformed obsolete route");
            }
            pos++;
            route.add(parseDomain());
            skipCfws();
            while (peek() == ',') {
                pos++;
                skipCfws();
            }
            if (peek() == ':') {
                pos++;
                return;
            }
        }
    }

    private static void requirePhrase(Words words, String what) throws SyntaxError {
        // phrase = 1*word / obs-phrase (word *(word / "." / CFWS)): must start with a word.
        if (words.toks().isEmpty()) {
            throw new SyntaxError("missing " + what);
        }
        if (words.toks().get(0).type() == TokType.DOT) {
            throw new SyntaxError(what + " starts with '.'");
        }
    }

    // local-part = dot-atom / quoted-string (strict: no CFWS inside, see class comment).
    private String localPart(Words words) throws SyntaxError {
        List<Tok> toks = words.toks();
        if (toks.isEmpty()) {
            throw error("missing local part before '@'");
        }
        if (words.cfwsBeforeStop()) {
            throw error("whitespace or comment before '@'");
        }
        for (int i = 1; i < toks.size(); i++) {
            if (toks.get(i).cfwsBefore()) {
                throw error("whitespace or comment inside the local part (display name without angle brackets?)");
            }
        }
        StringBuilder local = new StringBuilder();
        boolean hasAtom = false;
        for (Tok t : toks) {
            switch (t.type()) {
                case QUOTED -> {
                    if (toks.size() != 1) {
                        throw error("quoted string mixed with atoms in the local part");
                    }
                    checkQuotedLocalPart(t.text());
                }
                case ATOM -> hasAtom = true;
                case DOT -> {
                }
            }
            local.append(t.text());
        }
        if (!hasAtom && toks.get(0).type() != TokType.QUOTED) {
            throw error("local part made of dots only");
        }
        String result = local.toString();
        // RFC 2047 §5(3): an encoded-word MUST NOT appear in an addr-spec; a decoder that does it anyway
        // could show a different address.
        if (result.contains("=?")) {
            throw error("encoded-word in the local part");
        }
        return result;
    }

    private void checkQuotedLocalPart(String quoted) throws SyntaxError {
        String inner = quoted.substring(1, quoted.length() - 1);
        for (int i = 0; i < inner.length(); i++) {
            if ("@<>,;:()[]\"\\".indexOf(inner.charAt(i)) >= 0) {
                throw error("quoted local part contains an address delimiter");
            }
        }
    }

    // domain = dot-atom (strict; an optional trailing root dot is tolerated). Domain literals rejected.
    private String parseDomain() throws SyntaxError {
        if (eof()) {
            throw error("missing domain after '@'");
        }
        char c = peek();
        if (c == ' ' || c == '\t' || c == '(') {
            throw error("whitespace or comment after '@'");
        }
        if (c == '[') {
            throw error("domain literal is not a DNS domain");
        }
        int start = pos;
        while (true) {
            if (readAtom().isEmpty()) {
                throw error("empty domain label");
            }
            if (peek() != '.') {
                break;
            }
            pos++;
            if (eof() || !isAtext(s.codePointAt(pos))) {
                break; // trailing root dot, removed by DomainName
            }
        }
        String raw = s.substring(start, pos);
        Optional<String> normalized = DomainName.normalize(raw);
        if (normalized.isEmpty()) {
            throw new SyntaxError("invalid domain '" + printable(raw) + "'");
        }
        requireStableUnderIdna(raw, normalized.get());
        String tld = normalized.get().substring(normalized.get().lastIndexOf('.') + 1);
        if (tld.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            // RFC 3696 §2: a TLD is never all-numeric; "a@192.0.2.1" is an unbracketed address literal.
            throw new SyntaxError("all-numeric top-level label in '" + printable(raw) + "' (address literal?)");
        }
        return normalized.get();
    }

    /**
     * RFC 9989 §5.3.1 wants U-labels converted to A-labels, but java.net.IDN applies IDNA2003 mappings
     * (fullwidth letters, ß to ss, final sigma, ideographic full stop...) that IDNA2008 software and MUAs
     * do not, so the same text could name two domains. Each label as written, lower-cased, must therefore
     * be the A-label itself or exactly its U-label form.
     */
    private static void requireStableUnderIdna(String raw, String ascii) throws SyntaxError {
        String written = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
        String[] writtenLabels = written.toLowerCase(Locale.ROOT).split("\\.", -1);
        String[] asciiLabels = ascii.split("\\.", -1);
        if (writtenLabels.length != asciiLabels.length) {
            throw new SyntaxError("domain '" + printable(raw) + "' changes under IDNA mapping");
        }
        for (int i = 0; i < asciiLabels.length; i++) {
            String w = writtenLabels[i];
            if (!w.equals(asciiLabels[i]) && !w.equals(IDN.toUnicode(asciiLabels[i], 0))) {
                throw new SyntaxError("domain '" + printable(raw) + "' changes under IDNA mapping");
            }
        }
    }

    /** Reads words (atoms, quoted strings) and dots separated by optional CFWS, up to anything else. */
    private Words readWords() throws SyntaxError {
        List<Tok> toks = new ArrayList<>();
        while (true) {
            boolean cfws = skipCfws();
            if (eof()) {
                return new Words(toks, cfws);
            }
            char c = peek();
            if (c == '"') {
                toks.add(new Tok(TokType.QUOTED, readQuotedString(), cfws));
            } else if (c == '.') {
                pos++;
                toks.add(new Tok(TokType.DOT, ".", cfws));
            } else {
                String atom = readAtom();
                if (atom.isEmpty()) {
                    return new Words(toks, cfws);
                }
                toks.add(new Tok(TokType.ATOM, atom, cfws));
            }
        }
    }

    private String readAtom() {
        int start = pos;
        while (pos < s.length()) {
            int cp = s.codePointAt(pos);
            if (!isAtext(cp)) {
                break;
            }
            pos += Character.charCount(cp);
        }
        return s.substring(start, pos);
    }

    // quoted-string = DQUOTE *([FWS] qcontent) [FWS] DQUOTE; qcontent = qtext / quoted-pair.
    private String readQuotedString() throws SyntaxError {
        int start = pos;
        pos++;
        while (true) {
            if (eof()) {
                throw error("unterminated quoted string");
            }
            char c = s.charAt(pos);
            if (c == '\\') {
                if (pos + 1 >= s.length()) {
                    throw error("unterminated quoted string");
                }
                pos += 2;
            } else if (c == '"') {
                pos++;
                return s.substring(start, pos);
            } else {
                pos++;
            }
        }
    }

    /** Skips [CFWS]; returns whether anything was skipped. Comments nest (RFC 5322 §3.2.2). */
    private boolean skipCfws() throws SyntaxError {
        boolean skipped = false;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '(') {
                skipComment();
            } else {
                break;
            }
            skipped = true;
        }
        return skipped;
    }

    private void skipComment() throws SyntaxError {
        int depth = 0;
        while (true) {
            if (eof()) {
                throw error("unterminated comment");
            }
            char c = s.charAt(pos);
            if (c == '\\') {
                if (pos + 1 >= s.length()) {
                    throw error("unterminated comment");
                }
                pos += 2;
                continue;
            }
            pos++;
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return;
                }
            }
        }
    }

    /**
     * atext (RFC 5322 §3.2.3) plus RFC 6532 UTF8-non-ascii, minus code points that are invisible or
     * ambiguous (controls, format characters, Unicode spaces, private use, unassigned, surrogates).
     */
    static boolean isAtext(int cp) {
        if (cp < 0x80) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
                    || "!#$%&'*+-/=?^_`{|}~".indexOf(cp) >= 0;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.UNASSIGNED -> false;
            default -> true;
        };
    }

    private boolean eof() {
        return pos >= s.length();
    }

    /** Current char, or NUL at the end (NUL never occurs in input: rejected while unfolding). */
    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private SyntaxError error(String message) {
        return new SyntaxError(message + " at offset " + pos);
    }

    static String printable(String raw) {
        String cut = raw.length() > 80 ? raw.substring(0, 80) + "..." : raw;
        StringBuilder b = new StringBuilder();
        cut.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
