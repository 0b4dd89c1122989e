package org.jamesdmarc.store.journal;

/**
 * Turns an entry into the journal's opaque payload and back, and names its idempotency key.
 *
 * @param <T> the entry type
 */
public interface HistoryCodec<T> {

    /** The entry's stable idempotency key: the same entry always has the same key, two entries never share one. */
    String key(T entry);

    /** The entry as bytes; called on the mail path when the queue is full, so it must be cheap and not throw. */
    byte[] encode(T entry);

    /** The entry back from {@link #encode}'s bytes; throws for bytes it cannot read (the entry is dropped). */
    T decode(byte[] payload) throws Exception;
}
