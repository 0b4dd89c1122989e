package org.jamesdmarc.reporting.delivery;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesdmarc.dns.DomainName;

/**
 * One {@code mailto:} report destination of a {@code rua} tag: the address (the first of the URI; query
 * parameters ignored: they must not steer our mail), its domain, and the size limit of the RFC 7489 suffix
 * ({@code !10m}: a number with an optional unit k, m, g, t, powers of 1024), when it has one.
 */
public record ReportDestination(String address, DomainName host, OptionalLong sizeLimit) {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([kmgt]?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");

    public ReportDestination {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(sizeLimit, "sizeLimit");
    }

    /**
     * The destination {@code uri} names; empty for another scheme, or an address we would not write into a message
     * (RFC 9990 "Report Delivery": a malformed URI should be ignored).
     */
    public static Optional<ReportDestination> parse(String uri) {
        String u = uri.strip();
        if (!u.regionMatches(true, 0, "mailto:", 0, 7)) {
            return Optional.empty();
        }
        String rest = u.substring(7);
        OptionalLong size = OptionalLong.empty();
        int bang = rest.lastIndexOf('!');
        if (bang >= 0) {
            Matcher m = SIZE.matcher(rest.substring(bang + 1));
            if (!m.matches()) {
                return Optional.empty();
            }
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            size = OptionalLong.of(Long.parseLong(m.group(1)) << shift);
            rest = rest.substring(0, bang);
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        int comma = rest.indexOf(',');
        if (comma >= 0) {
            rest = rest.substring(0, comma);
        }
        String address;
        try {
            address = URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8); // RFC 6068 percent-encoding
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || !LOCAL.matcher(address.substring(0, at)).matches()) {
            return Optional.empty();
        }
        Optional<DomainName> host = DomainName.parse(address.substring(at + 1), false);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ReportDestination(address.substring(0, at) + "@" + host.get().name(), host.get(), size));
    }
}
