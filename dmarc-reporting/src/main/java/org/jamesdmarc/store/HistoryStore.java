package org.jamesdmarc.store;

import java.util.List;

import org.jamesdmarc.check.EvaluationRecord;

/**
 * The evaluation history's storage: blocking batch writes, idempotent on {@link EvaluationRecord#key()}. The mail
 * path never calls it directly: a queue in front of it (an {@link org.jamesdmarc.check.EvaluationSink}) does, on
 * a thread of its own.
 */
public interface HistoryStore extends AutoCloseable {

    /**
     * Writes the records in one transaction; a record whose key is already stored (or repeated in the batch) is
     * skipped, so a replay writes nothing twice.
     *
     * @return how many records were new
     * @throws StoreException when the database cannot take them (nothing of the batch is written then)
     */
    int write(List<EvaluationRecord> records);

    /** How many messages are stored. */
    long count();

    /** The stored records matching {@code query}, oldest first (then by key). */
    List<EvaluationRecord> list(HistoryQuery query);

    @Override
    void close();
}
