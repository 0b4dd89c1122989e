package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.jamesdmarc.dns.DnsSettings;
import org.junit.jupiter.api.Test;

class ReportSettingsTest {

    private static ReportSettings of(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ReportSettings.from(p, Path.of("dmarc.properties"));
    }

    @Test
    void theSchedulersDefaults() {
        ReportSettings s = ReportSettings.defaults();
        assertThat(s.enabled()).isTrue();
        assertThat(s.checkInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.dns()).isEqualTo(DnsSettings.defaults());
        assertThat(s.period()).isEqualTo(Duration.ofDays(1));
        assertThat(s.delay()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void theSchedulersKeys() {
        ReportSettings s = of("report.enabled", "false", "report.checkInterval", "PT10S",
                "report.dnsServers", "127.0.0.1:5353, [::1]", "report.dnsTimeout", "2s");
        assertThat(s.enabled()).isFalse();
        assertThat(s.checkInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.dns().servers()).containsExactly(new InetSocketAddress("127.0.0.1", 5353),
                new InetSocketAddress("::1", 53));
        assertThat(s.dns().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.withCaps(1, 1).dns()).isEqualTo(s.dns());
        assertThat(s.withCaps(1, 1).checkInterval()).isEqualTo(s.checkInterval());
    }

    @Test
    void inboundReportsAreKeptForTheirOwnRetention() {
        assertThat(ReportSettings.defaults().inboundRetention()).isEqualTo(Duration.ofDays(400));
        assertThat(of("report.inboundRetention", "P30D").inboundRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(of("report.inboundRetention", "P30D").withCaps(1, 1).inboundRetention())
                .isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> of("report.inboundRetention", "PT1H")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.inboundRetention = 'PT1H': expected at least P1D");
    }

    @Test
    void badSchedulerValuesNameTheKey() {
        assertThatThrownBy(() -> of("report.enabled", "yes")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.enabled = 'yes'");
        assertThatThrownBy(() -> of("report.checkInterval", "PT0S")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.checkInterval");
        assertThatThrownBy(() -> of("report.checkInterval", "P2D")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.checkInterval");
        assertThatThrownBy(() -> of("report.dnsServers", "not an address!")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.dnsServers");
        assertThatThrownBy(() -> of("report.dnsTimeout", "forever")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.dnsTimeout");
        assertThatThrownBy(() -> of("report.checkIntervall", "PT1M")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("unknown key report.checkIntervall");
    }

    @Test
    void theOutboxIsOffByDefaultAndARepositoryUrlWhenSet() {
        assertThat(ReportSettings.defaults().outbox()).isEmpty();
        assertThat(of("report.outbox", " file://var/mail/dmarc-report-outbox/ ").outbox())
                .contains("file://var/mail/dmarc-report-outbox/");
        assertThat(of("report.outbox", "file://var/mail/x/").withCaps(1, 1).outbox()).contains("file://var/mail/x/");
        assertThatThrownBy(() -> of("report.outbox", "var/mail/outbox")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.outbox = 'var/mail/outbox'");
    }

    @Test
    void aPeriodOfMinutesForTestsAndTheCountersBucketsItNeeds() {
        assertThat(of("report.period", "PT2M").period()).isEqualTo(Duration.ofMinutes(2));
        assertThat(of("report.period", "PT1M").period()).isEqualTo(Duration.ofMinutes(1));
        assertThat(of("report.period", "PT6H").period()).isEqualTo(Duration.ofHours(6));
        assertThatThrownBy(() -> of("report.period", "PT7M")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.period = 'PT7M'");
        assertThatThrownBy(() -> of("report.period", "PT5H")).isInstanceOf(SettingsException.class);
        assertThatThrownBy(() -> of("report.period", "PT30S")).isInstanceOf(SettingsException.class);

        assertThat(ReportSettings.counterBucketSeconds(props())).isEqualTo(3600);
        assertThat(ReportSettings.counterBucketSeconds(props("report.period", "PT6H"))).isEqualTo(3600);
        assertThat(ReportSettings.counterBucketSeconds(props("report.period", "PT2M"))).isEqualTo(120);
        assertThat(ReportSettings.counterBucketSeconds(props("report.period", "PT48M"))).isEqualTo(720);
        assertThat(ReportSettings.counterBucketSeconds(props("report.period", "PT7M"))).as("wrong: refused elsewhere")
                .isEqualTo(3600);
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }
}
