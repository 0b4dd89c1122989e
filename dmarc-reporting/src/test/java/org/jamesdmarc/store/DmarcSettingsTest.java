package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.jamesdmarc.store.DmarcSettings.Durability;
import org.jamesdmarc.store.journal.JournalSync;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DmarcSettingsTest {

    @TempDir
    Path home;

    private Path write(String text) throws Exception {
        Path conf = Files.createDirectories(home.resolve("conf"));
        return Files.writeString(conf.resolve("dmarc.properties"), text);
    }

    @Test
    void withoutAFileEveryDefault() {
        DmarcSettings s = DmarcSettings.load(home, Map.of());

        assertThat(s.file()).isEqualTo(home.resolve("conf/dmarc.properties"));
        assertThat(s.store().url()).as("H2 under the James home, in auto-server mode")
                .isEqualTo("jdbc:h2:file:" + home.resolve("var/dmarc/history") + ";AUTO_SERVER=TRUE");
        assertThat(s.store().user()).isEqualTo("sa");
        assertThat(s.store().password()).isSameAs(Secret.none());
        assertThat(s.store().poolSize()).isEqualTo(4);
        assertThat(s.defaultDatabase()).isTrue();
        assertThat(s.durability()).isEqualTo(Durability.JOURNAL);
        assertThat(s.journalDir()).isEqualTo(home.resolve("var/dmarc/journal"));
        assertThat(s.journalMaxBytes()).isEqualTo(1L << 30);
        assertThat(s.queueCapacity()).isEqualTo(100_000);
        assertThat(s.writers()).isEqualTo(2);
        assertThat(s.pipelineSettings().writers()).isEqualTo(2);
        assertThat(s.batchSize()).isEqualTo(500);
        assertThat(s.retentionDays()).isEqualTo(180);
        assertThat(s.warnings()).isEmpty();
        assertThat(s.pipelineSettings().journalFirst()).isTrue();
        assertThat(s.journalSync()).as("fsync off the mail path: kill -9 safe, not power-loss safe")
                .isEqualTo(JournalSync.INTERVAL);
        assertThat(s.pipelineSettings().journalSync()).isEqualTo(JournalSync.INTERVAL);
        assertThat(s.pipelineSettings().syncInterval()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aReportPeriodOfMinutesMakesTheStoreCountInMinuteBuckets() throws Exception {
        assertThat(DmarcSettings.load(home, Map.of()).store().counterBucketSeconds()).isEqualTo(3600);
        write("report.period = PT2M\n");
        assertThat(DmarcSettings.load(home, Map.of()).store().counterBucketSeconds()).isEqualTo(120);
        write("report.period = PT6H\n");
        assertThat(DmarcSettings.load(home, Map.of()).store().counterBucketSeconds()).isEqualTo(3600);
    }

    @Test
    void everyKeyFromTheFile() throws Exception {
        Path pw = Files.writeString(home.resolve("db-password"), "s3cret-pw\nsecond line ignored\n");
        write("""
                # a comment
                db.url = jdbc:postgresql://db.example:5432/dmarc
                db.user = dmarc
                db.passwordFile = ./db-password
                db.poolSize = 8
                history.durability = queue
                history.journalDir = /var/spool/dmarc-journal
                history.journalMaxBytes = 256m
                history.queueCapacity = 20000
                history.writers = 4
                history.batchSize = 1000
                history.retentionDays = 0
                history.journalSync = always
                history.journalSyncInterval = 2s
                report.somethingLater = ignored by this code
                """);

        DmarcSettings s = DmarcSettings.load(home, Map.of());

        assertThat(s.store().url()).isEqualTo("jdbc:postgresql://db.example:5432/dmarc");
        assertThat(s.store().user()).isEqualTo("dmarc");
        assertThat(s.store().password().reveal()).isEqualTo("s3cret-pw");
        assertThat(s.store().poolSize()).isEqualTo(8);
        assertThat(s.defaultDatabase()).isFalse();
        assertThat(s.durability()).isEqualTo(Durability.QUEUE);
        assertThat(s.pipelineSettings().journalFirst()).isFalse();
        assertThat(s.journalDir()).isEqualTo(Path.of("/var/spool/dmarc-journal"));
        assertThat(s.journalMaxBytes()).isEqualTo(256L << 20);
        assertThat(s.queueCapacity()).isEqualTo(20_000);
        assertThat(s.writers()).isEqualTo(4);
        assertThat(s.pipelineSettings().writers()).isEqualTo(4);
        assertThat(s.batchSize()).isEqualTo(1000);
        assertThat(s.retentionDays()).isZero();
        assertThat(s.journalSync()).isEqualTo(JournalSync.ALWAYS);
        assertThat(s.pipelineSettings().journalSync()).isEqualTo(JournalSync.ALWAYS);
        assertThat(s.journalSyncInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.pipelineSettings().syncInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void theEnvironmentOverridesTheFileAndAPasswordFileComesBeforeThePasswordVariable() throws Exception {
        Path envPw = Files.writeString(home.resolve("env-pw"), "from-env-file\n");
        write("""
                db.url = jdbc:postgresql://db.example/dmarc
                db.user = fileuser
                db.password = from-file
                """);

        DmarcSettings s = DmarcSettings.load(home, Map.of("DMARC_DB_URL", "jdbc:mysql://127.0.0.1:3306/dmarc",
                "DMARC_DB_USER", "envuser", "DMARC_DB_PASSWORD_FILE", envPw.toString(),
                "DMARC_DB_PASSWORD", "from-variable"));
        assertThat(s.store().url()).isEqualTo("jdbc:mysql://127.0.0.1:3306/dmarc");
        assertThat(s.store().kind()).isEqualTo(DatabaseKind.MARIADB);
        assertThat(s.store().user()).isEqualTo("envuser");
        assertThat(s.store().password().reveal()).isEqualTo("from-env-file");

        DmarcSettings v = DmarcSettings.load(home, Map.of("DMARC_DB_PASSWORD", "from-variable"));
        assertThat(v.store().password().reveal()).isEqualTo("from-variable");
        assertThat(v.store().user()).isEqualTo("fileuser");
        assertThat(DmarcSettings.load(home, Map.of("DMARC_DB_USER", " ")).store().user())
                .as("a blank variable overrides nothing").isEqualTo("fileuser");

        DmarcSettings f = DmarcSettings.load(home, Map.of());
        assertThat(f.store().password().reveal()).isEqualTo("from-file");
        assertThat(f.warnings()).singleElement().asString().contains("db.password").contains("db.passwordFile")
                .doesNotContain("from-file");
        assertThat(f.toString()).doesNotContain("from-file");
    }

    @Test
    void aRelativeH2FileUrlResolvesAgainstTheHomeAndKeepsItsOptions() throws Exception {
        write("db.url = jdbc:h2:file:./data/h;MODE=MySQL\n");
        assertThat(DmarcSettings.load(home, Map.of()).store().url())
                .isEqualTo("jdbc:h2:file:" + home.resolve("data/h") + ";MODE=MySQL;AUTO_SERVER=TRUE");
        assertThat(DmarcSettings.load(home, Map.of()).store().user()).as("H2's user unless one is configured")
                .isEqualTo("sa");

        write("db.url = jdbc:h2:/srv/dmarc/h;auto_server=false\n");
        assertThat(DmarcSettings.load(home, Map.of()).store().url()).as("the URL says otherwise")
                .isEqualTo("jdbc:h2:file:/srv/dmarc/h;auto_server=false");

        write("db.url = jdbc:postgresql://db/x\n");
        assertThat(DmarcSettings.load(home, Map.of()).store().user()).as("no user for a server unless configured")
                .isEmpty();

        write("db.url = jdbc:h2:mem:x\n");
        assertThat(DmarcSettings.load(home, Map.of()).store().url()).isEqualTo("jdbc:h2:mem:x");
        write("db.url = jdbc:h2:tcp://127.0.0.1:9092/./x\n");
        assertThat(DmarcSettings.load(home, Map.of()).store().url()).isEqualTo("jdbc:h2:tcp://127.0.0.1:9092/./x");
    }

    @Test
    void badValuesNameTheKeyAndTheFileOnOneLine() throws Exception {
        Path file = home.resolve("conf/dmarc.properties");
        assertBad("history.batchSize = lots\n", "history.batchSize = 'lots': expected a whole number from 1 to 100000");
        assertBad("history.batchSize = 0\n", "history.batchSize = '0'");
        assertBad("db.poolSize = 1000\n", "db.poolSize = '1000'");
        assertBad("history.writers = 0\n", "history.writers = '0': expected a whole number from 1 to 16");
        assertBad("history.retentionDays = -1\n", "history.retentionDays = '-1'");
        assertBad("history.durability = sometimes\n", "history.durability = 'sometimes': expected journal or queue");
        assertBad("history.journalMaxBytes = 1t\n", "history.journalMaxBytes = '1t'");
        assertBad("history.journalSync = never\n", "history.journalSync = 'never': expected interval or always");
        assertBad("history.journalSyncInterval = 0\n", "history.journalSyncInterval = '0': expected a duration");
        assertBad("history.journalSyncInterval = 11s\n", "history.journalSyncInterval = '11s'");
        assertBad("history.journalSyncInterval = 5m\n", "history.journalSyncInterval = '5m'");
        assertBad("history.journalMaxBytes = 1k\n", "history.journalMaxBytes = '1k': expected a size of at least 64k");
        assertBad("db.url = jdbc:oracle:thin:@db:1521/x\n",
                "db.url: unsupported JDBC URL scheme 'oracle' in jdbc:oracle:thin:@db:1521/x");
        assertBad("history.batchsize = 10\n", "unknown key history.batchsize");
        assertBad("db.passwordFile = ./absent\n", "db.passwordFile: cannot read the database password file");
        for (String message : new String[] {"history.batchSize = lots\n"}) {
            write(message);
            assertThatThrownBy(() -> DmarcSettings.load(home, Map.of())).hasMessageStartingWith(file.toString());
        }
    }

    @Test
    void aBadUrlInTheEnvironmentNamesTheVariable() {
        assertThatThrownBy(() -> DmarcSettings.load(home, Map.of("DMARC_DB_URL", "jdbc:sqlite:x.db")))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("the environment variable DMARC_DB_URL: unsupported JDBC URL scheme 'sqlite'");
    }

    @Test
    void sizesTakeUnitsInAnyCase() throws Exception {
        write("history.journalMaxBytes = 2G\n");
        assertThat(DmarcSettings.load(home, Map.of()).journalMaxBytes()).isEqualTo(2L << 30);
        write("history.journalMaxBytes = 100000\n");
        assertThat(DmarcSettings.load(home, Map.of()).journalMaxBytes()).isEqualTo(100_000);
        write("history.journalMaxBytes = 512kb\n");
        assertThat(DmarcSettings.load(home, Map.of()).journalMaxBytes()).isEqualTo(512L << 10);
    }

    @Test
    void syncIntervalsTakeMillisecondsOrSeconds() throws Exception {
        write("history.journalSyncInterval = 100\n");
        assertThat(DmarcSettings.load(home, Map.of()).journalSyncInterval()).isEqualTo(Duration.ofMillis(100));
        write("history.journalSyncInterval = 20 MS\n");
        assertThat(DmarcSettings.load(home, Map.of()).journalSyncInterval()).isEqualTo(Duration.ofMillis(20));
        write("history.journalSync = Interval\nhistory.journalSyncInterval = 1s\n");
        DmarcSettings s = DmarcSettings.load(home, Map.of());
        assertThat(s.journalSync()).isEqualTo(JournalSync.INTERVAL);
        assertThat(s.journalSyncInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theSampleFileLoadsWithItsDocumentedDefaults() throws Exception {
        Path sample = Path.of("..", "james-config-samples", "conf", "dmarc.properties");
        assertThat(sample).exists();
        Files.createDirectories(home.resolve("conf"));
        Files.copy(sample, home.resolve("conf/dmarc.properties"));
        DmarcSettings fromSample = DmarcSettings.load(home, Map.of());
        Files.delete(home.resolve("conf/dmarc.properties"));
        assertThat(fromSample).isEqualTo(DmarcSettings.load(home, Map.of()));
        String text = Files.readString(sample);
        for (String key : DmarcSettings.KEYS) {
            assertThat(text).as("the sample documents " + key).contains(key);
        }
    }

    private void assertBad(String text, String expected) throws Exception {
        write(text);
        assertThatThrownBy(() -> DmarcSettings.load(home, Map.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(expected)
                .hasMessageContaining(home.resolve("conf/dmarc.properties").toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
