package org.jamesdmarc.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses the value of one Authentication-Results header field (RFC 8601 §2.2):
 * <pre>
 * authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS]
 * resinfo         = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
 * methodspec      = [CFWS] method [CFWS] "=" [CFWS] result      ; method = Keyword [ "/" version ]
 * propspec        = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 * </pre>
 * Keywords are case-insensitive and returned lower-case. Comments may appear wherever CFWS may.
 * Never throws: a malformed value gives {@link AuthResParseResult.Invalid}. Work is bounded by
 * {@link #MAX_LENGTH}, {@link #MAX_RESULTS}, {@link #MAX_PROPERTIES} and the comment depth cap.
 */
public final class AuthenticationResultsParser {

    /** Values longer than this are refused outright (bounded work). */
    public static final int MAX_LENGTH = 16 * 1024;
    /** At most this many resinfo per field. */
    public static final int MAX_RESULTS = 64;
    /** At most this many properties per resinfo. */
    public static final int MAX_PROPERTIES = 32;

    private AuthenticationResultsParser() {
    }

    public static AuthResParseResult parse(String value) {
        try {
            return new AuthResParseResult.Parsed(parseOrThrow(HeaderLexer.ofField(value, MAX_LENGTH)));
        } catch (HeaderLexer.Failure f) {
            return new AuthResParseResult.Invalid(f.error);
        } catch (RuntimeException e) {
            // Defensive: no parser bug may escape as an exception.
            return new AuthResParseResult.Invalid(new HeaderSyntaxError(HeaderSyntaxError.Kind.UNEXPECTED, 0,
                    "internal parser error: " + e.getClass().getSimpleName()));
        }
    }

    /**
     * Lenient read of the authserv-id only (RFC 8601 §2.5), for deciding whether a field claims to be
     * ours even when the rest is malformed. Empty when not even that can be read.
     */
    public static Optional<String> authservId(String value) {
        try {
            HeaderLexer lx = HeaderLexer.ofField(value, MAX_LENGTH);
            lx.skipCfws();
            return Optional.ofNullable(lx.readValue()).filter(s -> !s.isBlank());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static AuthenticationResults parseOrThrow(HeaderLexer lx) {
        lx.skipCfws();
        // RFC 8601 §2.5: authserv-id = value (token / quoted-string).
        String authservId = lx.readValue();
        if (authservId == null || authservId.isBlank()) {
            throw lx.fail(HeaderSyntaxError.Kind.MISSING_AUTHSERV_ID, "expected authserv-id");
        }
        boolean separated = lx.skipCfws();
        Optional<String> version = Optional.empty();
        // RFC 8601 §2.2: [ CFWS authres-version ], authres-version = 1*DIGIT.
        if (separated && !lx.atEnd() && Character.isDigit(lx.peek()) && lx.peek() < 0x80) {
            version = Optional.of(lx.readDigits());
            lx.skipCfws();
        }
        if (lx.atEnd()) {
            throw lx.fail(HeaderSyntaxError.Kind.NO_RESULTS, "expected '; none' or a result");
        }
        List<MethodResult> results = new ArrayList<>();
        boolean none = false;
        while (!lx.atEnd()) {
            lx.expect(';', "';'");
            lx.skipCfws();
            if (lx.atEnd()) {
                break; // tolerate one trailing ';', which many writers emit
            }
            if (none) {
                throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "'none' must be the only result");
            }
            int methodStart = lx.pos();
            String method = lx.readKeyword();
            if (method.isEmpty()) {
                throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected a method");
            }
            lx.skipCfws();
            // RFC 8601 §2.2: no-result = [CFWS] ";" [CFWS] "none".
            if (method.equals("none") && (lx.atEnd() || lx.peekIs(';'))) {
                if (!results.isEmpty()) {
                    throw new HeaderLexer.Failure(HeaderSyntaxError.Kind.UNEXPECTED, methodStart,
                            "'none' must be the only result");
                }
                none = true;
                continue;
            }
            if (results.size() >= MAX_RESULTS) {
                throw lx.fail(HeaderSyntaxError.Kind.TOO_MANY_ITEMS, "more than " + MAX_RESULTS + " results");
            }
            results.add(readResinfo(lx, method));
        }
        if (results.isEmpty() && !none) {
            throw lx.fail(HeaderSyntaxError.Kind.NO_RESULTS, "expected '; none' or a result");
        }
        return new AuthenticationResults(authservId, version, results);
    }

    /** The rest of a resinfo after its method keyword (and CFWS). */
    private static MethodResult readResinfo(HeaderLexer lx, String method) {
        Optional<String> methodVersion = Optional.empty();
        // RFC 8601 §2.2: method = Keyword [ [CFWS] "/" [CFWS] method-version ].
        if (lx.accept('/')) {
            lx.skipCfws();
            String digits = lx.readDigits();
            if (digits.isEmpty()) {
                throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected a method version");
            }
            methodVersion = Optional.of(digits);
            lx.skipCfws();
        }
        lx.expect('=', "'=' after method '" + method + "'");
        lx.skipCfws();
        String result = lx.readKeyword();
        if (result.isEmpty()) {
            throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected a result keyword for '" + method + "'");
        }
        Optional<String> reason = Optional.empty();
        List<Property> properties = new ArrayList<>();
        while (true) {
            boolean separated = lx.skipCfws();
            if (lx.atEnd() || lx.peekIs(';')) {
                break;
            }
            // RFC 8601 §2.2: reasonspec and propspec are each preceded by CFWS.
            if (!separated) {
                throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected whitespace before a property");
            }
            String keyword = lx.readKeyword();
            if (keyword.isEmpty()) {
                throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected a property or ';'");
            }
            lx.skipCfws();
            if (keyword.equals("reason") && lx.peekIs('=')) {
                // RFC 8601 §2.2: reasonspec = "reason" [CFWS] "=" [CFWS] value; once, before the properties.
                if (reason.isPresent() || !properties.isEmpty()) {
                    throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "reason must come once, before the properties");
                }
                lx.expect('=', "'='");
                lx.skipCfws();
                String r = lx.readValue();
                if (r == null) {
                    throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected a reason value");
                }
                reason = Optional.of(r);
                continue;
            }
            if (properties.size() >= MAX_PROPERTIES) {
                throw lx.fail(HeaderSyntaxError.Kind.TOO_MANY_ITEMS, "more than " + MAX_PROPERTIES + " properties");
            }
            properties.add(readProperty(lx, keyword));
        }
        return new MethodResult(method, methodVersion, result, reason, properties);
    }

    /** propspec after its ptype keyword (and CFWS). */
    private static Property readProperty(HeaderLexer lx, String ptype) {
        lx.expect('.', "'.' after ptype '" + ptype + "'");
        lx.skipCfws();
        String name = lx.readKeyword();
        if (name.isEmpty()) {
            throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected a property name after '" + ptype + ".'");
        }
        lx.skipCfws();
        lx.expect('=', "'=' after '" + ptype + "." + name + "'");
        lx.skipCfws();
        int valueStart = lx.pos();
        boolean attachedBefore = lx.charAt(valueStart - 1) == ')';
        String value;
        // RFC 8601 §2.2: pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS].
        if (lx.peekIs('"')) {
            String quoted = lx.readQuotedString();
            if (lx.accept('@')) {
                // quoted local-part "@" domain: keep the address form so the domain stays after the last '@'.
                value = quote(quoted) + "@" + lx.readLooseValue();
            } else {
                value = quoted;
            }
        } else {
            value = lx.readLooseValue();
            if (value.isEmpty()) {
                throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected a value for '" + ptype + "." + name + "'");
            }
        }
        boolean attachedAfter = lx.peekIs('(');
        if (!lx.atEnd() && !lx.peekIs(';') && !lx.peekIs('(') && !HeaderLexer.isWsp(lx.peek())) {
            throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "unexpected character after '" + ptype + "." + name + "' value");
        }
        return new Property(ptype, name, value, attachedBefore || attachedAfter);
    }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
