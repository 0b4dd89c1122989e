package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreConfig;

/** Opens the history store of the {@code dmarc history} commands and says which database it is. */
final class HistoryStoreOpener {

    private HistoryStoreOpener() {
    }

    /**
     * Opens the store the options name, telling {@code err} which one (without a password).
     *
     * @throws org.jamesdmarc.store.StoreException (one line) for an operator's mistake
     */
    static JdbcHistoryStore open(DatabaseOptions options, Map<String, String> environment, PrintWriter err,
                                 String command) {
        DatabaseOptions.Target target = options.target(environment);
        return open(target, target.config(), err, command);
    }

    /**
     * Opens {@code config} (the database of {@code target}, e.g. with another pool size), telling {@code err} which
     * one {@code target} is (without a password).
     *
     * @throws org.jamesdmarc.store.StoreException (one line) for a database failure
     */
    static JdbcHistoryStore open(DatabaseOptions.Target target, StoreConfig config, PrintWriter err, String command) {
        err.println(command + ": history database " + describe(target));
        err.flush();
        return JdbcHistoryStore.open(config);
    }

    /**
     * The database for the operator, without a password: {@code URL (where it was named)[, file F]}, the file for
     * an embedded H2 database.
     */
    static String describe(DatabaseOptions.Target target) {
        String url = target.config().redactedUrl();
        return url + " (" + target.source() + ")" + h2File(url).map(f -> ", file " + f).orElse("");
    }

    /**
     * The file an embedded H2 URL ({@code jdbc:h2:file:PATH} or {@code jdbc:h2:PATH}, settings after {@code ;})
     * keeps its data in: {@code PATH.mv.db}, absolute. Empty for in-memory, server and other URLs.
     */
    static Optional<Path> h2File(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        String path = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (path.toLowerCase(Locale.ROOT).startsWith("file:")) {
            path = path.substring("file:".length());
        } else if (path.matches("(?i)(mem|tcp|ssl|zip|nio[a-z]*|split|async|memfs|memlzf|retry)?:.*")) {
            return Optional.empty();
        }
        if (path.isEmpty() || path.startsWith("~")) {
            return Optional.empty(); // H2 expands ~ itself; not worth guessing
        }
        try {
            return Optional.of(Path.of(path + ".mv.db").toAbsolutePath());
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }
}
