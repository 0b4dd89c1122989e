package org.jamesdmarc.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How James ({@link DmarcSettings}) and the {@code dmarc} command find the history database: the
 * {@code DMARC_DB_*} environment variables, the embedded H2 default and the rewriting of an H2 file URL, in one
 * place so both open the same database the same way.
 *
 * <ul>
 *   <li>{@value #URL_VARIABLE}, {@value #USER_VARIABLE}, {@value #PASSWORD_FILE_VARIABLE} (the first line of a
 *       file) and {@value #PASSWORD_VARIABLE}; the password file comes before the password variable.</li>
 *   <li>The default database is the H2 file {@value #DEFAULT_URL}, relative to a base directory (the James home for
 *       James, the working directory for the command). An H2 database without a configured user is opened as
 *       {@value #DEFAULT_H2_USER}.</li>
 *   <li>An H2 file URL ({@code jdbc:h2:./x}, {@code jdbc:h2:file:./x}, {@code jdbc:h2:/abs/x}) is made absolute
 *       (a path starting {@code ./} or {@code ../} against the base directory) and gets {@code ;AUTO_SERVER=TRUE}
 *       unless it sets {@code AUTO_SERVER} itself: the first process to open the file serves it to the others on
 *       loopback ({@link H2Loopback}), so the command reads the database while James writes it.</li>
 * </ul>
 */
public final class DatabaseTarget {

    public static final String URL_VARIABLE = "DMARC_DB_URL";
    public static final String USER_VARIABLE = "DMARC_DB_USER";
    public static final String PASSWORD_VARIABLE = "DMARC_DB_PASSWORD";
    public static final String PASSWORD_FILE_VARIABLE = "DMARC_DB_PASSWORD_FILE";

    /** The embedded default, relative to the base directory. */
    public static final String DEFAULT_URL = "jdbc:h2:./var/dmarc/history";
    /** The user the embedded default is created with (H2 refuses another user on a database made by this one). */
    public static final String DEFAULT_H2_USER = "sa";

    private static final String H2_PREFIX = "jdbc:h2:";
    /** H2 URL prefixes that are not a local file: in memory, a server, or a file behind another layer. */
    private static final String[] NOT_A_FILE = {"mem:", "tcp:", "ssl:", "zip:", "split:", "nio", "async:",
        "memfs:", "memlzf:", "retry:", "rec:"};

    private DatabaseTarget() {
    }

    /** The first of {@code values} that is present and not blank. */
    @SafeVarargs
    public static Optional<String> first(Optional<String>... values) {
        for (Optional<String> v : values) {
            if (v.isPresent() && !v.get().isBlank()) {
                return Optional.of(v.get().strip());
            }
        }
        return Optional.empty();
    }

    /** The environment's value of {@code variable}, absent when unset or blank. */
    public static Optional<String> environment(Map<String, String> environment, String variable) {
        return Optional.ofNullable(environment.get(variable)).filter(v -> !v.isBlank());
    }

    /**
     * The configured user, else {@value #DEFAULT_H2_USER} for an H2 URL (H2 refuses any other user on a database
     * made by this one, so James and the command must agree without being told) and none for the others.
     */
    public static String user(Optional<String> configuredUser, String url) {
        return configuredUser.orElse(url.strip().regionMatches(true, 0, H2_PREFIX, 0, H2_PREFIX.length())
                ? DEFAULT_H2_USER : "");
    }

    /**
     * The password from the environment: {@value #PASSWORD_FILE_VARIABLE} (the file's first line), else
     * {@value #PASSWORD_VARIABLE}.
     *
     * @throws StoreException when the password file cannot be read
     */
    public static Optional<Secret> passwordFromEnvironment(Map<String, String> environment) {
        Optional<String> file = environment(environment, PASSWORD_FILE_VARIABLE);
        if (file.isPresent()) {
            return Optional.of(Secret.fromFile(Path.of(file.get())));
        }
        if (environment.get(PASSWORD_VARIABLE) != null) {
            return Optional.of(Secret.fromEnvironment(PASSWORD_VARIABLE, environment));
        }
        return Optional.empty();
    }

    /**
     * The URL to open for {@code url}: an H2 file URL absolute (relative paths against {@code base}) and in
     * auto-server mode unless it says otherwise; any other URL unchanged (stripped).
     */
    public static String resolve(String url, Path base) {
        String u = url.strip();
        if (!u.regionMatches(true, 0, H2_PREFIX, 0, H2_PREFIX.length())) {
            return u;
        }
        String rest = u.substring(H2_PREFIX.length());
        String lower = rest.toLowerCase(Locale.ROOT);
        for (String prefix : NOT_A_FILE) {
            if (lower.startsWith(prefix)) {
                return u;
            }
        }
        if (lower.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        int semicolon = rest.indexOf(';');
        String path = semicolon < 0 ? rest : rest.substring(0, semicolon);
        String options = semicolon < 0 ? "" : rest.substring(semicolon);
        if (path.startsWith("./") || path.startsWith("../") || path.equals(".") || path.startsWith(".\\")
                || path.startsWith("..\\")) {
            path = base.toAbsolutePath().resolve(path).normalize().toString();
        }
        if (!options.toUpperCase(Locale.ROOT).contains(";AUTO_SERVER=")) {
            options = options + ";AUTO_SERVER=TRUE";
        }
        return H2_PREFIX + "file:" + path + options;
    }
}
