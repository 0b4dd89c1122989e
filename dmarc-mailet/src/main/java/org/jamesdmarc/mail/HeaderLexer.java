package org.jamesdmarc.mail;

import java.util.Locale;
import java.util.Optional;

/**
 * The one RFC 5322 §3.2 lexer of the header layer: a cursor over one unfolded header field value with the
 * character-level pieces every field grammar shares — unfolding and control-character checks, CFWS and
 * (nested) comments, quoted-strings, atoms, RFC 2045 tokens and RFC 2047 encoded-word recognition. The From
 * address-list parser and the Authentication-Results, Received-SPF and Received readers keep their own
 * grammar rules on top of it. Errors are raised as {@link Failure} carrying the one {@link HeaderSyntaxError};
 * the parsers catch it and turn it into their result type.
 */
public final class HeaderLexer {

    /** Internal control flow for syntax errors; no stack trace, never escapes a parser. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final transient HeaderSyntaxError error;

        public Failure(HeaderSyntaxError.Kind kind, int position, String message) {
            super(message, null, false, false);
            this.error = new HeaderSyntaxError(kind, position, message);
        }
    }

    /** Comment nesting the Authentication-Results, Received-SPF and Received readers accept. */
    static final int MAX_COMMENT_DEPTH = 16;

    /** Which characters unfolding refuses besides the ones RFC 5322 never allows in a field body. */
    enum Characters {
        /** RFC 5322 §3.2.2: no control character but HTAB (NUL, CR and LF outside a fold included). */
        NO_CONTROLS,
        /**
         * {@link #NO_CONTROLS}, and also what hides or splits RFC 6532 text: C1 controls, U+2028/U+2029 and
         * unpaired surrogates. For the From field, where two readers must never see different text.
         */
        NO_CONTROLS_STRICT_UNICODE
    }

    private final String s;
    private final int maxCommentDepth;
    private int pos;

    private HeaderLexer(String unfolded, int maxCommentDepth) {
        this.s = unfolded;
        this.maxCommentDepth = maxCommentDepth;
    }

    /**
     * RFC 5322 §2.2.3 unfolding (a CRLF, or a bare LF, followed by WSP is removed), then checks that no
     * control character is left: NUL, CR, LF and the other CTLs except HTAB make the value malformed,
     * so they can never reach an identifier. Blank values and values longer than {@code maxLength} are
     * refused first. Comments may nest {@link #MAX_COMMENT_DEPTH} deep.
     */
    public static HeaderLexer of(String raw, int maxLength) {
        if (raw == null || raw.isBlank()) {
            throw new Failure(HeaderSyntaxError.Kind.EMPTY, 0, "empty value");
        }
        if (raw.length() > maxLength) {
            throw new Failure(HeaderSyntaxError.Kind.TOO_LONG, maxLength, "value longer than " + maxLength + " characters");
        }
        return new HeaderLexer(unfold(raw, Characters.NO_CONTROLS), MAX_COMMENT_DEPTH);
    }

    /** Same as {@link #of} but tolerates one trailing CRLF or LF (the field terminator). */
    public static HeaderLexer ofField(String raw, int maxLength) {
        return of(raw == null ? null : withoutTerminator(raw), maxLength);
    }

    /**
     * A From field body (folded or not, one trailing line terminator tolerated): unfolded with
     * {@link Characters#NO_CONTROLS_STRICT_UNICODE}; may be blank. Comments nest without a depth cap
     * (a counter, no recursion): the caller bounds the length instead.
     */
    static HeaderLexer ofAddressList(String raw) {
        return new HeaderLexer(unfold(withoutTerminator(raw), Characters.NO_CONTROLS_STRICT_UNICODE), Integer.MAX_VALUE);
    }

    private static String withoutTerminator(String v) {
        if (v.endsWith("\r\n")) {
            return v.substring(0, v.length() - 2);
        }
        return v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
    }

