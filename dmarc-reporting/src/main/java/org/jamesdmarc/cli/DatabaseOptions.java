package org.jamesdmarc.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.store.DatabaseTarget;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;

import picocli.CommandLine.Option;

/**
 * The history database options of the {@code dmarc history} commands. Without {@code --db} (and without
 * {@code DMARC_DB_URL}) the embedded H2 database {@code var/dmarc/history} under the working directory is used.
 * The password comes from {@code --db-password-file}, or the environment ({@code DMARC_DB_PASSWORD_FILE}, then
 * {@code DMARC_DB_PASSWORD}); never from the command line, never printed. The environment, the default and the
 * H2 auto-server mode (this command opens the database James writes while James runs) follow
 * {@link DatabaseTarget}, as James does.
 */
final class DatabaseOptions {

    /** The embedded default, relative to the working directory. */
    static final Path DEFAULT_H2_FILE = Path.of("var", "dmarc", "history");
    static final String URL_VARIABLE = DatabaseTarget.URL_VARIABLE;
    static final String USER_VARIABLE = DatabaseTarget.USER_VARIABLE;
    static final String PASSWORD_VARIABLE = DatabaseTarget.PASSWORD_VARIABLE;
    static final String PASSWORD_FILE_VARIABLE = DatabaseTarget.PASSWORD_FILE_VARIABLE;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "The history database: jdbc:h2:…, jdbc:mariadb:…, jdbc:mysql:… or jdbc:postgresql:… "
                    + "(default: $DMARC_DB_URL, else the H2 file var/dmarc/history under the working directory).")
    String url;

    @Option(names = "--db-user", paramLabel = "USER", description = "The database user (default: $DMARC_DB_USER).")
    String user;

    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "A file whose first line is the database password (default: $DMARC_DB_PASSWORD_FILE, "
                    + "else $DMARC_DB_PASSWORD, else none).")
    Path passwordFile;

    /** Where the history is: a configuration and whether it is the embedded default. */
    record Target(StoreConfig config, boolean embeddedDefault) {
    }

    /**
     * The store configuration from the options and {@code environment}.
     *
     * @throws org.jamesdmarc.store.StoreException when a password file cannot be read
     */
    Target target(Map<String, String> environment) {
        Optional<String> configured = DatabaseTarget.first(Optional.ofNullable(url),
                DatabaseTarget.environment(environment, URL_VARIABLE));
        String jdbcUrl = DatabaseTarget.resolve(configured.orElse(DatabaseTarget.DEFAULT_URL), Path.of(""));
        String dbUser = DatabaseTarget.user(Optional.ofNullable(user)
                .or(() -> Optional.ofNullable(environment.get(USER_VARIABLE))), jdbcUrl);
        Secret password;
        if (passwordFile != null) {
            password = Secret.fromFile(passwordFile);
        } else {
            password = DatabaseTarget.passwordFromEnvironment(environment).orElse(Secret.none());
        }
        return new Target(new StoreConfig(jdbcUrl, dbUser, password, 2), configured.isEmpty());
    }
}
