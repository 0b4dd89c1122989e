package org.jamesdmarc.auth;

import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.mail.HeaderLexer;
import org.jamesdmarc.mail.HeaderSyntaxError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * Reads Received-SPF fields (RFC 7208 §9.1):
 * <pre>
 * header-field   = "Received-SPF:" [CFWS] result FWS [comment FWS] [ key-value-list ] CRLF
 * key-value-list = key-value-pair *( ";" [CFWS] key-value-pair ) [";"]
 * key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string )
 * </pre>
 * and decides whether one may stand in for our own SPF check. After CVE-2019-20790 (OpenDMARC trusted
 * any Received-SPF, including one the sender wrote) the rules are: only the topmost field (the one our
 * trusted relay added), only for identity=mailfrom (identity=helo when the reverse-path is null), and only
 * when envelope-from (resp. helo) matches what was actually seen in the SMTP session.
 */
public final class ReceivedSpfParser {

    public static final int MAX_LENGTH = 4096;
    public static final int MAX_KEYS = 32;

    private ReceivedSpfParser() {
    }

    public static ReceivedSpfParseResult parse(String value) {
        try {
            return new ReceivedSpfParseResult.Parsed(parseOrThrow(HeaderLexer.ofField(value, MAX_LENGTH)));
        } catch (HeaderLexer.Failure f) {
            return new ReceivedSpfParseResult.Invalid(f.error);
        } catch (RuntimeException e) {
            return new ReceivedSpfParseResult.Invalid(new HeaderSyntaxError(HeaderSyntaxError.Kind.UNEXPECTED, 0,
                    "internal parser error: " + e.getClass().getSimpleName()));
        }
    }