    /**
     * RFC 5322 §2.2.3: removes each CRLF (or bare LF) that is followed by WSP, keeping the WSP, and refuses
     * every other line break and the characters {@code refused} names. Positions are offsets in {@code v}.
     */
    static String unfold(String v, Characters refused) {
        boolean strictUnicode = refused == Characters.NO_CONTROLS_STRICT_UNICODE;
        StringBuilder b = new StringBuilder(v.length());
        int n = v.length();
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c == '\r') {
                if (i + 2 < n && v.charAt(i + 1) == '\n' && isWsp(v.charAt(i + 2))) {
                    i++; // drop CRLF, keep the WSP
                    continue;
                }
                throw failAt(HeaderSyntaxError.Kind.CONTROL_CHARACTER, i, "CR not part of a fold");
            }
            if (c == '\n') {
                if (i + 1 < n && isWsp(v.charAt(i + 1))) {
                    continue;
                }
                throw failAt(HeaderSyntaxError.Kind.CONTROL_CHARACTER, i, "line break not followed by whitespace");
            }
            if (c == 0) {
                throw failAt(HeaderSyntaxError.Kind.CONTROL_CHARACTER, i, "NUL character");
            }
            if (isCtl(c) || (strictUnicode && c >= 0x80 && c <= 0x9f)) {
                throw failAt(HeaderSyntaxError.Kind.CONTROL_CHARACTER, i, String.format("control character U+%04X", (int) c));
            }
            if (strictUnicode) {
                if (c == '\u2028' || c == '\u2029') {
                    throw failAt(HeaderSyntaxError.Kind.INVALID_CHARACTER, i, "Unicode line separator");
                }
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(v.charAt(i + 1))) {
                    b.append(c).append(v.charAt(++i));
                    continue;
                }
                if (Character.isSurrogate(c)) {
                    throw failAt(HeaderSyntaxError.Kind.INVALID_CHARACTER, i, "unpaired surrogate");
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    private static Failure failAt(HeaderSyntaxError.Kind kind, int position, String message) {
        return new Failure(kind, position, message + " at position " + position);
    }

    public static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 5234 CTL, except HTAB which is whitespace. */
    public static boolean isCtl(char c) {
        return (c < 0x20 && c != '\t') || c == 0x7f;
    }

    /** RFC 2045 §5.1 tspecials. */
    public static boolean isTspecial(char c) {
        return "()<>@,;:\\\"/[]?=".indexOf(c) >= 0;
    }

    /** RFC 2045 §5.1 token character (non-ASCII allowed, RFC 6532). */
    public static boolean isTokenChar(char c) {
        return c > 0x20 && c != 0x7f && !isTspecial(c);
    }

    public static boolean isLdh(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    /** RFC 5322 §3.6.8 ftext: printable US-ASCII except ':'. */
    public static boolean isFtext(char c) {
        return c >= 33 && c <= 126 && c != ':';
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

    /**
     * True when {@code text} holds {@code "=?"}, the opener of an RFC 2047 encoded-word. Stricter than
     * {@link #encodedWord}: a decoder lenient about the rest of the syntax could still decode from there.
     */
    public static boolean mayHoldEncodedWord(CharSequence text) {
        for (int i = 0; i + 1 < text.length(); i++) {
            if (text.charAt(i) == '=' && text.charAt(i + 1) == '?') {
                return true;
            }
        }
        return false;
    }

    /**
     * Recognises (does not decode) one RFC 2047 §2 encoded-word
     * {@code "=?" charset ["*" language] "?" encoding "?" encoded-text "?="} (language: RFC 2231 §5), with
     * encoding B or Q (RFC 2047 §4, any case). The 75-character limit of §2 is not enforced, since decoders
     * do not enforce it either; {@link EncodedWord#overLong()} tells.
     */
    public static Optional<EncodedWord> encodedWord(String word) {
        if (word == null || !word.startsWith("=?") || !word.endsWith("?=") || word.length() < 8) {
            return Optional.empty();
        }
        int q1 = word.indexOf('?', 2);
        int q2 = q1 < 0 ? -1 : word.indexOf('?', q1 + 1);
        if (q2 < 0 || q2 + 1 >= word.length() - 2) {
            return Optional.empty();
        }
        String charsetAndLanguage = word.substring(2, q1);
        String encoding = word.substring(q1 + 1, q2);
        String text = word.substring(q2 + 1, word.length() - 2);
        int star = charsetAndLanguage.indexOf('*');
        String charset = star < 0 ? charsetAndLanguage : charsetAndLanguage.substring(0, star);
        Optional<String> language = star < 0 ? Optional.empty() : Optional.of(charsetAndLanguage.substring(star + 1));
        if (!isEncodedWordToken(charset) || language.filter(l -> !isEncodedWordToken(l)).isPresent()
                || !(encoding.equalsIgnoreCase("B") || encoding.equalsIgnoreCase("Q"))) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // RFC 2047 §2: encoded-text = 1*<any printable ASCII character other than "?" or SPACE>
            if (c <= 0x20 || c >= 0x7f || c == '?') {
                return Optional.empty();
            }
        }
        return Optional.of(new EncodedWord(charset, language, Character.toUpperCase(encoding.charAt(0)), text,
                word.length()));
    }

    /**
     * The encoded-word that mail clients read from the {@code "=?"} at {@code start}, whatever it contains.
     * Decoders look for {@code "=?" charset "?" encoding "?" text "?="} and differ in the details (Python's
     * {@code email} takes everything up to the first {@code "?="} and decodes even inside quoted strings,
     * others match a pattern such as {@code =\?[^?]*\?[BQ]\?[^?]*\?=}), but none stops at a quote, a
     * parenthesis, an angle bracket or a space, so such a word swallows address syntax. The extent here is the
     * charset up to the next '?', the encoding up to the next, the text up to the next '?', which must be
     * followed by '='. Empty when there is no such extent, or when it is not strictly an RFC 2047 §2 encoded-word
     * ({@link #encodedWord}); for a strict one every decoder above reads the same extent.
     */
    public static Optional<EncodedWord> encodedWordAt(String text, int start) {
        int end = encodedWordExtent(text, start);
        return end < 0 ? Optional.empty() : encodedWord(text.substring(start, end));
    }

    /**
     * The end (exclusive) of what a decoder reads as an encoded-word from the {@code "=?"} at {@code start},
     * see {@link #encodedWordAt}; -1 when there is no {@code "=?"} there or no {@code "?" ... "?" ... "?="} after it.
     */
    public static int encodedWordExtent(String text, int start) {
        if (!text.startsWith("=?", start)) {
            return -1;
        }
        int q1 = text.indexOf('?', start + 2);
        int q2 = q1 < 0 ? -1 : text.indexOf('?', q1 + 1);
        int q3 = q2 < 0 ? -1 : text.indexOf('?', q2 + 1);
        return q3 >= 0 && q3 + 1 < text.length() && text.charAt(q3 + 1) == '=' ? q3 + 2 : -1;
    }

    // RFC 2047 §2: token = 1*<any CHAR except SPACE, CTLs and especials>
    private static boolean isEncodedWordToken(String t) {
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\"/[]?.=*\\".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    public String source() {
        return s;
    }

    public int pos() {
        return pos;
    }

    public boolean atEnd() {
        return pos >= s.length();
    }

    public char peek() {
        return s.charAt(pos);
    }

    public boolean peekIs(char c) {
        return pos < s.length() && s.charAt(pos) == c;
    }

    public char charAt(int i) {
        return i >= 0 && i < s.length() ? s.charAt(i) : '\0';
    }

    public void expect(char c, String what) {
        if (!peekIs(c)) {
            throw fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected " + what);
        }
        pos++;
    }

    public boolean accept(char c) {
        if (peekIs(c)) {
            pos++;
            return true;
        }
        return false;
    }

    /** A failure at the cursor; the message gets the position appended. */
    public Failure fail(HeaderSyntaxError.Kind kind, String message) {
        return failAt(kind, pos, message);
    }

    /** Skips WSP only; true when something was skipped. */
    public boolean skipWsp() {
        int start = pos;
        while (pos < s.length() && isWsp(s.charAt(pos))) {
            pos++;
        }
        return pos > start;
    }

    /** RFC 5322 §3.2.2 CFWS: any mix of whitespace and (nested) comments; true when something was skipped. */
    public boolean skipCfws() {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (isWsp(c)) {
                pos++;
            } else if (c == '(') {
                skipComment();
            } else {
                break;
            }
        }
        return pos > start;
    }

    /**
     * Reads one comment starting at '(' and returns its raw content (without the outer parentheses).
     * RFC 5322 §3.2.2: comments nest and a quoted-pair escapes any character, so "\)" does not close it.
     */
    public String readComment() {
        int open = pos;
        skipComment();
        return s.substring(open + 1, pos - 1);
    }

    // Nesting is a counter, not recursion: the depth cap is a policy, not a stack limit.
    private void skipComment() {
        int open = pos;
        expect('(', "'('");
        int depth = 1;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\\') {
                if (pos + 1 >= s.length()) {
                    break;
                }
                pos += 2;
                continue;
            }
            pos++;
            if (c == '(') {
                depth++;
                if (depth > maxCommentDepth) {
                    throw fail(HeaderSyntaxError.Kind.COMMENT_TOO_DEEP, "comments nested deeper than " + maxCommentDepth);
                }
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return;
                }
            }
        }
        throw new Failure(HeaderSyntaxError.Kind.UNTERMINATED_COMMENT, open, "comment opened at position " + open + " is not closed");
    }

    /** RFC 5322 §3.2.4 quoted-string starting at '"'; returns the content with quoted-pairs resolved. */
    public String readQuotedString() {
        int open = pos;
        skipQuotedString();
        StringBuilder b = new StringBuilder(pos - open);
        for (int i = open + 1; i < pos - 1; i++) {
            char c = s.charAt(i);
            b.append(c == '\\' ? s.charAt(++i) : c);
        }
        return b.toString();
    }

    /** RFC 5322 §3.2.4 quoted-string starting at '"', as written: quotes and quoted-pairs kept. */
    public String readQuotedStringAsWritten() {
        int open = pos;
        skipQuotedString();
        return s.substring(open, pos);
    }

    private void skipQuotedString() {
        int open = pos;
        expect('"', "'\"'");
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '\\') {
                if (pos >= s.length()) {
                    break;
                }
                pos++;
            } else if (c == '"') {
                return;
            }
        }
        throw new Failure(HeaderSyntaxError.Kind.UNTERMINATED_QUOTED_STRING, open,
                "quoted-string opened at position " + open + " is not closed");
    }

    /** True when an atom character ({@link #isAtext}) is at the cursor. */
    public boolean atAtext() {
        return pos < s.length() && isAtext(s.codePointAt(pos));
    }

    /** RFC 5322 §3.2.3 atom (without CFWS) with RFC 6532 UTF-8, see {@link #isAtext}; empty when none here. */
    public String readAtom() {
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

    /** RFC 2045 token; empty when none at the cursor. */
    public String readToken() {
        int start = pos;
        while (pos < s.length() && isTokenChar(s.charAt(pos))) {
            pos++;
        }
        return s.substring(start, pos);
    }

    /** RFC 2045 value = token / quoted-string; null when neither starts here. */
    public String readValue() {
        if (peekIs('"')) {
            return readQuotedString();
        }
        String t = readToken();
        return t.isEmpty() ? null : t;
    }

    /** RFC 8601 Keyword (RFC 5321 ldh-str), lower-cased; empty when none at the cursor. */
    public String readKeyword() {
        int start = pos;
        while (pos < s.length() && isLdh(s.charAt(pos))) {
            pos++;
        }
        String k = s.substring(start, pos);
        if (!k.isEmpty() && k.charAt(k.length() - 1) == '-') {
            throw new Failure(HeaderSyntaxError.Kind.UNEXPECTED, start, "keyword '" + k + "' ends with '-'");
        }
        return k.toLowerCase(Locale.ROOT);
    }

    public String readDigits() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        return s.substring(start, pos);
    }

    /**
     * A lenient unquoted value run: any visible character except the ones that delimit CFWS, results
     * and quoted-strings ({@code ( ) ; " \}). Real fields carry unquoted '@', '/', '=', '+' (addresses,
     * base64 header.b) that RFC 2045 tokens do not allow; anything odd is caught later by
     * {@link org.jamesdmarc.dns.DomainName} when the value is used as a domain.
     */
    public String readLooseValue() {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c <= 0x20 || c == 0x7f || c == '(' || c == ')' || c == ';' || c == '"' || c == '\\') {
                break;
            }
            pos++;
        }
        return s.substring(start, pos);
    }

    /** {@code raw} cut to 80 characters with control characters shown as {@code \xNN}, for messages. */
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
