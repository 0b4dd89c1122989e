package org.jamesdmarc.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.xbill.DNS.Address;

/**
 * How the DNS client talks to resolvers and caches answers; shared by DMARC discovery, SPF and DKIM.
 *
 * @param servers         recursive resolvers to ask, in order (IP literals with ports); empty means the
 *                        system's resolvers (dnsjava's {@code ResolverConfig}: resolv.conf, properties...)
 * @param timeout         how long one query to one server may take
 * @param retries         extra tries per server after the first (timeouts and network errors only)
 * @param cacheMaxEntries most (name, type) answers kept; 0 turns caching off
 * @param minTtl          cached answers live at least this long (floor on the DNS TTL)
 * @param maxTtl          cached answers live at most this long (ceiling on the DNS TTL)
 * @param negativeTtl     how long NXDOMAIN/NODATA answers are kept when the server sent no SOA to take
 *                        the TTL from (RFC 2308 §5)
 */
public record DnsSettings(List<InetSocketAddress> servers, Duration timeout, int retries, int cacheMaxEntries,
                          Duration minTtl, Duration maxTtl, Duration negativeTtl) {

    /** Mailet / CLI parameter names understood by {@link #fromParameters(Function)}. */
    public static final String PARAM_SERVERS = "dnsServers";
    public static final String PARAM_TIMEOUT = "dnsTimeout";
    public static final String PARAM_RETRIES = "dnsRetries";
    public static final String PARAM_CACHE_SIZE = "dnsCacheSize";
    public static final String PARAM_MIN_TTL = "dnsMinTtl";
    public static final String PARAM_MAX_TTL = "dnsMaxTtl";
    public static final String PARAM_NEGATIVE_TTL = "dnsNegativeTtl";

    public static final int DEFAULT_PORT = 53;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_RETRIES = 1;
    public static final int DEFAULT_CACHE_MAX_ENTRIES = 10_000;
    public static final Duration DEFAULT_MIN_TTL = Duration.ZERO;
    public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(1);
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofMinutes(1);

    static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    static final int MAX_RETRIES = 10;
    static final int MAX_CACHE_ENTRIES = 10_000_000;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)?");

    public DnsSettings {
        servers = List.copyOf(Objects.requireNonNull(servers, "servers"));
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(minTtl, "minTtl");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(negativeTtl, "negativeTtl");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(PARAM_TIMEOUT + ": " + timeout.toMillis()
                + "ms is out of range (more than 0, at most " + MAX_TIMEOUT.toSeconds() + "s)");
        }
        if (retries < 0 || retries > MAX_RETRIES) {
            throw new IllegalArgumentException(PARAM_RETRIES + ": " + retries + " is out of range (0.." + MAX_RETRIES + ")");
        }
        if (cacheMaxEntries < 0 || cacheMaxEntries > MAX_CACHE_ENTRIES) {
            throw new IllegalArgumentException(PARAM_CACHE_SIZE + ": " + cacheMaxEntries
                + " is out of range (0.." + MAX_CACHE_ENTRIES + ")");
        }
        if (minTtl.isNegative()) {
            throw new IllegalArgumentException(PARAM_MIN_TTL + ": " + minTtl + " is negative");
        }
        if (maxTtl.compareTo(minTtl) < 0) {
            throw new IllegalArgumentException(PARAM_MAX_TTL + ": " + maxTtl.toSeconds() + "s is below "
                + PARAM_MIN_TTL + " " + minTtl.toSeconds() + "s");
        }
        if (negativeTtl.isNegative()) {
            throw new IllegalArgumentException(PARAM_NEGATIVE_TTL + ": " + negativeTtl + " is negative");
        }
    }

    /** System resolvers, 5s timeout, 1 retry, 10,000 cached answers, TTLs clamped to [0, 1 day]. */
    public static DnsSettings defaults() {
        return new DnsSettings(List.of(), DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_CACHE_MAX_ENTRIES,
            DEFAULT_MIN_TTL, DEFAULT_MAX_TTL, DEFAULT_NEGATIVE_TTL);
    }

    public DnsSettings withServers(List<InetSocketAddress> newServers) {
        return new DnsSettings(newServers, timeout, retries, cacheMaxEntries, minTtl, maxTtl, negativeTtl);
    }

    public DnsSettings withTimeout(Duration newTimeout) {
        return new DnsSettings(servers, newTimeout, retries, cacheMaxEntries, minTtl, maxTtl, negativeTtl);
    }

    public DnsSettings withRetries(int newRetries) {
        return new DnsSettings(servers, timeout, newRetries, cacheMaxEntries, minTtl, maxTtl, negativeTtl);
    }

    public DnsSettings withCacheMaxEntries(int newMax) {
        return new DnsSettings(servers, timeout, retries, newMax, minTtl, maxTtl, negativeTtl);
    }

    public DnsSettings withTtlBounds(Duration newMinTtl, Duration newMaxTtl) {
        return new DnsSettings(servers, timeout, retries, cacheMaxEntries, newMinTtl, newMaxTtl, negativeTtl);
    }

    public DnsSettings withNegativeTtl(Duration newNegativeTtl) {
        return new DnsSettings(servers, timeout, retries, cacheMaxEntries, minTtl, maxTtl, newNegativeTtl);
    }

    /**
     * Reads the settings from named parameters ({@link #PARAM_SERVERS}, {@link #PARAM_TIMEOUT}, ...); a
     * missing or blank parameter keeps its default.
     *
     * @throws IllegalArgumentException naming the parameter and the bad value
     */
    public static DnsSettings fromParameters(Function<String, String> parameters) {
        DnsSettings s = defaults();
        String servers = parameters.apply(PARAM_SERVERS);
        if (isSet(servers)) {
            s = s.withServers(parseServers(servers));
        }
        String timeout = parameters.apply(PARAM_TIMEOUT);
        if (isSet(timeout)) {
            s = s.withTimeout(parseDuration(PARAM_TIMEOUT, timeout));
        }
        String retries = parameters.apply(PARAM_RETRIES);
        if (isSet(retries)) {
            s = s.withRetries(parseInt(PARAM_RETRIES, retries));
        }
        String cacheSize = parameters.apply(PARAM_CACHE_SIZE);
        if (isSet(cacheSize)) {
            s = s.withCacheMaxEntries(parseInt(PARAM_CACHE_SIZE, cacheSize));
        }
        String minTtl = parameters.apply(PARAM_MIN_TTL);
        String maxTtl = parameters.apply(PARAM_MAX_TTL);
        if (isSet(minTtl) || isSet(maxTtl)) {
            s = s.withTtlBounds(isSet(minTtl) ? parseDuration(PARAM_MIN_TTL, minTtl) : s.minTtl(),
                isSet(maxTtl) ? parseDuration(PARAM_MAX_TTL, maxTtl) : s.maxTtl());
        }
        String negativeTtl = parameters.apply(PARAM_NEGATIVE_TTL);
        if (isSet(negativeTtl)) {
            s = s.withNegativeTtl(parseDuration(PARAM_NEGATIVE_TTL, negativeTtl));
        }
        return s;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * Parses a list of resolver addresses separated by commas and/or white space. Each is an IP literal
     * with an optional port: {@code 192.0.2.1}, {@code 192.0.2.1:5353}, {@code [2001:db8::1]:53},
     * {@code [::1]} or a bare {@code ::1} (port 53). Host names are refused: finding the resolver would
     * itself need DNS. A blank string gives the empty list (system resolvers).
     *
     * @throws IllegalArgumentException naming the offending entry
     */
    public static List<InetSocketAddress> parseServers(String spec) {
        Objects.requireNonNull(spec, PARAM_SERVERS);
        List<InetSocketAddress> out = new ArrayList<>();
        for (String token : spec.strip().split("[,\\s]+")) {
            if (!token.isEmpty()) {
                out.add(parseServer(token));
            }
        }
        return List.copyOf(out);
    }

    /** One {@code ip}, {@code ip:port}, {@code [ipv6]} or {@code [ipv6]:port}; see {@link #parseServers}. */
    public static InetSocketAddress parseServer(String token) {
        String host;
        String port = null;
        int family;
        if (token.startsWith("[")) {
            int close = token.indexOf(']');
            if (close < 0) {
                throw badServer(token, "missing ']'");
            }
            host = token.substring(1, close);
            String rest = token.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw badServer(token, "expected ':port' after ']'");
                }
                port = rest.substring(1);
            }
            family = Address.IPv6;
        } else {
            int colons = (int) token.chars().filter(c -> c == ':').count();
            if (colons == 1) {
                int colon = token.indexOf(':');
                host = token.substring(0, colon);
                port = token.substring(colon + 1);
                family = Address.IPv4;
            } else if (colons == 0) {
                host = token;
                family = Address.IPv4;
            } else {
                host = token; // a bare IPv6 literal; use [addr]:port to give a port
                family = Address.IPv6;
            }
        }
        byte[] bytes = Address.toByteArray(host, family);
        if (bytes == null) {
            throw badServer(token, family == Address.IPv6
                ? "not an IPv6 address"
                : "not an IP address (host names are not accepted: finding the resolver would need DNS)");
        }
        int portNumber = DEFAULT_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw badServer(token, "port '" + port + "' is not a number");
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw badServer(token, "port " + portNumber + " is out of range (1..65535)");
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), portNumber);
        } catch (UnknownHostException e) {
            throw badServer(token, "not an IP address");
        }
    }

    private static IllegalArgumentException badServer(String token, String why) {
        return new IllegalArgumentException(PARAM_SERVERS + ": '" + token + "' " + why);
    }

    /**
     * Parses a duration: a number with an optional unit {@code ms}, {@code s} (default), {@code m},
     * {@code h}, {@code d} (e.g. {@code 300ms}, {@code 5s}, {@code 5}), or ISO-8601 ({@code PT5S}).
     *
     * @param parameter the parameter name, used in the error message
     * @throws IllegalArgumentException naming the parameter and the bad value
     */
    public static Duration parseDuration(String parameter, String value) {
        if (value == null) {
            throw new IllegalArgumentException(parameter + ": missing duration");
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }
        if (v.startsWith("pt") || v.startsWith("p")) {
            try {
                Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException(parameter + ": '" + value
            + "' is not a duration (use e.g. 300ms, 5s, 2m, 1h, 1d or PT5S)");
    }

    private static int parseInt(String parameter, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(parameter + ": '" + value + "' is not a whole number");
        }
    }
}
