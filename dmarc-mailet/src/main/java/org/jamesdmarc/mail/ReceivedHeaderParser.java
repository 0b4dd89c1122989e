package org.jamesdmarc.mail;

import org.jamesdmarc.dns.CidrSet;
import org.jamesdmarc.dns.IpLiteral;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the client a trusted relay saw from the Received field it added (RFC 5321 §4.4 trace fields), in
 * the shape Postfix and James write:
 * <pre>
 * from helo.example (rdns.example [192.0.2.1]) (using TLS...) by relay.example (Postfix) with ESMTP id X for &lt;a@b&gt;; date
 * from helo (unknown [IPv6:2001:db8::1])
 * from rdns.example (EHLO helo.example) ([192.0.2.1]) by james.example (JAMES SMTP Server ) with ESMTP ID 1; date
 * </pre>
 * (the last is James 3.8.1: the client's host name after "from", the HELO name in a comment of its own.)
 * The HELO name is client-controlled, so the reading is strict: a single HELO word, the first comment
 * holding exactly "[rdns] [ip]" (or exactly "EHLO|HELO name" followed by that comment), only comments
 * until {@code by host}, and exactly one bracketed address literal in all comments of the field (a HELO
 * such as {@code x (unknown [6.6.6.6]) by y} would add a second one). Anything else gives
 * {@link ReceivedParseResult.Invalid}; no exception, bounded work.
 */
public final class ReceivedHeaderParser {

    public static final int MAX_LENGTH = 4096;
    /** Default number of Received fields {@link #originalClient} walks through. */
    public static final int DEFAULT_MAX_HOPS = 10;

    private static final Pattern BRACKET_IP = Pattern.compile("\\[(?:IPv6:)?[0-9A-Fa-f:.]+\\]");
    // RFC 5321 §4.4 TCP-info as Postfix writes it: [rdns SP] "[" ip "]" [":" port] [SP nested comment]
    private static final Pattern CLIENT_INFO = Pattern.compile(
            "\\s*(?:([^\\s\\[\\]()]{1,255})\\s+)?\\[(IPv6:)?([0-9A-Fa-f:.]{1,45})\\](?::[0-9]{1,5})?(?:\\s*\\(.*\\))?\\s*",
            Pattern.DOTALL);
    // James's "(EHLO name)" / "(HELO name)" comment: one HELO word, no brackets or parentheses.
    private static final Pattern HELO_COMMENT = Pattern.compile("(?:EHLO|HELO)\\s+([^\\s\\[\\]()]{1,255})",
            Pattern.CASE_INSENSITIVE);

    private ReceivedHeaderParser() {
    }

    /** Reads one Received field value. */
    public static ReceivedParseResult parse(String value) {
        try {
            return parseOrThrow(HeaderLexer.ofField(value, MAX_LENGTH));
        } catch (HeaderLexer.Failure f) {
            return notFound(ReceivedParseResult.Reason.MALFORMED, f.error.message());
        } catch (RuntimeException e) {
            return notFound(ReceivedParseResult.Reason.MALFORMED, "internal parser error: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Walks the Received fields top-down past hops whose client is a trusted relay and returns the first
     * client that is not: the original client behind our relays. Assumes the topmost Received field was
     * written by us (James always adds one) or by a trusted relay; when the connecting address itself is
     * not a trusted relay, the caller should use the connection's own data instead.
     */
    public static OriginalClient originalClient(List<HeaderField> fields, CidrSet trustedRelays, int maxHops) {
        int hop = 0;
        for (HeaderField f : fields) {
            if (!f.hasName("Received")) {
                continue;
            }
            if (hop >= maxHops) {
                return new OriginalClient.NotFound(OriginalClient.Reason.ALL_TRUSTED,
                        "no untrusted client within " + maxHops + " hops");
            }
            ReceivedParseResult r = parse(f.value());
            if (r instanceof ReceivedParseResult.Invalid invalid) {
                return new OriginalClient.Unreadable(hop + 1, invalid);
            }
            RelayedClient client = ((ReceivedParseResult.Parsed) r).client();
            if (!trustedRelays.contains(client.ip())) {
                return new OriginalClient.Found(client);
            }
            hop++;
        }
        return hop == 0 ? new OriginalClient.NotFound(OriginalClient.Reason.NO_RECEIVED, "no Received field")
                : new OriginalClient.NotFound(OriginalClient.Reason.ALL_TRUSTED, "every Received field is from a trusted relay");
    }

    private static ReceivedParseResult parseOrThrow(HeaderLexer lx) {
        List<String> comments = allComments(lx.source());
        long literals = comments.stream().mapToLong(c -> BRACKET_IP.matcher(c).results().count()).sum();
        lx.skipCfws();
        // RFC 5321 §4.4: From-domain = "FROM" FWS Extended-Domain.
        if (!lx.readKeyword().equals("from") || !lx.skipWsp()) {
            return notFound(ReceivedParseResult.Reason.MALFORMED, "no 'from' clause");
        }
        String fromName = lx.readLooseValue();
        if (fromName.isEmpty() || fromName.length() > 255) {
            return notFound(ReceivedParseResult.Reason.MALFORMED, "no HELO name after 'from'");
        }
        lx.skipWsp();
        if (!lx.peekIs('(')) {
            return notFound(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS, "no '(rdns [ip])' after the HELO name");
        }
        String info = lx.readComment();
        Matcher heloComment = HELO_COMMENT.matcher(info);
        Optional<String> heloInComment = Optional.empty();
        if (heloComment.matches()) {
            // James: "from <client host name> (EHLO <helo>) ([ip])"; the address comment must follow at once.
            heloInComment = Optional.of(heloComment.group(1));
            lx.skipWsp();
            if (!lx.peekIs('(')) {
                return notFound(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS, "no '([ip])' after '(" + info + ")'");
            }
            info = lx.readComment();
        }
        if (literals != 1) {
            return notFound(ReceivedParseResult.Reason.AMBIGUOUS, literals + " address literals in comments");
        }
        Matcher m = CLIENT_INFO.matcher(info);
        if (!m.matches()) {
            return notFound(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS, "comment '" + info + "' is not '[rdns] [ip]'");
        }
        String ipText = m.group(3);
        if (m.group(2) != null && ipText.indexOf(':') < 0) {
            return notFound(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS, "IPv6: prefix on a non-IPv6 address");
        }
        Optional<InetAddress> ip = IpLiteral.parse(ipText);
        if (ip.isEmpty()) {
            return notFound(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS, "'" + ipText + "' is not an IP address");
        }
        // Only comments (TLS details, "may be forged") may come between the client info and "by".
        lx.skipCfws();
        if (!lx.readKeyword().equals("by") || !lx.skipWsp() || lx.readLooseValue().isEmpty()) {
            return notFound(ReceivedParseResult.Reason.MALFORMED, "expected 'by host' after the from clause");
        }
        // Postfix: "from <helo> (<rdns> [ip])"; James: "from <host name> (EHLO <helo>) ([ip])", where the host
        // name is the address itself when the client has no reverse DNS name.
        String helo = heloInComment.orElse(fromName);
        Optional<String> rdns = (heloInComment.isPresent() ? Optional.of(fromName) : Optional.ofNullable(m.group(1)))
                .filter(s -> !s.equalsIgnoreCase("unknown"))
                .filter(s -> IpLiteral.parse(s).isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT));
        return new ReceivedParseResult.Parsed(new RelayedClient(helo, ip.get(), rdns));
    }

    /** Raw contents of every top-level comment, skipping quoted-strings (a quoted local-part may hold parentheses). */
    private static List<String> allComments(String s) {
        HeaderLexer lx = HeaderLexer.ofField(s, MAX_LENGTH);
        List<String> out = new ArrayList<>();
        while (!lx.atEnd()) {
            if (lx.peekIs('(')) {
                out.add(lx.readComment());
            } else if (lx.peekIs('"')) {
                lx.readQuotedString();
            } else {
                lx.accept(lx.peek());
            }
        }
        return out;
    }

    /** No client can be read from the field. */
    private static ReceivedParseResult notFound(ReceivedParseResult.Reason reason, String detail) {
        return new ReceivedParseResult.Invalid(reason, detail);
    }
}
