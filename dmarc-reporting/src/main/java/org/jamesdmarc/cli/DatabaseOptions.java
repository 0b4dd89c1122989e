package org.jamesdmarc.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.store.DatabaseTarget;
import org.jamesdmarc.store.DmarcProperties;
import org.jamesdmarc.store.DmarcSettings;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.SettingsException;
import org.jamesdmarc.store.StoreConfig;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Option;

/**
 * The history database options of the {@code dmarc history} commands. Without {@code --db} the command opens the
 * database James opens: the one {@link DmarcSettings} reads from {@code conf/dmarc.properties} of the James home
 * ({@code --home}, else {@code $JAMES_HOME}, else the {@code var/james} of the repository the {@code ./dmarc}
 * launcher runs from, else the working directory), with the {@code DMARC_DB_*} variables overriding the file as
 * they do for James. The password comes from {@code --db-password-file}, or the environment
 * ({@code DMARC_DB_PASSWORD_FILE}, then {@code DMARC_DB_PASSWORD}), or the James home's settings; never from the
 * command line, never printed. An H2 file URL is opened in auto-server mode ({@link DatabaseTarget}), so the
 * command reads the database James writes while James runs.
 */
final class DatabaseOptions {

    static final String URL_VARIABLE = DatabaseTarget.URL_VARIABLE;
    static final String USER_VARIABLE = DatabaseTarget.USER_VARIABLE;
    static final String PASSWORD_VARIABLE = DatabaseTarget.PASSWORD_VARIABLE;
    static final String PASSWORD_FILE_VARIABLE = DatabaseTarget.PASSWORD_FILE_VARIABLE;
    /** The James home when {@code --home} is not given. */
    static final String HOME_VARIABLE = "JAMES_HOME";
    /** Set by the {@code ./dmarc} launcher: the repository root, whose {@code var/james} {@code ./run-james} uses. */
    static final String REPOSITORY_ROOT_PROPERTY = "dmarc.repositoryRoot";
    /** The James home of {@code ./run-james}, under the repository root. */
    static final Path RUN_JAMES_HOME = Path.of("var", "james");
    /** The CLI's pool: one command, one or two connections. */
    private static final int POOL_SIZE = 2;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "The history database: jdbc:h2:…, jdbc:mariadb:…, jdbc:mysql:… or jdbc:postgresql:… "
                    + "(default: the database James uses: $DMARC_DB_URL, else db.url of conf/dmarc.properties in "
                    + "the James home, else its H2 file var/dmarc/history).")
    String url;

    @Option(names = "--home", paramLabel = "DIR",
            description = "The James home whose conf/dmarc.properties names the database, when --db is not given "
                    + "(default: $JAMES_HOME, else var/james of the repository ./dmarc runs from, as ./run-james).")
    Path home;

    @Option(names = "--db-user", paramLabel = "USER",
            description = "The database user (default: $DMARC_DB_USER, else db.user of the James home's settings).")
    String user;

    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "A file whose first line is the database password (default: $DMARC_DB_PASSWORD_FILE, "
                    + "else $DMARC_DB_PASSWORD, else the James home's settings, else none).")
    Path passwordFile;

    /**
     * Where the history is.
     *
     * @param config          the database to open
     * @param embeddedDefault whether it is the embedded H2 default (no URL configured anywhere)
     * @param source          where it was named, for the operator: {@code --db}, or the James home and its settings
     */
    record Target(StoreConfig config, boolean embeddedDefault, String source) {
    }

    /**
     * The store configuration from the options, {@code environment} and, without {@code --db}, the James home's
     * settings; the repository root is the launcher's system property {@value #REPOSITORY_ROOT_PROPERTY}.
     *
     * @throws StoreException (one line) when a password file cannot be read or the James home's settings are wrong
     */
    Target target(Map<String, String> environment) {
        return target(environment, repositoryRoot());
    }

    /** The repository root the {@code ./dmarc} launcher names ({@value #REPOSITORY_ROOT_PROPERTY}), if any. */
    static Optional<Path> repositoryRoot() {
        return Optional.ofNullable(System.getProperty(REPOSITORY_ROOT_PROPERTY)).filter(s -> !s.isBlank())
                .map(Path::of);
    }

    /** As {@link #target(Map)}, with the repository root given. */
    Target target(Map<String, String> environment, Optional<Path> repositoryRoot) {
        return target(environment, repositoryRoot, Optional.empty());
    }

    /**
     * As {@link #target(Map)}, without {@code --db} from {@code settingsFile} (the James home's settings, already
     * read by a command that needs its other keys too).
     */
    Target target(Map<String, String> environment, DmarcProperties settingsFile) {
        return target(environment, repositoryRoot(), Optional.of(settingsFile));
    }

    private Target target(Map<String, String> environment, Optional<Path> repositoryRoot,
                          Optional<DmarcProperties> settingsFile) {
        if (url != null && !url.isBlank()) {
            String jdbcUrl = DatabaseTarget.resolve(url, Path.of(""));
            String dbUser = DatabaseTarget.user(DatabaseTarget.first(Optional.ofNullable(user),
                    DatabaseTarget.environment(environment, USER_VARIABLE)), jdbcUrl);
            Secret password = passwordFile != null ? Secret.fromFile(passwordFile)
                    : DatabaseTarget.passwordFromEnvironment(environment).orElse(Secret.none());
            return new Target(new StoreConfig(jdbcUrl, dbUser, password, POOL_SIZE), false, "--db");
        }
        Path jamesHome = settingsFile.map(DmarcProperties::home).orElseGet(() -> jamesHome(environment, repositoryRoot));
        DmarcSettings settings;
        try {
            settings = settingsFile.orElseGet(() -> DmarcProperties.read(jamesHome)).history(environment);
        } catch (SettingsException e) {
            throw new StoreException(e.getMessage(), e);
        }
        StoreConfig fromSettings = settings.store();
        String dbUser = user != null && !user.isBlank() ? user.strip() : fromSettings.user();
        Secret password = passwordFile != null ? Secret.fromFile(passwordFile) : fromSettings.password();
        String source = (settings.defaultDatabase() ? "embedded H2 default" : "named by "
                + (DatabaseTarget.environment(environment, URL_VARIABLE).isPresent() ? "$" + URL_VARIABLE
                        : settings.file()))
                + " of the James home " + jamesHome;
        return new Target(new StoreConfig(fromSettings.url(), dbUser, password, POOL_SIZE,
                fromSettings.counterBucketSeconds()),
                settings.defaultDatabase(), source);
    }

    /**
     * The James home: {@code --home}, else {@code $JAMES_HOME}, else {@code var/james} under the repository root,
     * else the working directory; absolute and normalized.
     */
    Path jamesHome(Map<String, String> environment, Optional<Path> repositoryRoot) {
        Path chosen = home != null ? home
                : DatabaseTarget.environment(environment, HOME_VARIABLE).map(String::strip).map(Path::of)
                        .orElseGet(() -> repositoryRoot.map(r -> r.resolve(RUN_JAMES_HOME)).orElse(Path.of("")));
        return chosen.toAbsolutePath().normalize();
    }
}
