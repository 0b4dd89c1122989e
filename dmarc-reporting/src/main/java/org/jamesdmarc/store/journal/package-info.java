/**
 * The durable hand-off between the mail path and the evaluation store, generic over the entry type and
 * James-free: {@link org.jamesdmarc.store.journal.HistoryPipeline} (bounded queue, background batched writes to
 * a {@link org.jamesdmarc.store.journal.BatchSink}, backoff, replay) over
 * {@link org.jamesdmarc.store.journal.Journal} (an append-only, fsync'd, checksummed, size-capped file journal).
 * Issue 9 item 2: mail never waits on the database; when it is down or slow entries are journaled and replayed
 * in order; the sink is idempotent by key, so at-least-once delivery stores each entry once. An opt-in
 * journal-first mode makes every accepted entry survive {@code kill -9} (issue 9 item 3) for a local group-committed
 * fsync on the mail path.
 *
 * <p>May import: the JDK and slf4j only — no James API, no other package of this project (the store implements
 * {@code BatchSink}; this package does not know it).
 */
package org.jamesdmarc.store.journal;
