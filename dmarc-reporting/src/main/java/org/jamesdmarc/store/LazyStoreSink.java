package org.jamesdmarc.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.store.journal.BatchSink;

/**
 * The history pipeline's sink: opens the store on first use, on the pipeline's writer thread, so a database that
 * is down or refuses the credentials when James starts delays nothing. While it cannot be opened, {@link #write}
 * throws the store's one-line {@link StoreException}: the pipeline journals the batch and tries again later with
 * backoff, opening the store anew.
 */
final class LazyStoreSink implements BatchSink<EvaluationRecord>, AutoCloseable {

    private final StoreConfig config;
    private final Function<StoreConfig, HistoryStore> opener;
    private volatile HistoryStore store;
    private volatile boolean closed;

    LazyStoreSink(StoreConfig config, Function<StoreConfig, HistoryStore> opener) {
        this.config = Objects.requireNonNull(config, "config");
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    @Override
    public void write(List<EvaluationRecord> batch) {
        store().write(batch);
    }

    /** The store, opened now if it is not yet. */
    synchronized HistoryStore store() {
        if (closed) {
            throw new StoreException("the history store of " + config.redactedUrl() + " is closed");
        }
        HistoryStore s = store;
        if (s == null) {
            s = opener.apply(config);
            store = s;
        }
        return s;
    }

    /** The store if it is open. */
    Optional<HistoryStore> opened() {
        return Optional.ofNullable(store);
    }

    @Override
    public synchronized void close() {
        closed = true;
        HistoryStore s = store;
        store = null;
        if (s != null) {
            s.close();
        }
    }
}
