package org.jamesdmarc.store.journal;

/**
 * A snapshot of a {@link HistoryPipeline}'s counters, each counting entries since the pipeline started.
 *
 * @param queued    accepted into the in-memory queue
 * @param written   stored by the sink (straight from the queue or replayed from the journal)
 * @param journaled appended to the journal (queue full, sink failing, replay backlog, or shutdown)
 * @param dropped   lost: journal at its cap or failing, or not decodable on replay
 * @param replayed  stored by the sink from the journal (a part of {@code written})
 */
public record HistoryCounters(long queued, long written, long journaled, long dropped, long replayed) {
}
