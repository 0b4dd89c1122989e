package org.jamesdmarc.store;

import java.time.Instant;
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

    /**
     * Deletes every message evaluated before {@code cutoff} (a message at {@code cutoff} itself is kept; times
     * have millisecond precision), with its DKIM rows, oldest first, in transactions of at most {@code batchSize}
     * messages each: writers are held up by one short batch at most, never by the whole expiry. Running it again
     * deletes nothing more.
     *
     * @return how many messages were deleted
     * @throws IllegalArgumentException when {@code batchSize} is below 1
     * @throws StoreException when the database fails (the batches committed before stay deleted)
     */
    long expireBefore(Instant cutoff, int batchSize);

    @Override
    void close();
}
