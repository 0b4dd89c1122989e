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
 *       §5.3.1) but IDNA2003 mappings (fullwidth, ß, ideographic full stop...) are refused, and so are names
 *       IDNA2008 disallows or that hold invisible code points ({@link org.jamesdmarc.dns.IdnaRules});</li>
 *   <li>every {@code "=?"} must open a well-formed encoded-word whose extent and decoded text cannot change
 *       the address structure, see {@link #requireUnambiguousEncodedWords()};</li>
 *   <li>an empty list element or group member holding a comment is refused next to a mailbox.</li>
 * </ul>
 * Tolerated (unambiguous): empty list elements such as a trailing comma (RFC 5322 §4.4 obs-mbox-list),
 * consecutive/leading/trailing dots in an unquoted local part (legacy carrier addresses), a trailing dot
 * on the domain, obs-phrase dots in display names, and well-formed encoded-words in display names and
 * comments (a display name never contributes an address).
 *
 * <p>The characters are read by the shared {@link HeaderLexer} (unfolding with strict Unicode checks, CFWS,
 * comments, quoted-strings, atoms, encoded-word recognition); this class holds only the address grammar.
 * Errors are {@link HeaderLexer.Failure}s. Work is linear in the input: one pass, comment nesting tracked
 * by a counter (no depth cap: {@link FromHeaderParser} bounds the length), groups cannot nest.
 */
final class AddressListParser {

    /** One mailbox: local part as written (quotes kept), and its domain. */
    record Mailbox(String localPart, DomainName domain) {
        String address() {
            return localPart + "@" + domain.name();
        }
    }

    record Parsed(List<Mailbox> mailboxes, boolean sawGroup) {
    }

    private enum TokType { ATOM, QUOTED, DOT }

    private record Tok(TokType type, String text, boolean cfwsBefore) {
    }

    private record Words(List<Tok> toks, boolean cfwsBeforeStop) {
    }

    private final HeaderLexer lx;
    private final List<Mailbox> mailboxes = new ArrayList<>();
    private boolean sawGroup;
    /** Where the first empty list element or group member holding a comment starts; -1 when none. */
    private int commentOnlyElement = -1;

    private AddressListParser(HeaderLexer lx) {
        this.lx = lx;
    }

    /**
     * Parses one From field body, folded or not (one trailing line terminator tolerated).
     *
     * @throws HeaderLexer.Failure when the body is not a strictly readable address list
     */
    static Parsed parse(String rawFieldBody) {
        AddressListParser p = new AddressListParser(HeaderLexer.ofAddressList(rawFieldBody));
        p.requireUnambiguousEncodedWords();
        p.parseList();
        if (p.commentOnlyElement >= 0 && !p.mailboxes.isEmpty()) {
            // Next to a mailbox, an address-less element made of a comment ("<a@x.test>, (b@y.test)") is an
            // address for readers that promote a lone comment's text (addressparser): refused, not ignored.
            throw new HeaderLexer.Failure(HeaderSyntaxError.Kind.UNEXPECTED, p.commentOnlyElement,
                    "list element holding only a comment at position " + p.commentOnlyElement);
        }
        return new Parsed(List.copyOf(p.mailboxes), p.sawGroup);
    }

    /**
     * Issue 8, class 1: mail clients decode RFC 2047 encoded-words before or while they parse, wherever an
     * {@code "=?"} opens one (RFC 2047 §5 limits where, decoders do not: display names, comments, quoted
     * strings), and read each over its whole extent ({@link HeaderLexer#encodedWordAt}), which may swallow a
     * quote, a parenthesis or an address. So every {@code "=?"} in the field must open a word whose extent and
     * text cannot change the address structure for any reader, or the field is Malformed:
     * <ul>
     *   <li>strictly an RFC 2047 §2 encoded-word (RFC 2231 §5 language allowed), not overlapping another;</li>
     *   <li>encoded text of RFC 5322 atext and '.' only (RFC 2047 §5(3) allows even less in a phrase): no
     *       space, quote, parenthesis, angle bracket, '@', ',', ';', ':' or backslash, so the word lies inside one
     *       phrase, comment or quoted string for every reader, whether it decodes it or not;</li>
     *   <li>valid for its encoding in a charset we can read, so that we know what clients show;</li>
     *   <li>a decoded text without {@code ( ) < > @ " \}, controls or another encoded-word: a client that
     *       decodes before parsing would read an address, a comment or a quoted string there. ',' ';' ':'
     *       stay allowed ("M=C3=BCller=2C_Hans" is ordinary mail): without those characters they can only
     *       split a display name into address-less parts or a group name, never add or hide a domain.</li>
     * </ul>
     */
    private void requireUnambiguousEncodedWords() {
        String s = lx.source();
        for (int at = s.indexOf("=?"); at >= 0; ) {
            Optional<EncodedWord> word = HeaderLexer.encodedWordAt(s, at);
            if (word.isEmpty()) {
                throw ambiguousEncodedWord(at, "'=?' that opens no well-formed encoded-word");
            }
            String encoded = word.get().encodedText();
            for (int i = 0; i < encoded.length(); i++) {
                char c = encoded.charAt(i);
                if (c != '.' && !HeaderLexer.isAtext(c)) {
                    throw ambiguousEncodedWord(at, "encoded-word holding '" + c + "' (read over address syntax)");
                }
            }
            Optional<String> decoded = word.get().decode();
            if (decoded.isEmpty()) {
                throw ambiguousEncodedWord(at, "encoded-word that is not valid " + word.get().encoding()
                        + " encoding in a known charset");
            }
            String text = decoded.get();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ("()<>@\"\\".indexOf(c) >= 0 || HeaderLexer.isCtl(c) || (c >= 0x80 && c <= 0x9f)
                        || c == '\u2028' || c == '\u2029' || text.startsWith("=?", i)) {
                    throw ambiguousEncodedWord(at, "encoded-word decoding to address syntax ("
                            + HeaderLexer.printable(String.valueOf(c)) + ")");
                }
            }
            // The next "=?" is searched after this word ("QQ==?=" holds one); a word followed by '?' shares
            // its closing '=' with an opener ("?=?"), which decoders pair differently.
            int end = at + word.get().length();
            if (s.startsWith("?", end)) {
                throw ambiguousEncodedWord(at, "encoded-words overlap");
            }
            at = s.indexOf("=?", end);
        }
    }

    private static HeaderLexer.Failure ambiguousEncodedWord(int at, String message) {
        return new HeaderLexer.Failure(HeaderSyntaxError.Kind.AMBIGUOUS_ENCODED_WORD, at, message + " at position " + at);
    }

    // address-list / obs-addr-list: address *("," address), empty elements allowed (RFC 5322 §4.4).
    private void parseList() {
        while (true) {
            int start = lx.pos();
            lx.skipCfws();
            if (lx.atEnd()) {
                noteEmptyElement(start);
                return;
            }
            if (lx.peekIs(',')) {
                noteEmptyElement(start);
                lx.accept(',');
                continue;
            }
            parseAddress(false);
            lx.skipCfws();
            if (lx.atEnd()) {
                return;
            }
            if (!lx.accept(',')) {
                throw error("expected ',' or end of field after an address");
            }
        }
    }

    // address = mailbox / group; mailbox = name-addr / addr-spec (RFC 5322 §3.4).
    private void parseAddress(boolean inGroup) {
        lx.skipCfws();
        if (lx.peekIs('<')) {
            mailboxes.add(parseAngleAddr());
            return;
        }
        Words words = readWords();
        if (lx.atEnd()) {
            throw error(words.toks().isEmpty() ? "missing address" : "display name without an address");
        }
        switch (lx.peek()) {
            case '@' -> {
                String local = localPart(words);
                lx.accept('@');
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
                lx.accept(':');
                sawGroup = true;
                parseGroupMembers();
            }
            default -> throw error(words.toks().isEmpty() ? "unexpected character" : "display name without an address");
        }
    }

    private void parseGroupMembers() {
        while (true) {
            int start = lx.pos();
            lx.skipCfws();
            if (lx.atEnd()) {
                throw error("group without terminating ';'");
            }
            if (lx.peekIs(';') || lx.peekIs(',')) {
                noteEmptyElement(start);
            }
            if (lx.accept(';')) {
                return;
            }
            if (lx.accept(',')) {
                continue;
            }
            parseAddress(true);
            lx.skipCfws();
            if (lx.atEnd()) {
                throw error("group without terminating ';'");
            }
            if (lx.accept(';')) {
                return;
            }
            if (!lx.accept(',')) {
                throw error("expected ',' or ';' after a group member");
            }
        }
    }

    // angle-addr = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr (RFC 5322 §3.4, §4.4).
    private Mailbox parseAngleAddr() {
        lx.expect('<', "'<'");
        lx.skipCfws();
        List<DomainName> route = new ArrayList<>();
        if (lx.peekIs('@')) {
            parseObsRoute(route);
            lx.skipCfws();
        }
        if (lx.atEnd() || lx.peekIs('>')) {
            throw error("angle brackets without an address");
        }
        Words words = readWords();
        if (!lx.peekIs('@')) {
            throw error("angle-addr without '@'");
        }
        String local = localPart(words);
        lx.accept('@');
        DomainName domain = parseDomain();
        lx.skipCfws();
        if (!lx.accept('>')) {
            throw error("expected '>'");
        }
        // RFC 5322 §4.4: the route is to be ignored, but a parser that does not ignore it would see another
        // domain; only accept routes that cannot change the answer.
        for (DomainName r : route) {
            if (!r.equals(domain)) {
                throw error("obsolete route names a domain other than the mailbox's");
            }
        }
        return new Mailbox(local, domain);
    }

    // obs-route = obs-domain-list ":"; obs-domain-list = *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain])
    private void parseObsRoute(List<DomainName> route) {
        while (true) {
            if (!lx.accept('@')) {
                throw error("malformed obsolete route");
            }
            route.add(parseDomain());
            lx.skipCfws();
            while (lx.accept(',')) {
                lx.skipCfws();
            }
            if (lx.accept(':')) {
                return;
            }
        }
    }

    /** Records an empty element (RFC 5322 §4.4) from {@code start} to the cursor when it holds a comment. */
    private void noteEmptyElement(int start) {
        if (commentOnlyElement < 0 && lx.source().substring(start, lx.pos()).indexOf('(') >= 0) {
            commentOnlyElement = start;
        }
    }

    private void requirePhrase(Words words, String what) {
        // phrase = 1*word / obs-phrase (word *(word / "." / CFWS)): must start with a word.
        if (words.toks().isEmpty()) {
            throw error("missing " + what);
        }
        if (words.toks().get(0).type() == TokType.DOT) {
            throw error(what + " starts with '.'");
        }
    }

    // local-part = dot-atom / quoted-string (strict: no CFWS inside, see class comment).
    private String localPart(Words words) {
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
        if (HeaderLexer.mayHoldEncodedWord(result)) {
            throw error("encoded-word in the local part");
        }
        return result;
    }

    private void checkQuotedLocalPart(String quoted) {
        String inner = quoted.substring(1, quoted.length() - 1);
        for (int i = 0; i < inner.length(); i++) {
            if ("@<>,;:()[]\"\\".indexOf(inner.charAt(i)) >= 0) {
                throw error("quoted local part contains an address delimiter");
            }
        }
    }

    // domain = dot-atom (strict; an optional trailing root dot is tolerated). Domain literals rejected.
    private DomainName parseDomain() {
        if (lx.atEnd()) {
            throw error("missing domain after '@'");
        }
        char c = lx.peek();
        if (HeaderLexer.isWsp(c) || c == '(') {
            throw error("whitespace or comment after '@'");
        }
        if (c == '[') {
            throw new HeaderLexer.Failure(HeaderSyntaxError.Kind.INVALID_DOMAIN, lx.pos(),
                    "domain literal is not a DNS domain at position " + lx.pos());
        }
        int start = lx.pos();
        while (true) {
            if (lx.readAtom().isEmpty()) {
                throw error("empty domain label");
            }
            if (!lx.peekIs('.')) {
                break;
            }
            lx.accept('.');
            if (!lx.atAtext()) {
                break; // trailing root dot, removed by DomainName
            }
        }
        String raw = lx.source().substring(start, lx.pos());
        Optional<DomainName> normalized = DomainName.parse(raw);
        if (normalized.isEmpty()) {
            throw invalidDomain(start, "invalid domain '" + HeaderLexer.printable(raw) + "'");
        }
        requireStableUnderIdna(start, raw, normalized.get());
        String tld = normalized.get().topLevelLabel();
        if (tld.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            // RFC 3696 §2: a TLD is never all-numeric; "a@192.0.2.1" is an unbracketed address literal.
            throw invalidDomain(start, "all-numeric top-level label in '" + HeaderLexer.printable(raw) + "' (address literal?)");
        }
        return normalized.get();
    }

    /**
     * RFC 9989 §5.3.1 wants U-labels converted to A-labels, but java.net.IDN applies IDNA2003 mappings
     * (fullwidth letters, ß to ss, final sigma, ideographic full stop...) that IDNA2008 software and MUAs
     * do not, so the same text could name two domains. Each label as written, lower-cased, must therefore
     * be the A-label itself or exactly its U-label form.
     */
    private static void requireStableUnderIdna(int start, String raw, DomainName domain) {
        String written = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
        String[] writtenLabels = written.toLowerCase(Locale.ROOT).split("\\.", -1);
        List<String> asciiLabels = domain.labels();
        if (writtenLabels.length != asciiLabels.size()) {
            throw invalidDomain(start, "domain '" + HeaderLexer.printable(raw) + "' changes under IDNA mapping");
        }
        for (int i = 0; i < asciiLabels.size(); i++) {
            String w = writtenLabels[i];
            if (!w.equals(asciiLabels.get(i)) && !w.equals(IDN.toUnicode(asciiLabels.get(i), 0))) {
                throw invalidDomain(start, "domain '" + HeaderLexer.printable(raw) + "' changes under IDNA mapping");
            }
        }
    }

    private static HeaderLexer.Failure invalidDomain(int start, String message) {
        return new HeaderLexer.Failure(HeaderSyntaxError.Kind.INVALID_DOMAIN, start, message);
    }

    /** Reads words (atoms, quoted strings) and dots separated by optional CFWS, up to anything else. */
    private Words readWords() {
        List<Tok> toks = new ArrayList<>();
        while (true) {
            boolean cfws = lx.skipCfws();
            if (lx.atEnd()) {
                return new Words(toks, cfws);
            }
            if (lx.peekIs('"')) {
                toks.add(new Tok(TokType.QUOTED, lx.readQuotedStringAsWritten(), cfws));
            } else if (lx.accept('.')) {
                toks.add(new Tok(TokType.DOT, ".", cfws));
            } else {
                String atom = lx.readAtom();
                if (atom.isEmpty()) {
                    return new Words(toks, cfws);
                }
                toks.add(new Tok(TokType.ATOM, atom, cfws));
            }
        }
    }

    private HeaderLexer.Failure error(String message) {
        return lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, message);
    }
}
