package org.jamesdmarc.check;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.mail.AuthenticationResultsParser;
import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.mail.HeaderLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * Builds our Authentication-Results field (RFC 8601 §2.2):
 * <pre>
 * authserv-id; dmarc=fail (p=reject dis=reject) header.from=example.com;
 *  spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com header.s=s1
 * </pre>
 * Values that are not RFC 2045 tokens are written as quoted-strings; control and non-ASCII characters
 * in free text (reasons, selectors) are replaced by '?' so no input can break the field or smuggle a
 * second result. Identity values are {@link DomainName}s, written as their A-label text; an identity
 * that is absent (no valid domain name) leaves the property out. What this writes,
 * {@link AuthenticationResultsParser} reads back to the same values.
 */
public final class AuthenticationResultsWriter {

    /** Free-text reasons are cut to this many characters. */
    public static final int MAX_REASON_LENGTH = 256;

    private final String authservId;

    /** @param authservId our authserv-id (RFC 8601 §2.5, normally the host name); must not be blank. */
    public AuthenticationResultsWriter(String authservId) {
        Objects.requireNonNull(authservId, "authservId");
        if (authservId.isBlank()) {
            throw new IllegalArgumentException("authserv-id must not be blank");
        }
        if (authservId.chars().anyMatch(c -> HeaderLexer.isCtl((char) c) || c == '\t')) {
            throw new IllegalArgumentException("authserv-id must not contain control characters");
        }
        this.authservId = authservId.strip();
    }

    /** The field. */
    public HeaderField field(DmarcSummary dmarc, Optional<SpfOutcome> spf, List<DkimOutcome> dkim) {
        return new HeaderField("Authentication-Results", value(dmarc, spf, dkim));
    }

    /** The field value on one line. */
    public String value(DmarcSummary dmarc, Optional<SpfOutcome> spf, List<DkimOutcome> dkim) {
        return String.join("; ", parts(dmarc, spf, dkim));
    }

    /** The field value folded (RFC 5322 §2.2.3) with one resinfo per line, for long fields. */
    public String foldedValue(DmarcSummary dmarc, Optional<SpfOutcome> spf, List<DkimOutcome> dkim) {
        return String.join(";\r\n\t", parts(dmarc, spf, dkim));
    }

    private List<String> parts(DmarcSummary dmarc, Optional<SpfOutcome> spf, List<DkimOutcome> dkim) {
        Objects.requireNonNull(dmarc, "dmarc");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(dkim, "dkim");
        List<String> parts = new ArrayList<>();
        parts.add(value(authservId));
        parts.add(dmarc(dmarc));
        spf.ifPresent(s -> parts.add(spf(s)));
        for (DkimOutcome d : dkim) {
            parts.add(dkim(d));
        }
        return parts;
    }

    private static String dmarc(DmarcSummary d) {
        StringBuilder b = new StringBuilder("dmarc=").append(d.result().keyword());
        // The policy and disposition go in a comment, as OpenDMARC writes them; they are keywords, safe in a comment.
        if (d.policy().isPresent() || d.disposition().isPresent()) {
            List<String> c = new ArrayList<>();
            d.policy().ifPresent(p -> c.add("p=" + p.tagValue()));
            d.disposition().ifPresent(p -> c.add("dis=" + p.reportValue()));
            b.append(" (").append(String.join(" ", c)).append(')');
        }
        reason(b, d.reason().orElse(""));
        d.fromDomain().ifPresent(f -> b.append(" header.from=").append(f.name()));
        return b.toString();
    }

    private static String spf(SpfOutcome s) {
        StringBuilder b = new StringBuilder("spf=").append(s.result().keyword());
        // RFC 8601 §2.7.2: smtp.mailfrom for the MAIL FROM identity, smtp.helo for HELO.
        s.domain().ifPresent(d ->
                b.append(s.scope() == SpfScope.HELO ? " smtp.helo=" : " smtp.mailfrom=").append(d.name()));
        return b.toString();
    }

    private static String dkim(DkimOutcome d) {
        StringBuilder b = new StringBuilder("dkim=").append(d.result().keyword());
        reason(b, d.reason());
        // RFC 8601 §2.7.1: header.d (signing domain) and header.s (selector).
        d.domain().ifPresent(dom -> b.append(" header.d=").append(dom.name()));
        if (!d.selector().isEmpty()) {
            b.append(" header.s=").append(value(sanitize(d.selector())));
        }
        return b.toString();
    }

    /**
     * The {@code arc=} resinfo of RFC 8617 §10.2 (method {@code arc}; {@code header.oldest-pass} for a pass), with the
     * reason of a fail, e.g. {@code arc=pass header.oldest-pass=0} or
     * {@code arc=fail reason="ARC-Seal i=2: signature did not verify"}; a key the DNS could not give for now is
     * {@code arc=temperror reason="..."} (RFC 8601 §2.7's transient-error keyword; RFC 8617 registers none, pass and
     * fail for {@code arc}: the choice is explained in DEVELOPMENT.md, "ARC").
     */
    public static String arc(ArcOutcome arc) {
        StringBuilder b = new StringBuilder("arc=").append(arc.result().keyword());
        if (arc.result() == ArcResult.FAIL || arc.result() == ArcResult.TEMPERROR) {
            reason(b, arc.reason());
        } else if (arc.result() == ArcResult.PASS) {
            b.append(" header.oldest-pass=").append(arc.oldestPass());
        }
        return b.toString();
    }

    private static void reason(StringBuilder b, String reason) {
        if (!reason.isBlank()) {
            String r = sanitize(reason.strip());
            if (r.length() > MAX_REASON_LENGTH) {
                r = r.substring(0, MAX_REASON_LENGTH);
            }
            // RFC 8601 §2.2 reasonspec: value; always quoted for readability.
            b.append(" reason=").append(AuthenticationResultsParser.quote(r));
        }
    }

    /** RFC 2045 value: the token itself when it is one, else a quoted-string. */
    static String value(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> c < 0x80 && HeaderLexer.isTokenChar((char) c))) {
            return s;
        }
        return AuthenticationResultsParser.quote(s);
    }

    /** Replaces control and non-ASCII characters (which would need SMTPUTF8 or could break the field) by '?'. */
    static String sanitize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
