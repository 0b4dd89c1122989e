package org.jamesdmarc.store.journal;

/** What {@link HistoryPipeline#offer} did with an entry; it never blocks on the sink and never throws. */
public enum OfferResult {
    /** In the in-memory queue; the writer thread delivers or journals it. */
    QUEUED,
    /** The queue was full (or the pipeline is closing): appended to the journal and fsync'd. */
    JOURNALED,
    /** Neither fitted (the journal is at its cap, or failed): the entry is lost, counted and logged. */
    DROPPED
}
