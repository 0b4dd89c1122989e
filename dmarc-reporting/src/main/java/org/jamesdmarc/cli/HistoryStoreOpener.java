package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.util.Map;

import org.jamesdmarc.store.JdbcHistoryStore;

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
        err.println(command + ": history database " + target.config().redactedUrl()
                + (target.embeddedDefault() ? " (embedded H2 default under the working directory)" : ""));
        err.flush();
        return JdbcHistoryStore.open(target.config());
    }
}
