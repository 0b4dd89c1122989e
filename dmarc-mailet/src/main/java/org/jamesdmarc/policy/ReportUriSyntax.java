package org.jamesdmarc.policy;

import java.util.Optional;

/**
 * Syntax of one entry of a {@code rua}/{@code ruf} list (RFC 9989 §4.8 dmarc-uri / obs-dmarc-uri),
 * shared by {@link RecordParser} and {@link RecordGenerator}.
 */
final class ReportUriSyntax {

    private ReportUriSyntax() {
    }

    /** What {@link #parseEntry} gives: the report URI, or why the entry is not a usable one. */
    sealed interface ParseResult {
        record Parsed(ReportUri uri) implements ParseResult {
        }

        record Invalid(String reason) implements ParseResult {
        }
    }

    /**
     * Reads one list entry (already split on commas and WSP-trimmed): a URI in RFC 3986 shape,
     * optionally followed by the RFC 7489 size suffix {@code !} 1*DIGIT [k/m/g/t].
     */
    static ParseResult parseEntry(String entry) {
        if (entry.isEmpty()) {
            return new ParseResult.Invalid("empty URI");
        }
        String uri = entry;
        Optional<String> size = Optional.empty();
        int bang = entry.lastIndexOf('!');
        if (bang >= 0) {
            String suffix = entry.substring(bang + 1);
            if (!isReportSize(suffix)) {
                // RFC 9989 §4.8: "!" MUST be percent-encoded inside a dmarc-uri, so it can only start a size suffix
                return new ParseResult.Invalid("'!' not followed by a size (digits and optional k/m/g/t)");
            }
            uri = entry.substring(0, bang);
            size = Optional.of(suffix);
        }
        Optional<String> problem = uriProblem(uri);
        if (problem.isPresent()) {
            return new ParseResult.Invalid(problem.get());
        }
        return new ParseResult.Parsed(new ReportUri(uri, size));
    }

    /** RFC 9989 §4.8 obs-dmarc-report-size without the "!": 1*DIGIT [ "k" / "m" / "g" / "t" ]. */
    static boolean isReportSize(String s) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        char last = Character.toLowerCase(s.charAt(n - 1));
        int digitsEnd = (last == 'k' || last == 'm' || last == 'g' || last == 't') ? n - 1 : n;
        if (digitsEnd == 0) {
            return false;
        }
        for (int i = 0; i < digitsEnd; i++) {
            if (!TagValueSyntax.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks the RFC 3986 shape {@code scheme ":" rest}: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ),
     * rest made only of URI characters with well-formed percent-encodings, no "," or "!" (RFC 9989 §4.8:
     * they MUST be encoded), and not empty. A {@code mailto:} URI must name an address with a domain.
     *
     * @return the problem, or empty when the URI is acceptable
     */
    static Optional<String> uriProblem(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            return Optional.of("no URI scheme");
        }
        if (!TagValueSyntax.isAlpha(uri.charAt(0))) {
            return Optional.of("URI scheme must start with a letter");
        }
        for (int i = 1; i < colon; i++) {
            char c = uri.charAt(i);
            if (!(TagValueSyntax.isAlpha(c) || TagValueSyntax.isDigit(c) || c == '+' || c == '-' || c == '.')) {
                return Optional.of("invalid character in URI scheme");
            }
        }
        String rest = uri.substring(colon + 1);
        if (rest.isEmpty()) {
            return Optional.of("nothing after the URI scheme");
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '%') {
                if (i + 2 >= rest.length() || !isHex(rest.charAt(i + 1)) || !isHex(rest.charAt(i + 2))) {
                    return Optional.of("bad percent-encoding");
                }
                i += 2;
            } else if (c == ',' || c == '!') {
                return Optional.of("'" + c + "' must be percent-encoded");
            } else if (!isUriChar(c)) {
                return Optional.of("character not allowed in a URI");
            }
        }
        if (uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            int q = rest.indexOf('?');
            String address = q >= 0 ? rest.substring(0, q) : rest;
            int at = address.lastIndexOf('@');
            if (at <= 0 || at == address.length() - 1) {
                return Optional.of("mailto: URI without a local-part@domain address");
            }
        }
        return Optional.empty();
    }

    private static boolean isHex(char c) {
        return TagValueSyntax.isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** RFC 3986 unreserved / sub-delims / gen-delims (percent handled by the caller). */
    private static boolean isUriChar(char c) {
        if (TagValueSyntax.isAlpha(c) || TagValueSyntax.isDigit(c)) {
            return true;
        }
        return "-._~".indexOf(c) >= 0        // unreserved
                || "$&'()*+;=".indexOf(c) >= 0 // sub-delims, less "!" and "," (handled above)
                || ":/?#[]@".indexOf(c) >= 0;  // gen-delims
    }
}
