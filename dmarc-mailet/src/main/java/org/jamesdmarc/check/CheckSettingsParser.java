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

import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.policy.ArcSealers;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.dns.DomainName;

import com.google.common.net.InetAddresses;

/**
 * Builds {@link CheckSettings} from named parameters, so the {@code DmarcCheck} mailet (its init parameters)
 * and the {@code DmarcMessageHook} SMTP hook (its {@code smtpserver.xml} handler elements) accept the same
 * names, values and defaults. ({@code dmarc evaluate} builds its {@code CheckSettings} from its own options.)
 *
 * <p>The parameters, their values, defaults and meaning: the one table in the Javadoc of
 * {@link org.jamesdmarc.james.DmarcCheck}; {@link #PARAMETERS} lists the names read here, the
 * {@code dns*} ones through {@link DnsSettings#fromParameters}.
 *
 * <p>A bad value gives an {@link IllegalArgumentException} whose message starts with the parameter name and
 * quotes the value, e.g. {@code dnsTimeout: 'abc' is not a duration ...} (the same form as
 * {@link DnsSettings}).
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
    public static final String DKIM_PARTIAL_BODY_PASSES = "dkimPartialBodyPasses";
    public static final String TRUSTED_RELAYS = "trustedRelays";
    public static final String TRUST_AUTH_RESULTS_FROM_ANY_CLIENT = "trustAuthResultsFromAnyClient";
    public static final String DNS_SERVERS = DnsSettings.PARAM_SERVERS;
    public static final String DNS_TIMEOUT = DnsSettings.PARAM_TIMEOUT;
    public static final String DISCOVERY = "discovery";
    public static final String PUBLIC_SUFFIX_LIST = "publicSuffixList";
    public static final String LEGACY_PCT = "legacyPct";
    public static final String MAX_DNS_QUERIES_PER_MESSAGE = "maxDnsQueriesPerMessage";
    public static final String MAX_TIME_PER_MESSAGE = "maxTimePerMessage";
    public static final String TRUSTED_ARC_SEALERS = "trustedArcSealers";
    public static final String ARC_LIST_SEALERS = "arcListSealers";

    /** Every parameter this parser reads. */
    public static final List<String> PARAMETERS = List.of(AUTHSERV_ID, TRUSTED_AUTHSERV_IDS, IGNORE_HOSTS,
            IGNORE_AUTHENTICATED_CLIENTS, IGNORE_MAIL_FROM, REQUIRED_HEADERS, REJECT_MULTI_VALUE_FROM,
            SPF_SELF_VALIDATE, SPF_IGNORE_RESULTS, DKIM_SELF_VALIDATE, DKIM_PARTIAL_BODY_PASSES, TRUSTED_RELAYS,
            TRUST_AUTH_RESULTS_FROM_ANY_CLIENT, DNS_SERVERS, DNS_TIMEOUT,
            DnsSettings.PARAM_RETRIES, DnsSettings.PARAM_CACHE_SIZE, DnsSettings.PARAM_MIN_TTL, DnsSettings.PARAM_MAX_TTL,
            DnsSettings.PARAM_NEGATIVE_TTL, DISCOVERY, PUBLIC_SUFFIX_LIST, LEGACY_PCT, MAX_DNS_QUERIES_PER_MESSAGE,
            MAX_TIME_PER_MESSAGE, TRUSTED_ARC_SEALERS, ARC_LIST_SEALERS);

    /** A host list file larger than this is refused (no unbounded reading at start-up). */
    static final long MAX_HOST_FILE_BYTES = 4L * 1024 * 1024;

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
        Set<DomainName> ignoreMailFrom = new LinkedHashSet<>();
        for (String d : list(p.apply(IGNORE_MAIL_FROM))) {
            ignoreMailFrom.add(DomainName.parse(d, true)
                    .orElseThrow(() -> bad(IGNORE_MAIL_FROM, d, "is not a domain name")));
        }
        HostList trustedRelays = trustedRelays(p.apply(TRUSTED_RELAYS));
        // dnsServers, dnsTimeout, dnsRetries, dnsCacheSize, dnsMinTtl, dnsMaxTtl, dnsNegativeTtl.
        DnsSettings dns = DnsSettings.fromParameters(name -> p.apply(name).orElse(null));
        DiscoveryMode discovery = p.apply(DISCOVERY).map(v -> discovery(DISCOVERY, v)).orElse(DiscoveryMode.TREEWALK);
        Optional<Path> psl = p.apply(PUBLIC_SUFFIX_LIST).map(v -> readableFile(PUBLIC_SUFFIX_LIST, v));
        MessageLimits limits = limits(p);
        return new CheckSettings(
                authservId,
                trusted,
                ignoreHosts,
                bool(p, IGNORE_AUTHENTICATED_CLIENTS, true),
                ignoreMailFrom,
                // Fail closed: a From field we cannot read is refused unless the administrator says otherwise.
                bool(p, REQUIRED_HEADERS, true),
                bool(p, REJECT_MULTI_VALUE_FROM, false),
                bool(p, SPF_SELF_VALIDATE, true),
                bool(p, SPF_IGNORE_RESULTS, false),
                bool(p, DKIM_SELF_VALIDATE, true),
                bool(p, DKIM_PARTIAL_BODY_PASSES, false),
                trustedRelays,
                bool(p, TRUST_AUTH_RESULTS_FROM_ANY_CLIENT, false),
                dns,
                discovery,
                psl,
                bool(p, LEGACY_PCT, false),
                limits,
                new ArcSealers(domains(p, TRUSTED_ARC_SEALERS), domains(p, ARC_LIST_SEALERS)));
    }

    /** A comma-separated list of domain names (the ARC sealers, RFC 8617 §7.2). */
    private static Set<DomainName> domains(Function<String, Optional<String>> p, String name) {
        Set<DomainName> out = new LinkedHashSet<>();
        for (String d : list(p.apply(name))) {
            out.add(DomainName.parse(d).orElseThrow(() -> bad(name, d, "is not a domain name")));
        }
        return out;
    }

    private static MessageLimits limits(Function<String, Optional<String>> p) {
        int queries = p.apply(MAX_DNS_QUERIES_PER_MESSAGE).map(v -> {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw bad(MAX_DNS_QUERIES_PER_MESSAGE, v, "is not a whole number");
            }
            if (n < MessageLimits.MIN_DNS_QUERIES || n > MessageLimits.MAX_DNS_QUERIES) {
                throw bad(MAX_DNS_QUERIES_PER_MESSAGE, v, "is out of range (" + MessageLimits.MIN_DNS_QUERIES + " to "
                        + MessageLimits.MAX_DNS_QUERIES + ")");
            }
            return n;
        }).orElse(MessageLimits.DEFAULT_MAX_DNS_QUERIES);
        Duration time = p.apply(MAX_TIME_PER_MESSAGE).map(v -> {
            Duration d = DnsSettings.parseDuration(MAX_TIME_PER_MESSAGE, v);
            if (d.isZero() || d.compareTo(MessageLimits.MAX_TIME) > 0) {
                throw bad(MAX_TIME_PER_MESSAGE, v, "is out of range (more than 0, at most 10m)");
            }
            return d;
        }).orElse(MessageLimits.DEFAULT_MAX_TIME);
        return new MessageLimits(queries, time);
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

    /** OpenDMARC IgnoreHosts file, read and checked now so a bad entry stops start-up ({@link HostList#parse}). */
    /**
     * The {@code trustedRelays} value: IP addresses and CIDR blocks only (a relay is recognised by the address it
     * connects from, never by a name it could choose); empty when absent. Bad entries are an
     * {@link IllegalArgumentException} naming the parameter.
     */
    public static HostList trustedRelays(Optional<String> value) {
        List<String> relays = new ArrayList<>();
        for (String r : list(value)) {
            if (!isAddressOrCidr(r)) {
                throw bad(TRUSTED_RELAYS, r, "is not an IP address or CIDR block");
            }
            relays.add(r);
        }
        return relays.isEmpty() ? HostList.empty() : hostList(TRUSTED_RELAYS, String.join(",", relays));
    }

    private static HostList hostFile(String name, String v) {
        Path path = readableFile(name, v);
        String content;
        try {
            if (Files.size(path) > MAX_HOST_FILE_BYTES) {
                throw bad(name, v, "is larger than " + MAX_HOST_FILE_BYTES + " bytes");
            }
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw bad(name, v, "cannot be read (" + e.getMessage() + ")");
        }
        return hostList(name + ": '" + v + "'", content);
    }

    private static HostList hostList(String what, String content) {
        try {
            return HostList.parse(content);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
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
        return new IllegalArgumentException(name + ": '" + value + "' " + problem);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }
}
