package org.jamesdmarc.mail;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.dns.DomainName;

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
 *   <li>Display names (quoted, atoms, encoded-words) and comments never contribute an address. Encoded-words
 *       are read as mail clients read them (issue 8): one inside an addr-spec, an ill-formed one, or one whose
 *       extent or decoded text could change the address structure makes the field Malformed.</li>
 *   <li>A bare CR anywhere in the header section makes the From Malformed (RFC 5322 §2.2; readers split lines
 *       there differently), and so does a domain that is no IDNA2008 name or holds an invisible code point.</li>
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
                AddressListParser.Parsed parsed = AddressListParser.parse(rawFromFieldValues.get(i));
                mailboxes.addAll(parsed.mailboxes());
                sawGroup |= parsed.sawGroup();
            } catch (HeaderLexer.Failure e) {
                String where = fieldCount > 1 ? "From field " + (i + 1) + " of " + fieldCount + ": " : "";
                return new AuthorDomainResult.Malformed(where + e.error.message());
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
        Set<DomainName> domains = new LinkedHashSet<>();
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
     * Extracts the Author Domain from the From fields of a header section read once by {@link HeaderSection}.
     * Field names match case-insensitively, with the obsolete whitespace before the colon (RFC 5322 §4.5.3
     * obs-from) still counting as From, so that a second, disguised From field is never overlooked. The
     * section's structural anomalies are read strictly, since parsers disagree on where such a header section
     * ends or what its fields are: a line that is neither a field nor a continuation, a continuation line
     * before any field, a continuation line that reads like {@code From:}, or a bare CR anywhere makes the
     * result Malformed rather than ignored, as does a section over the cap (a From field past it would go
     * unseen). A first line starting with {@code "From "} (mbox separator) is skipped, unless it reads
     * {@code "From" *WSP ":"}; an empty first line means an empty header section.
     */
    public static AuthorDomainResult authorDomainFromHeader(HeaderSection header) {
        Objects.requireNonNull(header, "header");
        List<HeaderSection.Anomaly> anomalies = header.anomalies();
        if (!anomalies.isEmpty() && anomalies.get(0).kind() == HeaderSection.Anomaly.Kind.EMPTY_FIRST_LINE) {
            return new AuthorDomainResult.Missing(); // RFC 5322 §2.1: the empty line ends the header section
        }
        // The first refusal, and the line where the From bodies pass MAX_TOTAL_CHARS: whichever comes first
        // in the header (the refusal on a tie) is the answer, as for a reader that stops at the first problem.
        int refusalLine = Integer.MAX_VALUE;
        String refusal = null;
        for (HeaderSection.Anomaly a : anomalies) {
            Optional<String> r = refusal(header, a);
            if (r.isPresent()) {
                refusalLine = a.line();
                refusal = r.get();
                break;
            }
        }
        List<String> values = new ArrayList<>();
        long fromChars = 0;
        for (HeaderSection.RawField f : header.rawFields()) {
            if (f.line() > refusalLine) {
                break;
            }
            if (!f.hasStrictName("From")) {
                continue;
            }
            String body = f.body();
            int lineStart = 0;
            for (int k = 0; ; k++) {
                int lf = body.indexOf('\n', lineStart);
                int lineEnd = lf < 0 ? body.length() : lf - 1; // a fold is CRLF
                fromChars += (k == 0 ? 0 : 2) + lineEnd - lineStart;
                if (fromChars > MAX_TOTAL_CHARS && f.line() + k < refusalLine) {
                    return new AuthorDomainResult.Malformed(
                            "From field(s) longer than " + MAX_TOTAL_CHARS + " characters");
                }
                if (lf < 0) {
                    break;
                }
                lineStart = lf + 1;
            }
            values.add(body);
        }
        if (refusal != null) {
            return new AuthorDomainResult.Malformed(refusal);
        }
        return authorDomain(values);
    }

    /** Why a structural anomaly makes the From reading Malformed; empty when it does not. */
    private static Optional<String> refusal(HeaderSection header, HeaderSection.Anomaly a) {
        return switch (a.kind()) {
            case EMPTY_FIRST_LINE, MBOX_SEPARATOR -> Optional.empty();
            // RFC 5322 §2.2: CR only in CRLF. Readers break lines at a bare CR or not, and take what follows it
            // (a name, or VT/FF/U+00A0 and a name) for a field or not: wherever it is, a From may hide behind it.
            case BARE_CR -> Optional.of("bare CR in the header section (RFC 5322 §2.2) before '"
                    + HeaderLexer.printable(header.textOf(a)) + "'");
            case CONTINUATION_AT_START -> Optional.of("header section starts with a continuation line");
            // Composition Kills: some parsers take an indented "From:" for a field of its own.
            case CONTINUATION_LOOKS_LIKE_FIELD -> isFrom(header, a)
                    ? Optional.of("continuation line that looks like a From field") : Optional.empty();
            case NOT_A_FIELD -> Optional.of("header line that is not a field: '"
                    + HeaderLexer.printable(header.textOf(a)) + "'");
            case CAP_REACHED -> Optional.of("header section longer than " + HeaderSection.MAX_HEADER_BYTES
                    + " bytes, From fields past it unseen");
        };
    }

    private static boolean isFrom(HeaderSection header, HeaderSection.Anomaly a) {
        return header.textOf(a).equalsIgnoreCase("From");
    }

    /**
     * As {@link #authorDomainFromHeader(HeaderSection)} for a header section (or a whole message: reading
     * stops at the first empty line) given as text.
     */
    public static AuthorDomainResult authorDomainFromHeader(String headerSection) {
        if (headerSection == null) {
            return new AuthorDomainResult.Missing();
        }
        return authorDomainFromHeader(HeaderSection.parse(headerSection));
    }

    /**
     * As {@link #authorDomainFromHeader(HeaderSection)} for raw message bytes; only the header section is
     * decoded, as UTF-8 (RFC 6532). Invalid UTF-8 becomes U+FFFD, which no domain may contain.
     */
    public static AuthorDomainResult authorDomainFromHeader(byte[] message) {
        if (message == null) {
            return new AuthorDomainResult.Missing();
        }
        return authorDomainFromHeader(HeaderSection.parse(message));
    }
}
