package org.jamesdmarc.store.journal;

/**
 * Hears every counter change of a {@link HistoryPipeline}, e.g. to map them to James's {@code MetricFactory}.
 * Called on the thread that made the change (a mail thread for {@code onQueued} and overflow); implementations
 * must be fast, thread-safe and must not throw.
 */
public interface HistoryListener {

    HistoryListener NONE = new HistoryListener() {
    };

    default void onQueued(int count) {
    }

    default void onWritten(int count) {
    }

    default void onJournaled(int count) {
    }

    default void onDropped(int count) {
    }

    default void onReplayed(int count) {
    }
}
