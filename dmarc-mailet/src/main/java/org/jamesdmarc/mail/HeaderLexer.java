package org.jamesdmarc.mail;

import java.util.Locale;

/**
 * Cursor over one unfolded header field value with the RFC 5322 §3.2 lexical pieces shared by the
 * Authentication-Results, Received-SPF and Received parsers (CFWS, comments, quoted-strings, tokens).
 * Errors are raised as {@link Failure}, which the parsers catch and turn into a {@link HeaderSyntaxError};
 * it never leaves this package.
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

    static final int MAX_COMMENT_DEPTH = 16;

    private final String s;
    private int pos;

    private HeaderLexer(String unfolded) {
        this.s = unfolded;
    }

    /**
     * RFC 5322 §2.2.3 unfolding (a CRLF, or a bare LF, followed by WSP is removed), then checks that no
     * control character is left: NUL, CR, LF and the other CTLs except HTAB make the value malformed,
     * so they can never reach an identifier. Values longer than {@code maxLength} are refused first.
     */
    public static HeaderLexer of(String raw, int maxLength) {
        if (raw == null || raw.isBlank()) {
            throw new Failure(HeaderSyntaxError.Kind.EMPTY, 0, "empty value");
        }
        if (raw.length() > maxLength) {
            throw new Failure(HeaderSyntaxError.Kind.TOO_LONG, maxLength, "value longer than " + maxLength + " characters");
        }
        StringBuilder b = new StringBuilder(raw.length());
        int n = raw.length();
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c == '\r' && i + 2 < n && raw.charAt(i + 1) == '\n' && isWsp(raw.charAt(i + 2))) {
                i++; // drop CRLF, keep the WSP
                continue;
            }
            if (c == '\n' && i + 1 < n && isWsp(raw.charAt(i + 1))) {
                continue;
            }
            if (isCtl(c)) {
                throw new Failure(HeaderSyntaxError.Kind.CONTROL_CHARACTER, i,
                        String.format("control character U+%04X", (int) c));
            }
            b.append(c);
        }
        return new HeaderLexer(b.toString());
    }

    /** Same as {@link #of} but tolerates one trailing CRLF or LF (the field terminator). */
    public static HeaderLexer ofField(String raw, int maxLength) {
        String v = raw;
        if (v != null && v.endsWith("\r\n")) {
            v = v.substring(0, v.length() - 2);
        } else if (v != null && v.endsWith("\n")) {
            v = v.substring(0, v.length() - 1);
        }
        return of(v, maxLength);
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

    public Failure fail(HeaderSyntaxError.Kind kind, String message) {
        return new Failure(kind, pos, message + " at position " + pos);
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
                readComment();
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
                if (depth > MAX_COMMENT_DEPTH) {
                    throw fail(HeaderSyntaxError.Kind.COMMENT_TOO_DEEP, "comments nested deeper than " + MAX_COMMENT_DEPTH);
                }
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return s.substring(open + 1, pos - 1);
                }
            }
        }
        throw new Failure(HeaderSyntaxError.Kind.UNTERMINATED_COMMENT, open, "comment opened at position " + open + " is not closed");
    }

    /** RFC 5322 §3.2.4 quoted-string starting at '"'; returns the content with quoted-pairs resolved. */
    public String readQuotedString() {
        int open = pos;
        expect('"', "'\"'");
        StringBuilder b = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '\\') {
                if (pos >= s.length()) {
                    break;
                }
                b.append(s.charAt(pos++));
            } else if (c == '"') {
                return b.toString();
            } else {
                b.append(c);
            }
        }
        throw new Failure(HeaderSyntaxError.Kind.UNTERMINATED_QUOTED_STRING, open,
                "quoted-string opened at position " + open + " is not closed");
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
}
