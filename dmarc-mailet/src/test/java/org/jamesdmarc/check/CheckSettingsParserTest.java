package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DiscoveryMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CheckSettingsParserTest {

    /** Mode 0200 in procfs: access(2) refuses reading it to root too. */
    private static final Path WRITE_ONLY_FOR_ROOT = Path.of("/proc/sys/vm/drop_caches");

    @TempDir
    Path dir;

    private static CheckSettings parse(Map<String, String> params) {
        return CheckSettingsParser.parse(name -> Optional.ofNullable(params.get(name)), () -> "host.local");
    }

    private static CheckSettings parse(String name, String value) {
        return parse(Map.of(name, value));
    }

    private static void assertBad(String name, String value, String problem) {
        assertThatThrownBy(() -> parse(name, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(name + ": '" + value + "' ")
                .hasMessageContaining(problem);
    }

    @Test
    void defaults() {
        CheckSettings s = parse(Map.of());
        assertThat(s.authservId()).isEqualTo("host.local");
        assertThat(s.trustedAuthservIds()).isEmpty();
        assertThat(s.ignoreHosts().isEmpty()).isTrue();
        assertThat(s.ignoreAuthenticatedClients()).isTrue();
        assertThat(s.ignoreMailFrom()).isEmpty();
        // Issue 8: a From field we cannot read is refused by default (fail closed).
        assertThat(s.requiredHeaders()).isTrue();
        assertThat(s.rejectMultiValueFrom()).isFalse();
        assertThat(s.spfSelfValidate()).isTrue();
        assertThat(s.spfIgnoreResults()).isFalse();
        assertThat(s.dkimSelfValidate()).isTrue();
        assertThat(s.trustedRelays().isEmpty()).isTrue();
        assertThat(s.dns()).isEqualTo(DnsSettings.defaults());
        assertThat(s.discovery()).isEqualTo(DiscoveryMode.TREEWALK);
        assertThat(s.publicSuffixList()).isEmpty();
        assertThat(s.legacyPctSampling()).isFalse();
    }

    @Test
    void defaultAuthservIdIsOnlyAskedForWhenAbsent() {
        AtomicInteger calls = new AtomicInteger();
        CheckSettings s = CheckSettingsParser.parse(name -> name.equals("authservId") ? Optional.of("mx.example.org") : Optional.empty(),
                () -> {
                    calls.incrementAndGet();
                    return "host.local";
                });
        assertThat(s.authservId()).isEqualTo("mx.example.org");
        assertThat(calls).hasValue(0);
    }

    @Test
    void defaultAuthservIdIsTheLocalHostNameWithoutSupplier() {
        CheckSettings s = CheckSettingsParser.parse(name -> Optional.empty());
        assertThat(s.authservId()).isNotBlank().doesNotContain(" ", ";");
    }

    @Test
    void blankValuesTakeTheDefault() {
        CheckSettings s = parse(Map.of("dnsTimeout", "  ", "requiredHeaders", "", "authservId", " "));
        assertThat(s.dns().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.requiredHeaders()).isTrue();
        assertThat(s.authservId()).isEqualTo("host.local");
    }

    @Test
    void authservId() {
        assertThat(parse("authservId", " mx.example.org ").authservId()).isEqualTo("mx.example.org");
        assertBad("authservId", "mx example", "is not an authserv-id");
        assertBad("authservId", "mx;dmarc=pass", "is not an authserv-id");
        assertBad("authservId", "\"quoted\"", "is not an authserv-id");
    }

    @Test
    void trustedAuthservIds() {
        assertThat(parse("trustedAuthservIds", "mx1.example.org, mx2.example.org,,").trustedAuthservIds())
                .containsExactlyInAnyOrder("mx1.example.org", "mx2.example.org");
        assertBad("trustedAuthservIds", "a b", "is not an authserv-id");
    }

    @ParameterizedTest
    @CsvSource({"true,true", "TRUE,true", "yes,true", "Yes,true", "false,false", "no,false", "NO,false"})
    void booleansAcceptTrueFalseYesNo(String value, boolean expected) {
        for (String name : List.of("ignoreAuthenticatedClients", "requiredHeaders", "rejectMultiValueFrom",
                "spfSelfValidate", "spfIgnoreResults", "dkimSelfValidate", "legacyPct")) {
            CheckSettings s = parse(name, value);
            boolean actual = switch (name) {
                case "ignoreAuthenticatedClients" -> s.ignoreAuthenticatedClients();
                case "requiredHeaders" -> s.requiredHeaders();
                case "rejectMultiValueFrom" -> s.rejectMultiValueFrom();
                case "spfSelfValidate" -> s.spfSelfValidate();
                case "spfIgnoreResults" -> s.spfIgnoreResults();
                case "dkimSelfValidate" -> s.dkimSelfValidate();
                default -> s.legacyPctSampling();
            };
            assertThat(actual).as(name + "=" + value).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "0", "on", "off", "y", "tru", "maybe"})
    void booleansAreStrict(String value) {
        for (String name : List.of("ignoreAuthenticatedClients", "requiredHeaders", "rejectMultiValueFrom",
                "spfSelfValidate", "spfIgnoreResults", "dkimSelfValidate", "legacyPct")) {
            assertBad(name, value, "is not a boolean");
        }
    }

    @Test
    void boolHelperForOtherParameters() {
        assertThat(CheckSettingsParser.bool(n -> Optional.of("yes"), "softwareHeader", false)).isTrue();
        assertThat(CheckSettingsParser.bool(n -> Optional.empty(), "softwareHeader", true)).isTrue();
        assertThatThrownBy(() -> CheckSettingsParser.bool(n -> Optional.of("2"), "softwareHeader", false))
                .hasMessage("softwareHeader: '2' is not a boolean (true, false, yes or no)");
    }

    /** The DNS parameters are DnsSettings.fromParameters's; its messages quote values with single quotes. */
    private static void assertBadDns(String name, String value, String problem) {
        assertThatThrownBy(() -> parse(name, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(name + ": ")
                .hasMessageContaining(problem);
    }

    @ParameterizedTest
    @CsvSource({"5s,5000", "500ms,500", "2,2000", "1m,60000", "60s,60000", "1ms,1", "10 s,10000", "PT3S,3000"})
    void dnsTimeout(String value, long millis) {
        assertThat(parse("dnsTimeout", value).dns().timeout()).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void dnsTimeoutMessageNamesParameterAndValue() {
        assertThatThrownBy(() -> parse("dnsTimeout", "abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dnsTimeout: 'abc' is not a duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1.5s", "5 seconds", "s"})
    void badDurations(String value) {
        assertBadDns("dnsTimeout", value, "'" + value + "' is not a duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0ms", "61s", "2m", "5h"})
    void durationsOutOfRange(String value) {
        assertBadDns("dnsTimeout", value, "is out of range");
    }

    @Test
    void otherDnsParameters() {
        DnsSettings dns = parse(Map.of("dnsRetries", "3", "dnsCacheSize", "0", "dnsMinTtl", "10s", "dnsMaxTtl", "1h",
                "dnsNegativeTtl", "30s")).dns();
        assertThat(dns.retries()).isEqualTo(3);
        assertThat(dns.cacheMaxEntries()).isZero();
        assertThat(dns.minTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(dns.maxTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(dns.negativeTtl()).isEqualTo(Duration.ofSeconds(30));
        assertBadDns("dnsRetries", "many", "'many' is not a whole number");
    }

    @Test
    void discovery() {
        assertThat(parse("discovery", "psl").discovery()).isEqualTo(DiscoveryMode.PSL);
        assertThat(parse("discovery", "TreeWalk").discovery()).isEqualTo(DiscoveryMode.TREEWALK);
        assertBad("discovery", "org", "is not a discovery mode");
    }

    @Test
    void dnsServers() throws Exception {
        assertThat(parse("dnsServers", "127.0.0.1:5353, 192.0.2.53, [::1]:5300, ::1").dns().servers()).containsExactly(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5353),
                new InetSocketAddress(InetAddress.getByName("192.0.2.53"), 53),
                new InetSocketAddress(InetAddress.getByName("::1"), 5300),
                new InetSocketAddress(InetAddress.getByName("::1"), 53));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1", "[::1]5300", "[127.0.0.1]:53",
            "ns1.example.com:53", "1:2:3"})
    void badDnsServers(String value) {
        assertBadDns("dnsServers", value, "'" + value + "'");
    }

    @Test
    void ignoreMailFrom() {
        assertThat(parse("ignoreMailFrom", "Example.COM., localhost").ignoreMailFrom())
                .containsExactlyInAnyOrder(DomainName.of("example.com"), DomainName.of("localhost"));
        assertBad("ignoreMailFrom", "exa mple.com", "is not a domain name");
    }

    @Test
    void trustedRelays() throws Exception {
        HostList relays = parse("trustedRelays", "192.0.2.0/24, 127.0.0.1, 2001:DB8::/32").trustedRelays();
        assertThat(relays.matches(InetAddress.getByName("192.0.2.77"), "")).isTrue();
        assertThat(relays.matches(InetAddress.getByName("127.0.0.1"), "")).isTrue();
        assertThat(relays.matches(InetAddress.getByName("2001:db8:1::25"), "")).isTrue();
        assertThat(relays.matches(InetAddress.getByName("192.0.3.1"), "")).isFalse();
        assertBad("trustedRelays", "relay.example.com", "is not an IP address or CIDR block");
        assertBad("trustedRelays", "192.0.2.0/33", "is not an IP address or CIDR block");
        assertBad("trustedRelays", "2001:db8::/129", "is not an IP address or CIDR block");
        assertBad("trustedRelays", "192.0.2.0/", "is not an IP address or CIDR block");
    }

    @Test
    void ignoreHostsFile() throws IOException {
        Path file = dir.resolve("ignore-hosts");
        Files.writeString(file, """
                # OpenDMARC IgnoreHosts format
                127.0.0.1
                10.0.0.0/8, 192.168.1.1   # inline comment
                Relay.Example.COM
                .internal.example.org
                ::1

                """);
        HostList hosts = parse("ignoreHosts", file.toString()).ignoreHosts();
        assertThat(hosts.matches(InetAddress.getByName("127.0.0.1"), "")).isTrue();
        assertThat(hosts.matches(InetAddress.getByName("10.9.8.7"), "")).isTrue();
        assertThat(hosts.matches(InetAddress.getByName("192.168.1.1"), "")).isTrue();
        assertThat(hosts.matches(InetAddress.getByName("::1"), "")).isTrue();
        assertThat(hosts.matches(InetAddress.getByName("192.0.2.1"), "relay.example.com")).isTrue();
        assertThat(hosts.matches(InetAddress.getByName("192.0.2.1"), "a.internal.example.org")).isTrue();
        assertThat(hosts.matches(InetAddress.getByName("192.0.2.1"), "mail.example.net")).isFalse();
        assertThat(hosts.matches(InetAddress.getByName("192.168.1.2"), "")).isFalse();
    }

    @Test
    void ignoreHostsBadEntryNamesTheLine() throws IOException {
        Path file = dir.resolve("ignore-hosts");
        Files.writeString(file, "127.0.0.1\n10.0.0.0/40\nexa mple.com\n");
        assertThatThrownBy(() -> parse("ignoreHosts", file.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ignoreHosts: '" + file + "': not an address, CIDR block or host name: ")
                .hasMessageContaining("10.0.0.0/40")
                .hasMessageContaining("exa mple.com");
    }

    @Test
    void ignoreHostsMissingFile() {
        String missing = dir.resolve("nope").toString();
        assertBad("ignoreHosts", missing, "is not an existing file");
        assertBad("ignoreHosts", dir.toString(), "is not an existing file");
    }

    @Test
    void publicSuffixList() throws IOException {
        Path file = dir.resolve("psl.dat");
        Files.writeString(file, "com\n");
        assertThat(parse("publicSuffixList", file.toString()).publicSuffixList()).contains(file);
        assertBad("publicSuffixList", dir.resolve("missing.dat").toString(), "is not an existing file");
    }

    @Test
    void publicSuffixListMustBeReadable() throws IOException {
        Path file = dir.resolve("psl.dat");
        Files.writeString(file, "com\n");
        assertThat(file.toFile().setReadable(false)).isTrue();
        try {
            // Root reads any file whatever its mode; a write-only sysctl file stays unreadable even for root.
            Path unreadable = Files.isReadable(file) ? WRITE_ONLY_FOR_ROOT : file;
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(unreadable) && !Files.isReadable(unreadable),
                    "no unreadable regular file available here");
            assertBad("publicSuffixList", unreadable.toString(), "cannot be read");
        } finally {
            file.toFile().setReadable(true);
        }
    }

    @Test
    void perMessageLimits() {
        assertThat(parse(Map.of()).limits()).isEqualTo(MessageLimits.defaults());
        assertThat(MessageLimits.defaults()).isEqualTo(new MessageLimits(50, Duration.ofSeconds(5)));
        CheckSettings s = parse(Map.of("maxDnsQueriesPerMessage", "120", "maxTimePerMessage", "2500ms"));
        assertThat(s.limits()).isEqualTo(new MessageLimits(120, Duration.ofMillis(2500)));
        assertBad("maxDnsQueriesPerMessage", "9", "out of range (10 to 10000)");
        assertBad("maxDnsQueriesPerMessage", "10001", "out of range");
        assertBad("maxDnsQueriesPerMessage", "many", "is not a whole number");
        assertBad("maxTimePerMessage", "0", "out of range");
        assertBad("maxTimePerMessage", "11m", "out of range");
        assertThatThrownBy(() -> parse("maxTimePerMessage", "soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("maxTimePerMessage: 'soon' is not a duration");
    }

    @Test
    void allParametersTogether() throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "192.0.2.1\n");
        Map<String, String> p = new HashMap<>();
        p.put("authservId", "mx.example.org");
        p.put("trustedAuthservIds", "mx1.example.org");
        p.put("ignoreHosts", hosts.toString());
        p.put("ignoreAuthenticatedClients", "no");
        p.put("ignoreMailFrom", "example.net");
        p.put("requiredHeaders", "yes");
        p.put("rejectMultiValueFrom", "true");
        p.put("spfSelfValidate", "false");
        p.put("spfIgnoreResults", "true");
        p.put("dkimSelfValidate", "false");
        p.put("dkimPartialBodyPasses", "true");
        p.put("trustedRelays", "192.0.2.25");
        p.put("dnsServers", "127.0.0.1:5353");
        p.put("dnsTimeout", "750ms");
        p.put("discovery", "psl");
        p.put("legacyPct", "yes");
        CheckSettings s = parse(p);
        assertThat(s).isEqualTo(new CheckSettings("mx.example.org", java.util.Set.of("mx1.example.org"),
                s.ignoreHosts(), false, java.util.Set.of(DomainName.of("example.net")), true, true, false, true, false, true,
                s.trustedRelays(), false, DnsSettings.defaults()
                        .withServers(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5353)))
                        .withTimeout(Duration.ofMillis(750)),
                DiscoveryMode.PSL, Optional.empty(), true));
        assertThat(s.ignoreHosts().matches(InetAddress.getByName("192.0.2.1"), "")).isTrue();
        assertThat(s.trustedRelays().matches(InetAddress.getByName("192.0.2.25"), "")).isTrue();
        assertThat(s.trustedRelays().matches(InetAddress.getByName("192.0.2.1"), "")).isFalse();
    }

    @Test
    void unsafeOrIneffectiveTrustSettingsAreWarnedAboutAtStartUp() {
        assertThat(parse(Map.of("authservId", "mx.example.org")).startupWarnings()).isEmpty();
        assertThat(parse(Map.of("authservId", "mx.example.org", "trustedAuthservIds", "relay.example.org",
                "trustAuthResultsFromAnyClient", "true")).startupWarnings())
                .singleElement().asString().contains("trustAuthResultsFromAnyClient").contains("ANY client");
        assertThat(parse(Map.of("authservId", "mx.example.org", "trustedAuthservIds", "relay.example.org"))
                .startupWarnings()).singleElement().asString().contains("no effect without trustedRelays");
        assertThat(parse(Map.of("authservId", "mx.example.org", "trustedAuthservIds", "relay.example.org",
                "trustedRelays", "192.0.2.25")).startupWarnings()).isEmpty();
    }
}
