package org.jamesdmarc.check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.DomainName;

import com.google.common.net.InetAddresses;

/**
 * Builds {@link CheckSettings} from named parameters, so the {@code DmarcCheck} mailet (its init
 * parameters), the {@code DmarcMessageHook} SMTP hook (its {@code smtpserver.xml} handler elements) and
 * {@code dmarc evaluate} (its options) accept the same names, values and defaults.
 *
 * <table>
 * <caption>Parameters (OpenDMARC equivalent in brackets)</caption>
 * <tr><th>name</th><th>value</th><th>default</th></tr>
 * <tr><td>{@code authservId}</td><td>our authserv-id in Authentication-Results (AuthservID)</td><td>the local host name</td></tr>
 * <tr><td>{@code trustedAuthservIds}</td><td>comma list of upstream authserv-ids whose SPF/DKIM results are used (TrustedAuthservIDs)</td><td>none</td></tr>
 * <tr><td>{@code ignoreHosts}</td><td>path of a file of IP addresses, CIDR blocks and host names whose mail is not checked;
 *     one or more entries per line separated by blanks or commas, {@code #} starts a comment, {@code .example.com}
 *     covers every name below example.com, {@code !} in front excludes an entry (IgnoreHosts)</td><td>no file: every client is checked</td></tr>
 * <tr><td>{@code ignoreAuthenticatedClients}</td><td>boolean (IgnoreAuthenticatedClients)</td><td>true</td></tr>
 * <tr><td>{@code ignoreMailFrom}</td><td>comma list of author domains not checked (IgnoreMailFrom)</td><td>none</td></tr>
 * <tr><td>{@code requiredHeaders}</td><td>boolean: refuse mail without exactly one valid From field (RequiredHeaders)</td><td>false</td></tr>
 * <tr><td>{@code rejectMultiValueFrom}</td><td>boolean: refuse mail whose From names several domains (RejectMultiValueFrom)</td><td>false</td></tr>
 * <tr><td>{@code spfSelfValidate}</td><td>boolean: run SPF ourselves without a trusted result (SPFSelfValidate)</td><td>true</td></tr>
 * <tr><td>{@code spfIgnoreResults}</td><td>boolean: ignore upstream SPF results (SPFIgnoreResults)</td><td>false</td></tr>
 * <tr><td>{@code dkimSelfValidate}</td><td>boolean: verify DKIM ourselves without a trusted result</td><td>true</td></tr>
 * <tr><td>{@code trustedRelays}</td><td>comma list of IP addresses / CIDR blocks of relays in front of James</td><td>none</td></tr>
 * <tr><td>{@code dnsServers}</td><td>comma list of {@code host}, {@code host:port}, {@code [ipv6]:port}</td><td>the system resolvers</td></tr>
 * <tr><td>{@code dnsTimeout}</td><td>duration: {@code 500ms}, {@code 5s}, {@code 1m} or a plain number of seconds, 1ms to 60s</td><td>5s</td></tr>
 * <tr><td>{@code discovery}</td><td>{@code treewalk} (RFC 9989) or {@code psl} (RFC 7489)</td><td>treewalk</td></tr>
 * <tr><td>{@code publicSuffixList}</td><td>path of a readable Public Suffix List file (PublicSuffixList)</td><td>the bundled list</td></tr>
 * <tr><td>{@code legacyPct}</td><td>boolean: honour RFC 7489 {@code pct} sampling</td><td>false</td></tr>
 * </table>
 *
 * <p>Booleans are {@code true}/{@code false}/{@code yes}/{@code no} (any case); an absent or blank
 * parameter takes its default. A bad value gives an {@link IllegalArgumentException} whose message
 * starts with the parameter name and quotes the value, e.g. {@code dnsTimeout: "abc" is not a duration}.
 */
public final class CheckSettingsParser {

