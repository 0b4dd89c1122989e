package org.jamesdmarc.store.journal;

import java.util.List;

/**
 * Where a {@link HistoryPipeline} delivers its entries (the database store implements it).
 *
 * <p>Contract: {@link #write} returns normally only once every entry of the batch is durably stored; it throws
 * when it could not (database down, slow past its timeout, ...). A batch that failed, or whose success was not
 * recorded before a crash, is delivered again — possibly after some of its entries were stored — so the sink
 * must be <b>idempotent by key</b>: storing an entry whose key it already holds changes nothing (e.g. an insert
 * that ignores a duplicate primary key). At-least-once delivery plus idempotent keys gives every entry stored
 * exactly once.
 *
 * <p>Called from the pipeline's writer threads: with more than one ({@link HistoryPipeline.Settings#writers()}),
 * concurrently, with batches holding different entries (except that a batch delivered again after a failure may
 * meet a batch still being written that holds some of the same entries): it must be thread-safe, and two writes
 * racing on the same key must still store it once.
 *
 * @param <T> the entry type
 */
@FunctionalInterface
public interface BatchSink<T> {

    /** Stores {@code batch} (in order, at most the pipeline's batch size) durably, or throws. */
    void write(List<T> batch) throws Exception;
}
