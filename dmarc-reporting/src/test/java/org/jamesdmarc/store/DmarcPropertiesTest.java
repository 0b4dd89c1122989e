package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One read of {@code conf/dmarc.properties} feeds both {@link DmarcSettings} and {@link ReportSettings}; each still
 * refuses the unknown keys under its own prefixes, and a key under no known prefix is refused too.
 */
class DmarcPropertiesTest {

    @TempDir
    Path home;

    private Path write(String text) throws Exception {
        Path conf = Files.createDirectories(home.resolve("conf"));
        return Files.writeString(conf.resolve("dmarc.properties"), text);
    }

    @Test
    void oneReadFeedsBothSettingsWithTheSameContents() throws Exception {
        Path file = write("""
                db.url = jdbc:postgresql://db.example:5432/dmarc
                history.batchSize = 250
                report.orgName = Example Receiver
                report.email = dmarc@example.net
                report.ledgerRetention = P30D
                """);
        DmarcProperties read = DmarcProperties.read(home);
        // Edited after the read: what was read is what both see.
        Files.writeString(file, "db.url = jdbc:h2:mem:other\nreport.orgName = Someone Else\n");

        DmarcSettings history = read.history(Map.of());
        ReportSettings reports = read.reports();
        assertThat(read.file()).isEqualTo(home.resolve("conf/dmarc.properties"));
        assertThat(history.file()).isEqualTo(read.file());
        assertThat(history.store().url()).isEqualTo("jdbc:postgresql://db.example:5432/dmarc");
        assertThat(history.batchSize()).isEqualTo(250);
        assertThat(reports.orgName()).contains("Example Receiver");
        assertThat(reports.email()).contains("dmarc@example.net");
        assertThat(reports.ledgerRetention()).isEqualTo(Duration.ofDays(30));
        // The loaders of each read the file as it is now, and agree with a fresh read.
        assertThat(DmarcSettings.load(home, Map.of())).isEqualTo(DmarcProperties.read(home).history(Map.of()));
        assertThat(ReportSettings.load(home)).isEqualTo(DmarcProperties.read(home).reports());
        assertThat(ReportSettings.load(home).orgName()).contains("Someone Else");
    }

    @Test
    void withoutAFileEveryDefaultOfBoth() {
        DmarcProperties read = DmarcProperties.read(home);
        assertThat(read.history(Map.of())).isEqualTo(DmarcSettings.load(home, Map.of()));
        assertThat(read.reports()).isEqualTo(ReportSettings.defaults());
        assertThat(read.reports().ledgerRetention()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void eachSettingsClassRefusesItsOwnUnknownKeysOnly() throws Exception {
        write("report.orgName = X\nreport.ledgerRetension = P10D\n");
        DmarcProperties misspeltReportKey = DmarcProperties.read(home);
        assertThatThrownBy(misspeltReportKey::reports).isInstanceOf(SettingsException.class)
                .hasMessageStartingWith(home.resolve("conf/dmarc.properties") + ": unknown key report.ledgerRetension")
                .hasMessageContaining("report.ledgerRetention");
        assertThat(misspeltReportKey.history(Map.of()).retentionDays()).as("not the history's business").isEqualTo(180);

        write("history.batchsize = 10\ndb.pool = 3\nreport.orgName = X\n");
        DmarcProperties misspeltHistoryKeys = DmarcProperties.read(home);
        assertThatThrownBy(() -> misspeltHistoryKeys.history(Map.of())).isInstanceOf(SettingsException.class)
                .hasMessageStartingWith(home.resolve("conf/dmarc.properties") + ": unknown keys db.pool, history.batchsize");
        assertThat(misspeltHistoryKeys.reports().orgName()).contains("X");
    }

    @Test
    void aKeyUnderNoKnownPrefixIsRefused() throws Exception {
        write("reports.orgName = X\nhistory.batchSize = 10\n");
        assertThatThrownBy(() -> DmarcSettings.load(home, Map.of())).isInstanceOf(SettingsException.class)
                .hasMessage(home.resolve("conf/dmarc.properties") + ": unknown key reports.orgName (every key starts "
                        + "with one of db. history. report. failure.)");
    }

    @Test
    void theLedgerRetentionIsAtLeastADayAndNeverShorterThanTheHistorys() throws Exception {
        write("report.ledgerRetention = PT12H\n");
        assertThatThrownBy(() -> ReportSettings.load(home)).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.ledgerRetention = 'PT12H': expected at least P1D");
        write("report.ledgerRetention = ninety days\n");
        assertThatThrownBy(() -> ReportSettings.load(home)).isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.ledgerRetention = 'ninety days': expected an ISO-8601 duration");
        write("report.ledgerRetention = P30D\n");
        ReportSettings s = ReportSettings.load(home);
        assertThat(s.ledgerRetention(7)).isEqualTo(Duration.ofDays(30));
        assertThat(s.ledgerRetention(180)).isEqualTo(Duration.ofDays(180));
        assertThat(ReportSettings.defaults().ledgerRetention(180)).isEqualTo(Duration.ofDays(180));
        assertThat(ReportSettings.defaults().ledgerRetention(0)).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void theSampleFileDocumentsEveryReportKey() throws Exception {
        Path sample = Path.of("..", "james-config-samples", "conf", "dmarc.properties");
        String text = Files.readString(sample);
        for (String key : ReportSettings.KEYS) {
            assertThat(text).as("the sample documents " + key).contains(key);
        }
        Files.createDirectories(home.resolve("conf"));
        Files.copy(sample, home.resolve("conf/dmarc.properties"));
        DmarcProperties read = DmarcProperties.read(home);
        assertThat(read.reports().ledgerRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(read.history(Map.of())).isEqualTo(DmarcSettings.load(home, Map.of()));
    }

    @Test
    void failureKeysAreReadFromTheSameFileAndAMisspeltOneIsRefused() throws Exception {
        write("failure.enabled = true\nfailure.perDomain = 4\n");
        DmarcProperties file = DmarcProperties.read(home);
        file.history(Map.of()); // failure. is a known prefix
        assertThat(file.failures().enabled()).isTrue();
        assertThat(file.failures().limits().perDomain()).isEqualTo(4);
        assertThat(file.failures().secretFile()).isEqualTo(home.resolve("conf/dmarc-failure-secret"));
        write("failure.enable = true\n");
        assertThatThrownBy(() -> DmarcProperties.read(home).failures()).isInstanceOf(SettingsException.class)
                .hasMessageContaining("unknown key failure.enable");
    }
}
