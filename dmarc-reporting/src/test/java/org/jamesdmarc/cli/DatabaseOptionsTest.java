package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.store.DmarcSettings;
import org.jamesdmarc.store.StoreException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void withoutDbHomeOrRepositoryTheEmbeddedH2FileUnderTheWorkingDirectory() {
        DatabaseOptions.Target t = new DatabaseOptions().target(Map.of(), Optional.empty());
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

    // ---- without --db: the James home's conf/dmarc.properties, read as James reads it ----------------------

    private Path jamesHome(String name, String properties) throws Exception {
        Path home = tmp.resolve(name);
        Files.createDirectories(home.resolve("conf"));
        if (properties != null) {
            Files.writeString(home.resolve("conf/dmarc.properties"), properties);
        }
        return home;
    }

    @Test
    void withoutDbTheRepositorysRunJamesHomeGivesTheSameDatabaseJamesOpens() throws Exception {
        Path repository = tmp.resolve("repo");
        Path home = repository.resolve("var/james");
        DatabaseOptions.Target t = new DatabaseOptions().target(Map.of(), Optional.of(repository));
        assertThat(t.embeddedDefault()).isTrue();
        assertThat(t.config().url())
                .isEqualTo("jdbc:h2:file:" + home.resolve("var/dmarc/history") + ";AUTO_SERVER=TRUE")
                .as("what DmarcSettings gives James for that home")
                .isEqualTo(DmarcSettings.load(home, Map.of()).store().url());
        assertThat(t.config().user()).isEqualTo("sa");
        assertThat(t.source()).isEqualTo("embedded H2 default of the James home " + home);
    }

    @Test
    void homeOptionBeforeJamesHomeVariableBeforeRepository() throws Exception {
        Path optionHome = jamesHome("option", "db.url=jdbc:h2:./option/h\n");
        Path variableHome = jamesHome("variable", "db.url=jdbc:h2:./variable/h\n");
        Optional<Path> repository = Optional.of(tmp.resolve("repo"));
        Map<String, String> environment = Map.of("JAMES_HOME", variableHome.toString());

        DatabaseOptions withHome = new DatabaseOptions();
        withHome.home = optionHome;
        assertThat(withHome.target(environment, repository).config().url())
                .isEqualTo("jdbc:h2:file:" + optionHome.resolve("option/h") + ";AUTO_SERVER=TRUE");

        DatabaseOptions.Target fromVariable = new DatabaseOptions().target(environment, repository);
        assertThat(fromVariable.config().url())
                .isEqualTo("jdbc:h2:file:" + variableHome.resolve("variable/h") + ";AUTO_SERVER=TRUE");
        assertThat(fromVariable.embeddedDefault()).isFalse();
        assertThat(fromVariable.source()).isEqualTo("named by " + variableHome.resolve("conf/dmarc.properties")
                + " of the James home " + variableHome);

        assertThat(new DatabaseOptions().target(Map.of("JAMES_HOME", " "), repository).config().url())
                .as("a blank JAMES_HOME is unset")
                .isEqualTo("jdbc:h2:file:" + tmp.resolve("repo/var/james/var/dmarc/history") + ";AUTO_SERVER=TRUE");
    }

    @Test
    void theSettingsFileGivesUrlUserAndPasswordFileAndTheEnvironmentOverridesThem() throws Exception {
        Path home = jamesHome("pg", """
                db.url=jdbc:postgresql://127.0.0.1:5432/dmarc
                db.user=from-file
                db.passwordFile=./conf/pw
                """);
        Files.writeString(home.resolve("conf/pw"), "file-secret\n");
        DatabaseOptions o = new DatabaseOptions();
        o.home = home;

        DatabaseOptions.Target fromFile = o.target(Map.of(), Optional.empty());
        assertThat(fromFile.config().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/dmarc");
        assertThat(fromFile.config().user()).isEqualTo("from-file");
        assertThat(fromFile.config().password().toString()).isEqualTo("****");
        assertThat(fromFile.config().poolSize()).as("a command needs few connections").isEqualTo(2);

        Map<String, String> environment = Map.of("DMARC_DB_URL", "jdbc:mariadb://127.0.0.1:3306/other",
                "DMARC_DB_USER", "from-env");
        DatabaseOptions.Target fromEnvironment = o.target(environment, Optional.empty());
        assertThat(fromEnvironment.config().url()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/other");
        assertThat(fromEnvironment.config().user()).isEqualTo("from-env");
        assertThat(fromEnvironment.source()).isEqualTo("named by $DMARC_DB_URL of the James home " + home);

        o.user = "from-option";
        assertThat(o.target(environment, Optional.empty()).config().user()).isEqualTo("from-option");

        // The password file of the settings is read: an absent one is an error naming the key.
        Files.delete(home.resolve("conf/pw"));
        o.user = null;
        assertThatThrownBy(() -> o.target(Map.of(), Optional.empty()))
                .isInstanceOf(StoreException.class).hasMessageContaining("db.passwordFile");
    }

    @Test
    void aRelativeH2UrlInTheEnvironmentResolvesAgainstTheJamesHomeAsForJames() throws Exception {
        Path home = jamesHome("env-h2", null);
        DatabaseOptions o = new DatabaseOptions();
        o.home = home;
        Map<String, String> environment = Map.of("DMARC_DB_URL", "jdbc:h2:./elsewhere/h");
        assertThat(o.target(environment, Optional.empty()).config().url())
                .isEqualTo(DmarcSettings.load(home, environment).store().url())
                .isEqualTo("jdbc:h2:file:" + home.resolve("elsewhere/h") + ";AUTO_SERVER=TRUE");
    }

    @Test
    void wrongSettingsAreOneLineNamingTheFileAndKey() throws Exception {
        Path home = jamesHome("bad", "db.urll=jdbc:h2:./x\n");
        DatabaseOptions o = new DatabaseOptions();
        o.home = home;
        assertThatThrownBy(() -> o.target(Map.of(), Optional.empty()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(home.resolve("conf/dmarc.properties").toString())
                .hasMessageContaining("db.urll")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void dbIgnoresTheJamesHome() throws Exception {
        Path home = jamesHome("ignored", "db.urll=broken\n");
        DatabaseOptions o = new DatabaseOptions();
        o.home = home;
        o.url = "jdbc:h2:mem:given";
        DatabaseOptions.Target t = o.target(Map.of(), Optional.empty());
        assertThat(t.config().url()).isEqualTo("jdbc:h2:mem:given");
        assertThat(t.source()).isEqualTo("--db");
    }

    @Test
    void whereNamesTheDatabaseAndFileWithoutOpeningIt() throws Exception {
        Path home = jamesHome("where", null);
        CliRun run = CliRun.run("history", "where", "--home", home.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().strip()).isEqualTo("jdbc:h2:file:" + home.resolve("var/dmarc/history")
                + ";AUTO_SERVER=TRUE (embedded H2 default of the James home " + home + "), file "
                + home.resolve("var/dmarc/history.mv.db"));
        assertThat(home.resolve("var")).as("nothing created").doesNotExist();

        Files.writeString(home.resolve("conf/dmarc.properties"),
                "db.url=jdbc:postgresql://db.example/dmarc?user=u&password=hunter2\n");
        CliRun masked = CliRun.run("history", "where", "--home", home.toString());
        assertThat(masked.exitCode()).as(masked.toString()).isZero();
        assertThat(masked.out()).contains("jdbc:postgresql://db.example/dmarc?user=u&password=****")
                .doesNotContain("hunter2").doesNotContain("file ");

        Files.writeString(home.resolve("conf/dmarc.properties"), "db.url=jdbc:oracle:thin:@x\n");
        CliRun bad = CliRun.run("history", "where", "--home", home.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("dmarc history where: ").contains("db.url").doesNotContain("Exception");
        assertThat(bad.out()).isEmpty();
    }
}
