package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsSettingsTest {

    @Test
    void defaults() {
        DnsSettings s = DnsSettings.defaults();

        assertThat(s.servers()).isEmpty();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.retries()).isEqualTo(1);
        assertThat(s.cacheMaxEntries()).isEqualTo(10_000);
        assertThat(s.minTtl()).isZero();
        assertThat(s.maxTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(s.negativeTtl()).isEqualTo(Duration.ofMinutes(1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "192.0.2.1|192.0.2.1|53",
        "192.0.2.1:5353|192.0.2.1|5353",
        "[::1]:53|0:0:0:0:0:0:0:1|53",
        "[2001:db8::1]|2001:db8:0:0:0:0:0:1|53",
        "[2001:db8::1]:1053|2001:db8:0:0:0:0:0:1|1053",
        "2001:db8::2|2001:db8:0:0:0:0:0:2|53",
    })
    void parsesOneServer(String spec, String host, int port) {
        InetSocketAddress a = DnsSettings.parseServer(spec);

        assertThat(a.getAddress().getHostAddress()).isEqualTo(host);
        assertThat(a.getPort()).isEqualTo(port);
    }

    @Test
    void parsesAListSeparatedByCommasOrSpaces() {
        assertThat(DnsSettings.parseServers(" 192.0.2.1:53, [::1]:5353  127.0.0.1 ,"))
            .extracting(a -> a.getAddress().getHostAddress() + "#" + a.getPort())
            .containsExactly("192.0.2.1#53", "0:0:0:0:0:0:0:1#5353", "127.0.0.1#53");
    }

    @Test
    void blankListMeansSystemResolvers() {
        assertThat(DnsSettings.parseServers("  ")).isEmpty();
        assertThat(DnsSettings.parseServers("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns.example.com", "dns.example.com:53", "192.0.2.1:0", "192.0.2.1:65536",
        "192.0.2.1:dns", "[::1", "[::1]53", "[192.0.2.1]:53", "300.1.1.1", "::g", "192.0.2.1:"})
    void badServersAreRejectedNamingTheValue(String bad) {
        assertThatThrownBy(() -> DnsSettings.parseServers("127.0.0.1, " + bad))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("dnsServers: '" + bad + "'");
    }

    @ParameterizedTest
    @CsvSource({"300ms,300", "5s,5000", "5,5000", "2m,120000", "1h,3600000", "1d,86400000", "PT1.5S,1500",
        "' 10 s ',10000", "0,0"})
    void parsesDurations(String text, long millis) {
        assertThat(DnsSettings.parseDuration("dnsTimeout", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fast", "5x", "-5s", "PT-5S", "1.5s", "s"})
    void badDurationsAreRejectedNamingParameterAndValue(String bad) {
        assertThatThrownBy(() -> DnsSettings.parseDuration("dnsTimeout", bad))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("dnsTimeout: '" + bad + "'");
    }

    @Test
    void fromParametersReadsEverySetting() {
        Map<String, String> p = Map.of("dnsServers", "127.0.0.1:5353", "dnsTimeout", "2s", "dnsRetries", "3",
            "dnsCacheSize", "50", "dnsMinTtl", "10s", "dnsMaxTtl", "1h", "dnsNegativeTtl", "30s");

        DnsSettings s = DnsSettings.fromParameters(p::get);

        assertThat(s.servers()).extracting(InetSocketAddress::getPort).containsExactly(5353);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.retries()).isEqualTo(3);
        assertThat(s.cacheMaxEntries()).isEqualTo(50);
        assertThat(s.minTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.negativeTtl()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fromParametersKeepsDefaultsForMissingOrBlank() {
        assertThat(DnsSettings.fromParameters(Map.of("dnsTimeout", " ")::get)).isEqualTo(DnsSettings.defaults());
    }

    @Test
    void outOfRangeValuesAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> DnsSettings.fromParameters(Map.of("dnsTimeout", "0s")::get))
            .hasMessageStartingWith("dnsTimeout: ");
        assertThatThrownBy(() -> DnsSettings.fromParameters(Map.of("dnsTimeout", "2h")::get))
            .hasMessageStartingWith("dnsTimeout: ");
        assertThatThrownBy(() -> DnsSettings.fromParameters(Map.of("dnsRetries", "-1")::get))
            .hasMessageStartingWith("dnsRetries: -1");
        assertThatThrownBy(() -> DnsSettings.fromParameters(Map.of("dnsRetries", "two")::get))
            .hasMessageStartingWith("dnsRetries: 'two'");
        assertThatThrownBy(() -> DnsSettings.fromParameters(Map.of("dnsCacheSize", "-3")::get))
            .hasMessageStartingWith("dnsCacheSize: -3");
        assertThatThrownBy(() -> DnsSettings.fromParameters(Map.of("dnsMinTtl", "2d")::get))
            .hasMessageStartingWith("dnsMaxTtl: ");
    }
}
