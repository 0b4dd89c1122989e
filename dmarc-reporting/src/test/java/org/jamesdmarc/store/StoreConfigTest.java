package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConfigTest {

    @Test
    void theFourSchemesAndTheirDrivers() {
        assertThat(DatabaseKind.resolve("jdbc:h2:file:/var/dmarc/history"))
                .isEqualTo(new DatabaseKind.Resolved(DatabaseKind.H2, "jdbc:h2:file:/var/dmarc/history"));
        assertThat(DatabaseKind.resolve("jdbc:mariadb://db:3306/dmarc"))
                .isEqualTo(new DatabaseKind.Resolved(DatabaseKind.MARIADB, "jdbc:mariadb://db:3306/dmarc"));
        assertThat(DatabaseKind.resolve("JDBC:MySQL://db:3306/dmarc?useSSL=false"))
                .as("mysql is served by the MariaDB driver")
                .isEqualTo(new DatabaseKind.Resolved(DatabaseKind.MARIADB, "jdbc:mariadb://db:3306/dmarc?useSSL=false"));
        assertThat(DatabaseKind.resolve(" jdbc:postgresql://db/dmarc "))
                .isEqualTo(new DatabaseKind.Resolved(DatabaseKind.POSTGRESQL, "jdbc:postgresql://db/dmarc"));
        assertThat(DatabaseKind.MARIADB.driverClassName()).isEqualTo("org.mariadb.jdbc.Driver");
    }

    @Test
    void anUnknownSchemeIsOneLineWithoutThePassword() {
        assertThatThrownBy(() -> JdbcHistoryStore.open(new StoreConfig("jdbc:oracle:thin:scott/tiger@db:1521/x?password=tiger2",
                "scott", Secret.of("tiger"))))
                .isInstanceOf(StoreException.class)
                .hasMessage("unsupported JDBC URL scheme 'oracle' in jdbc:oracle:thin:scott/tiger@db:1521/x?password=**** "
                        + "(use h2, mariadb, mysql or postgresql)");
        assertThatThrownBy(() -> DatabaseKind.resolve("postgresql://db/dmarc"))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("not a JDBC URL: 'postgresql://db/dmarc'");
    }

    @Test
    void passwordsInUrlsAreMasked() {
        assertThat(StoreConfig.redact("jdbc:postgresql://db/dmarc?user=u&password=p4ss&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/dmarc?user=u&password=****&ssl=true");
        assertThat(StoreConfig.redact("jdbc:mariadb://u:p4ss@db/dmarc")).isEqualTo("jdbc:mariadb://u:****@db/dmarc");
        assertThat(StoreConfig.redact("jdbc:h2:tcp://localhost/x;PASSWORD=p4ss;MODE=x"))
                .isEqualTo("jdbc:h2:tcp://localhost/x;PASSWORD=****;MODE=x");
        StoreConfig config = new StoreConfig("jdbc:postgresql://db/dmarc?password=p4ss", "u", Secret.of("other"));
        assertThat(config.toString()).doesNotContain("p4ss").doesNotContain("other").contains("password=****");
    }

    @Test
    void thePasswordComesFromAFileOrTheEnvironmentAndIsNeverPrinted(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("db-password");
        Files.writeString(file, "from-file\r\nsecond line ignored\n");
        Secret fromFile = Secret.fromFile(file);
        assertThat(fromFile.reveal()).isEqualTo("from-file");
        assertThat(fromFile.toString()).isEqualTo("****");

        assertThat(Secret.fromEnvironment("DMARC_DB_PASSWORD", Map.of("DMARC_DB_PASSWORD", "from-env")).reveal())
                .isEqualTo("from-env");
        assertThatThrownBy(() -> Secret.fromEnvironment("DMARC_DB_PASSWORD", Map.of()))
                .isInstanceOf(StoreException.class).hasMessageContaining("DMARC_DB_PASSWORD").hasMessageContaining("not set");
        assertThatThrownBy(() -> Secret.fromFile(tmp.resolve("missing")))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("cannot read the database password file");
        assertThat(Secret.none().toString()).isEqualTo("(none)");
    }
}