    public static final String AUTHSERV_ID = "authservId";
    public static final String TRUSTED_AUTHSERV_IDS = "trustedAuthservIds";
    public static final String IGNORE_HOSTS = "ignoreHosts";
    public static final String IGNORE_AUTHENTICATED_CLIENTS = "ignoreAuthenticatedClients";
    public static final String IGNORE_MAIL_FROM = "ignoreMailFrom";
    public static final String REQUIRED_HEADERS = "requiredHeaders";
    public static final String REJECT_MULTI_VALUE_FROM = "rejectMultiValueFrom";
    public static final String SPF_SELF_VALIDATE = "spfSelfValidate";
    public static final String SPF_IGNORE_RESULTS = "spfIgnoreResults";
    public static final String DKIM_SELF_VALIDATE = "dkimSelfValidate";
    public static final String TRUSTED_RELAYS = "trustedRelays";
    public static final String DNS_SERVERS = "dnsServers";
    public static final String DNS_TIMEOUT = "dnsTimeout";
    public static final String DISCOVERY = "discovery";
    public static final String PUBLIC_SUFFIX_LIST = "publicSuffixList";
    public static final String LEGACY_PCT = "legacyPct";

    /** Every parameter this parser reads. */
    public static final List<String> PARAMETERS = List.of(AUTHSERV_ID, TRUSTED_AUTHSERV_IDS, IGNORE_HOSTS,
            IGNORE_AUTHENTICATED_CLIENTS, IGNORE_MAIL_FROM, REQUIRED_HEADERS, REJECT_MULTI_VALUE_FROM,
            SPF_SELF_VALIDATE, SPF_IGNORE_RESULTS, DKIM_SELF_VALIDATE, TRUSTED_RELAYS, DNS_SERVERS, DNS_TIMEOUT,
            DISCOVERY, PUBLIC_SUFFIX_LIST, LEGACY_PCT);