    private static ReceivedSpf parseOrThrow(HeaderLexer lx) {
        lx.skipCfws();
        int start = lx.pos();
        String keyword = lx.readKeyword();
        // RFC 7208 §9.1: result is one of the §2.6 results.
        Optional<SpfResult> result = SpfResult.fromKeyword(keyword);
        if (keyword.isEmpty() || result.isEmpty()) {
            throw new HeaderLexer.Failure(HeaderSyntaxError.Kind.UNKNOWN_RESULT, start,
                    "unknown Received-SPF result '" + keyword + "'");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        boolean separated = lx.skipCfws();
        while (!lx.atEnd()) {
            if (keys.isEmpty() && !separated) {
                throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected whitespace after the result");
            }
            String key = readKey(lx);
            lx.skipCfws();
            lx.expect('=', "'=' after key '" + key + "'");
            lx.skipCfws();
            String v = lx.peekIs('"') ? lx.readQuotedString() : lx.readLooseValue();
            if (keys.containsKey(key)) {
                // Two envelope-from (or identity) keys would be ambiguous: refuse the field.
                throw lx.fail(HeaderSyntaxError.Kind.DUPLICATE_KEY, "key '" + key + "' given twice");
            }
            if (keys.size() >= MAX_KEYS) {
                throw lx.fail(HeaderSyntaxError.Kind.TOO_MANY_ITEMS, "more than " + MAX_KEYS + " keys");
            }
            keys.put(key, v);
            lx.skipCfws();
            if (lx.atEnd()) {
                break;
            }
            lx.expect(';', "';' between key-value pairs");
            lx.skipCfws();
        }
        return new ReceivedSpf(result.get(), keys);
    }

    private static String readKey(HeaderLexer lx) {
        int start = lx.pos();
        while (!lx.atEnd()) {
            char c = lx.peek();
            if (!(HeaderLexer.isLdh(c) || c == '_' || c == '.')) {
                break;
            }
            lx.accept(c);
        }
        String key = lx.source().substring(start, lx.pos());
        if (key.isEmpty()) {
            throw lx.fail(HeaderSyntaxError.Kind.UNEXPECTED, "expected a key");
        }
        return key.toLowerCase(Locale.ROOT);
    }

    /**
     * Decides on the topmost Received-SPF field among {@code fields} (message order, topmost first).
     *
     * @param envelopeSender the SMTP MAIL FROM address we saw; empty (or "" / "&lt;&gt;") for a null reverse-path
     * @param heloName       the HELO/EHLO name we saw (needed only for a null reverse-path)
     */
    public static ReceivedSpfVerdict evaluateTopmost(List<HeaderField> fields, Optional<String> envelopeSender,
            Optional<String> heloName) {
        Optional<HeaderField> top = fields.stream().filter(f -> f.hasName("Received-SPF")).findFirst();
        if (top.isEmpty()) {
            return notTrusted(ReceivedSpfVerdict.Reason.ABSENT, "no Received-SPF field");
        }
        ReceivedSpfParseResult parsed = parse(top.get().value());
        if (parsed instanceof ReceivedSpfParseResult.Invalid m) {
            return notTrusted(ReceivedSpfVerdict.Reason.MALFORMED, m.error().message());
        }
        ReceivedSpf field = ((ReceivedSpfParseResult.Parsed) parsed).field();
        return evaluate(field, envelopeSender, heloName);
    }

    /** Same rules on one already parsed field, which the caller knows to be the topmost. */
    public static ReceivedSpfVerdict evaluate(ReceivedSpf field, Optional<String> envelopeSender,
            Optional<String> heloName) {
        Optional<String> sender = envelopeSender.map(ReceivedSpfParser::bareAddress).filter(s -> !s.isEmpty());
        Optional<String> identity = field.identity();
        if (identity.isEmpty()) {
            return notTrusted(ReceivedSpfVerdict.Reason.NO_IDENTITY, "no identity key");
        }
        if (sender.isPresent()) {
            // RFC 7208 §2.4 / RFC 9989: with a MAIL FROM, DMARC uses the mailfrom check only.
            if (!identity.get().equals("mailfrom")) {
                return notTrusted(ReceivedSpfVerdict.Reason.WRONG_IDENTITY, "identity=" + identity.get());
            }
            Optional<String> envFrom = field.envelopeFrom().map(ReceivedSpfParser::bareAddress);
            if (envFrom.isEmpty() || envFrom.get().isEmpty()) {
                return notTrusted(ReceivedSpfVerdict.Reason.NO_ENVELOPE_FROM, "no envelope-from key");
            }
            // CVE-2019-20790: the field must be about the sender we actually saw.
            if (!envFrom.get().equalsIgnoreCase(sender.get())) {
                return notTrusted(ReceivedSpfVerdict.Reason.ENVELOPE_FROM_MISMATCH,
                        "envelope-from " + envFrom.get() + " is not the envelope sender " + sender.get());
            }
            int at = sender.get().lastIndexOf('@');
            Optional<DomainName> domain = at < 0 ? Optional.empty() : DomainName.parse(sender.get().substring(at + 1));
            return domain.<ReceivedSpfVerdict>map(d -> new ReceivedSpfVerdict.Trusted(
                    new SpfOutcome(field.result(), d, SpfScope.MFROM), field))
                    .orElseGet(() -> notTrusted(ReceivedSpfVerdict.Reason.INVALID_DOMAIN, "sender " + sender.get()));
        }
        // RFC 7208 §2.4: null reverse-path, the HELO identity is what counts.
        if (!identity.get().equals("helo")) {
            return notTrusted(ReceivedSpfVerdict.Reason.WRONG_IDENTITY, "identity=" + identity.get()
                    + " with a null reverse-path");
        }
        Optional<String> fieldHelo = field.helo().map(String::strip).filter(s -> !s.isEmpty());
        if (fieldHelo.isEmpty() || heloName.isEmpty() || heloName.get().isBlank()) {
            return notTrusted(ReceivedSpfVerdict.Reason.NO_HELO, "helo key or HELO name missing");
        }
        if (!stripDot(fieldHelo.get()).equalsIgnoreCase(stripDot(heloName.get().strip()))) {
            return notTrusted(ReceivedSpfVerdict.Reason.HELO_MISMATCH,
                    "helo " + fieldHelo.get() + " is not the HELO name " + heloName.get());
        }
        return DomainName.parse(fieldHelo.get()).<ReceivedSpfVerdict>map(d -> new ReceivedSpfVerdict.Trusted(
                new SpfOutcome(field.result(), d, SpfScope.HELO), field))
                .orElseGet(() -> notTrusted(ReceivedSpfVerdict.Reason.INVALID_DOMAIN, "helo " + fieldHelo.get()));
    }

    private static ReceivedSpfVerdict notTrusted(ReceivedSpfVerdict.Reason reason, String detail) {
        return new ReceivedSpfVerdict.NotTrusted(reason, detail);
    }

    /** "&lt;a@b&gt;" → "a@b"; "&lt;&gt;" → "". */
    private static String bareAddress(String s) {
        String v = s.strip();
        if (v.startsWith("<") && v.endsWith(">") && v.length() >= 2) {
            v = v.substring(1, v.length() - 1).strip();
        }
        return v;
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
