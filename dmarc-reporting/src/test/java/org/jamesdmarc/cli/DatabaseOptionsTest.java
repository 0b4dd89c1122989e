package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void withoutDbTheEmbeddedH2FileUnderTheWorkingDirectory() {
        DatabaseOptions.Target t = new DatabaseOptions().target(Map.of());
        assertThat(t.embeddedDefault()).isTrue();
        assertThat(t.config().url()).as("in auto-server mode, to read the database James writes")
                .isEqualTo("jdbc:h2:file:" + Path.of("var/dmarc/history").toAbsolutePath() + ";AUTO_SERVER=TRUE");
        assertThat(t.config().user()).isEqualTo("sa");
        assertThat(t.config().password().toString()).isEqualTo("(none)");
    }

    @Test
    void theEnvironmentGivesUrlUserAndPassword() {
        DatabaseOptions.Target t = new DatabaseOptions().target(Map.of(
                "DMARC_DB_URL", "jdbc:postgresql://db.example/dmarc", "DMARC_DB_USER", "dmarc",
                "DMARC_DB_PASSWORD", "s3cret-pw"));
        assertThat(t.embeddedDefault()).isFalse();
        assertThat(t.config().url()).isEqualTo("jdbc:postgresql://db.example/dmarc");
        assertThat(t.config().user()).isEqualTo("dmarc");
        assertThat(t.config().toString()).doesNotContain("s3cret-pw").contains("****");
    }

    @Test
    void optionsComeBeforeTheEnvironmentAndAPasswordFileBeforeAVariable() throws Exception {
        Path option = tmp.resolve("option-pw");
        Files.writeString(option, "from-option\n");
        Path env = tmp.resolve("env-pw");
        Files.writeString(env, "from-env-file\n");
        Map<String, String> environment = Map.of("DMARC_DB_URL", "jdbc:h2:mem:x", "DMARC_DB_USER", "env",
                "DMARC_DB_PASSWORD_FILE", env.toString(), "DMARC_DB_PASSWORD", "from-variable");
        DatabaseOptions o = new DatabaseOptions();
        o.url = "jdbc:mariadb://127.0.0.1/dmarc";
        o.user = "opt";
        o.passwordFile = option;
        DatabaseOptions.Target t = o.target(environment);
        assertThat(t.config().url()).isEqualTo("jdbc:mariadb://127.0.0.1/dmarc");
        assertThat(t.config().user()).isEqualTo("opt");
        assertThat(t.config().password().toString()).isEqualTo("****");

        // A Secret never shows its value outside the store: which source is read shows in which absent file fails.
        o.passwordFile = tmp.resolve("absent");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.target(environment))
                .hasMessageContaining("absent");
        o.passwordFile = null;
        Map<String, String> badEnvFile = Map.of("DMARC_DB_PASSWORD_FILE", tmp.resolve("absent-env").toString(),
                "DMARC_DB_PASSWORD", "from-variable");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.target(badEnvFile))
                .as("the file variable comes before the password variable").hasMessageContaining("absent-env");
    }
}
