package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailureReportSettingsTest {

    @TempDir
    Path conf;

    private FailureReportSettings read(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return FailureReportSettings.from(p, conf.resolve("dmarc.properties"), conf);
    }

    @Test
    void offHeadersOnlyRedactedOnePerDestinationPerHourByDefault() {
        FailureReportSettings s = read();
        assertThat(s.enabled()).isFalse();
        assertThat(s.wholeMessage()).isFalse();
        assertThat(s.redactSender()).isTrue();
        assertThat(s.limits()).isEqualTo(new FailureReportLog.RateLimits(1, 10, Duration.ofHours(1)));
        assertThat(s.secretFile()).isEqualTo(conf.resolve("dmarc-failure-secret"));
        assertThat(s.queueSize()).isEqualTo(1000);
    }

    @Test
    void everyKeyIsRead() {
        FailureReportSettings s = read("failure.enabled", "true", "failure.perDestination", "3", "failure.perDomain",
                "7", "failure.window", "PT10M", "failure.content", "message", "failure.redactSender", "false",
                "failure.secretFile", "/etc/james/secret", "failure.queueSize", "5");
        assertThat(s).isEqualTo(new FailureReportSettings(true, new FailureReportLog.RateLimits(3, 7,
                Duration.ofMinutes(10)), true, false, Path.of("/etc/james/secret"), 5));
    }

    @Test
    void badValuesAndUnknownKeysAreOneLineNamingTheKey() {
        assertThatThrownBy(() -> read("failure.content", "body")).isInstanceOf(SettingsException.class)
                .hasMessageContaining("failure.content").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> read("failure.perDestination", "0")).hasMessageContaining("failure.perDestination");
        assertThatThrownBy(() -> read("failure.window", "PT0S")).hasMessageContaining("failure.window");
        assertThatThrownBy(() -> read("failure.enable", "true")).hasMessageContaining("unknown key failure.enable");
    }

    @Test
    void theSecretIsGeneratedOnceThenRead() throws Exception {
        FailureReportSettings s = read();
        byte[] first = s.secret(() -> new byte[32]);
        assertThat(first).hasSize(32);
        assertThat(s.secret(() -> new byte[] {1, 2, 3})).isEqualTo(first);
        Files.write(conf.resolve("short"), new byte[8]);
        assertThatThrownBy(() -> read("failure.secretFile", "short").secret(() -> new byte[32]))
                .isInstanceOf(SettingsException.class).hasMessageContaining("at least 16 bytes");
    }
}