    public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_DNS_TIMEOUT = Duration.ofSeconds(60);
    /** A host list file larger than this is refused (no unbounded reading at start-up). */
    static final long MAX_HOST_FILE_BYTES = 4L * 1024 * 1024;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)?");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private CheckSettingsParser() {
    }

    /** Parses with the local host name as default authserv-id. */
    public static CheckSettings parse(Function<String, Optional<String>> parameters) {
        return parse(parameters, CheckSettingsParser::localHostName);
    }

    /**
     * Parses every parameter.
     *
     * @param parameters        looks a parameter up by name; empty when absent
     * @param defaultAuthservId supplies the authserv-id when {@code authservId} is absent (asked only then)
     * @throws IllegalArgumentException naming the parameter and the value when a value is bad
     */
    public static CheckSettings parse(Function<String, Optional<String>> parameters, Supplier<String> defaultAuthservId) {
        Function<String, Optional<String>> p = name -> value(parameters, name);
        String authservId = p.apply(AUTHSERV_ID).map(v -> authservId(AUTHSERV_ID, v))
                .orElseGet(() -> authservId(AUTHSERV_ID, defaultAuthservId.get()));
        Set<String> trusted = new LinkedHashSet<>();
        for (String id : list(p.apply(TRUSTED_AUTHSERV_IDS))) {
            trusted.add(authservId(TRUSTED_AUTHSERV_IDS, id));
        }
        HostList ignoreHosts = p.apply(IGNORE_HOSTS).map(v -> hostFile(IGNORE_HOSTS, v)).orElse(HostList.empty());
        Set<String> ignoreMailFrom = new LinkedHashSet<>();
        for (String d : list(p.apply(IGNORE_MAIL_FROM))) {
            ignoreMailFrom.add(DomainName.normalize(d, true)
                    .orElseThrow(() -> bad(IGNORE_MAIL_FROM, d, "is not a domain name")));
        }
        List<String> relays = new ArrayList<>();
        for (String r : list(p.apply(TRUSTED_RELAYS))) {
            if (!isAddressOrCidr(r)) {
                throw bad(TRUSTED_RELAYS, r, "is not an IP address or CIDR block");
            }
            relays.add(r.toLowerCase(Locale.ROOT));
        }
        for (String s : list(p.apply(DNS_SERVERS))) {
            dnsServer(DNS_SERVERS, s);
        }
        p.apply(DNS_TIMEOUT).ifPresent(v -> duration(DNS_TIMEOUT, v));
        // dnsServers, dnsTimeout and the dnsCache*/dnsTtl* tuning parameters (see DnsSettings).
        DnsSettings dns = DnsSettings.fromParameters(name -> p.apply(name).orElse(null));
        DiscoveryMode discovery = p.apply(DISCOVERY).map(v -> discovery(DISCOVERY, v)).orElse(DiscoveryMode.TREEWALK);
        Optional<Path> psl = p.apply(PUBLIC_SUFFIX_LIST).map(v -> readableFile(PUBLIC_SUFFIX_LIST, v));
        return new CheckSettings(
                authservId,
                trusted,
                ignoreHosts,
                bool(p, IGNORE_AUTHENTICATED_CLIENTS, true),
                ignoreMailFrom,
                bool(p, REQUIRED_HEADERS, false),
                bool(p, REJECT_MULTI_VALUE_FROM, false),
                bool(p, SPF_SELF_VALIDATE, true),
                bool(p, SPF_IGNORE_RESULTS, false),
                bool(p, DKIM_SELF_VALIDATE, true),
                HostList.of(relays),
                dns,
                discovery,
                psl,
                bool(p, LEGACY_PCT, false));
    }

    /**
     * A boolean parameter: {@code true}/{@code false}/{@code yes}/{@code no} in any case, {@code dflt} when
     * absent or blank; anything else is an error naming the parameter.
     */
    public static boolean bool(Function<String, Optional<String>> parameters, String name, boolean dflt) {
        return value(parameters, name).map(v -> bool(name, v)).orElse(dflt);
    }

    static boolean bool(String name, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw bad(name, v, "is not a boolean (true, false, yes or no)");
        };
    }

    /** A duration: digits followed by {@code ms}, {@code s} or {@code m}; digits alone are seconds. */
    static Duration duration(String name, String v) {
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw bad(name, v, "is not a duration (e.g. 500ms, 5s, 1m or a number of seconds)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero() || d.compareTo(MAX_DNS_TIMEOUT) > 0) {
            throw bad(name, v, "is not between 1ms and 60s");
        }
        return d;
    }

    private static DiscoveryMode discovery(String name, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "treewalk" -> DiscoveryMode.TREEWALK;
            case "psl" -> DiscoveryMode.PSL;
            default -> throw bad(name, v, "is not a discovery mode (treewalk or psl)");
        };
    }

    /**
     * RFC 8601 §2.5: the authserv-id is a {@code value} (RFC 2045 token or quoted-string); only the
     * token form is accepted, so it can be written into the field without quoting.
     */
    private static String authservId(String name, String v) {
        if (v.isEmpty()) {
            throw bad(name, v, "is not an authserv-id");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            // RFC 2045 §5.1 token: US-ASCII printable characters except SPACE and tspecials.
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                throw bad(name, v, "is not an authserv-id (letters, digits, '.', '-', '_' and the like; no spaces, ';' or quotes)");
            }
        }
        return v;
    }

    /** {@code host}, {@code host:port}, {@code [ipv6]:port} or a bare IPv6 address; normalised to {@code host:port}. */
    private static String dnsServer(String name, String v) {
        String host;
        String port = "53";
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw bad(name, v, "is not host:port");
            }
            host = v.substring(1, close);
            String rest = v.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(name, v, "is not host:port");
                }
                port = rest.substring(1);
            }
            if (!host.contains(":") || !InetAddresses.isInetAddress(host)) {
                throw bad(name, v, "is not host:port (bad IPv6 address)");
            }
        } else if (v.indexOf(':') != v.lastIndexOf(':')) {
            // Several colons without brackets: a bare IPv6 address.
            host = v;
            if (!InetAddresses.isInetAddress(host)) {
                throw bad(name, v, "is not host:port (IPv6 addresses with a port are written [address]:port)");
            }
        } else {
            int colon = v.indexOf(':');
            host = colon < 0 ? v : v.substring(0, colon);
            if (colon >= 0) {
                port = v.substring(colon + 1);
            }
            if (!InetAddresses.isInetAddress(host) && DomainName.normalize(host, true).isEmpty()) {
                throw bad(name, v, "is not host:port (bad host)");
            }
        }
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw bad(name, v, "is not host:port (port must be 1 to 65535)");
        }
        String h = host.contains(":") ? "[" + host.toLowerCase(Locale.ROOT) + "]" : host.toLowerCase(Locale.ROOT);
        return h + ":" + Integer.parseInt(port);
    }

    private static Path readableFile(String name, String v) {
        Path path;
        try {
            path = Path.of(v);
        } catch (InvalidPathException e) {
            throw bad(name, v, "is not a file path");
        }
        if (!Files.isRegularFile(path)) {
            throw bad(name, v, "is not an existing file");
        }
        if (!Files.isReadable(path)) {
            throw bad(name, v, "cannot be read");
        }
        return path;
    }

    /** OpenDMARC IgnoreHosts file: entries separated by blanks, commas or line ends, {@code #} comments. */
    private static HostList hostFile(String name, String v) {
        Path path = readableFile(name, v);
        List<String> lines;
        try {
            if (Files.size(path) > MAX_HOST_FILE_BYTES) {
                throw bad(name, v, "is larger than " + MAX_HOST_FILE_BYTES + " bytes");
            }
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw bad(name, v, "cannot be read (" + e.getMessage() + ")");
        }
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            for (String entry : line.split("[\\s,]+")) {
                if (entry.isEmpty()) {
                    continue;
                }
                entries.add(hostEntry(name, entry, "line " + (i + 1) + " of " + v));
            }
        }
        return HostList.of(entries);
    }

    /** An address, CIDR block, host name or {@code .domain}, optionally negated with {@code !}. */
    private static String hostEntry(String name, String entry, String where) {
        String body = entry.startsWith("!") ? entry.substring(1) : entry;
        String prefix = entry.startsWith("!") ? "!" : "";
        if (isAddressOrCidr(body)) {
            return prefix + body.toLowerCase(Locale.ROOT);
        }
        boolean suffix = body.startsWith(".");
        Optional<String> host = DomainName.normalize(suffix ? body.substring(1) : body, true);
        if (host.isEmpty()) {
            throw new IllegalArgumentException(name + ": \"" + entry + "\" (" + where
                    + ") is not an IP address, CIDR block or host name");
        }
        return prefix + (suffix ? "." : "") + host.get();
    }

    static boolean isAddressOrCidr(String s) {
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        if (!InetAddresses.isInetAddress(address)) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String bits = s.substring(slash + 1);
        if (!bits.matches("\\d{1,3}")) {
            return false;
        }
        int max = address.contains(":") ? 128 : 32;
        return Integer.parseInt(bits) <= max;
    }

    private static List<String> list(Optional<String> value) {
        List<String> out = new ArrayList<>();
        value.ifPresent(v -> {
            for (String item : v.split(",")) {
                String t = item.strip();
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        });
        return out;
    }

    private static Optional<String> value(Function<String, Optional<String>> parameters, String name) {
        Optional<String> v = parameters.apply(name);
        return v == null ? Optional.empty() : v.map(String::strip).filter(s -> !s.isEmpty());
    }

    static IllegalArgumentException bad(String name, String value, String problem) {
        return new IllegalArgumentException(name + ": \"" + value + "\" " + problem);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }
}
