package org.jamesdmarc.reporting.james;

import java.util.Objects;
import java.util.function.Function;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.jamesdmarc.store.EvaluationHistory;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreConfig;
import org.jamesdmarc.store.StoreException;

/**
 * The history database as the report side uses it inside James ({@link DmarcReportScheduler},
 * {@link DmarcReportBounce}): the database of {@code conf/dmarc.properties} (the one the process's
 * {@link EvaluationHistory} writes), through a small pool of its own ({@value #POOL_SIZE} connections: the run lock
 * holds one for a whole run, the counters cursor and the ledger's writes take others), so a report run never takes
 * a connection from the history's writers. Opened on first use and again after a failure; one per James process
 * (a singleton of the extension injector); closed by James's lifecycle ({@code @PreDestroy}) when James stops.
 */
@Singleton
final class ReportDatabase implements AutoCloseable {

    static final int POOL_SIZE = 4;

    private final StoreConfig config;
    private final Function<StoreConfig, JdbcHistoryStore> opener;
    private JdbcHistoryStore store;
    private boolean closed;

    @Inject
    ReportDatabase(EvaluationHistory history) {
        this(history.settings().store(), JdbcHistoryStore::open);
    }

    ReportDatabase(StoreConfig historyDatabase, Function<StoreConfig, JdbcHistoryStore> opener) {
        Objects.requireNonNull(historyDatabase, "historyDatabase");
        this.config = historyDatabase.withPoolSize(POOL_SIZE);
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /**
     * The store, opened (and migrated) now if it is not open.
     *
     * @throws StoreException (one line) when it cannot be opened or is closed
     */
    synchronized JdbcHistoryStore store() {
        if (closed) {
            throw new StoreException("the report database " + config.redactedUrl() + " is closed (James is stopping)");
        }
        if (store == null) {
            store = opener.apply(config);
        }
        return store;
    }

    /** Closes the pool after a failure so the next {@link #store()} opens it anew. */
    synchronized void reset() {
        JdbcHistoryStore s = store;
        store = null;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                // already broken; the next store() opens a new one
            }
        }
    }

    /** The database's URL without credentials (logs). */
    String describe() {
        return config.redactedUrl();
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        closed = true;
        reset();
    }
}
