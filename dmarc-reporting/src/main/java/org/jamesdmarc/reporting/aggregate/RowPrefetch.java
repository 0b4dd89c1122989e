package org.jamesdmarc.reporting.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.store.ReportCounterReader;
import org.jamesdmarc.store.ReportRow;

/**
 * Reads a cursor of report rows on a thread of its own, {@value #CHUNK} rows at a time into a queue of at most
 * {@value #CHUNKS} chunks, so reading the database and writing the XML (and its gzip) use two cores; memory stays
 * bounded by the queue. {@link #close} stops the reader and closes the cursor.
 */
final class RowPrefetch implements ReportCounterReader.Cursor<ReportRow> {

    static final int CHUNK = 1_000;
    static final int CHUNKS = 8;

    /** The end of the rows, or the reader's failure. */
    private record End(RuntimeException failure) {
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CHUNKS);
    private final Thread thread;
    private List<ReportRow> chunk = List.of();
    private int next;
    private boolean ended;
    private volatile boolean stopped;

    RowPrefetch(ReportCounterReader.Cursor<ReportRow> cursor) {
        thread = new Thread(() -> read(cursor), "dmarc-report-rows");
        thread.setDaemon(true);
        thread.start();
    }

    private void read(ReportCounterReader.Cursor<ReportRow> cursor) {
        Object end = new End(null);
        try (cursor) {
            List<ReportRow> rows = new ArrayList<>(CHUNK);
            for (Optional<ReportRow> row = cursor.next(); row.isPresent() && !stopped; row = cursor.next()) {
                rows.add(row.get());
                if (rows.size() == CHUNK) {
                    put(rows);
                    rows = new ArrayList<>(CHUNK);
                }
            }
            if (!rows.isEmpty()) {
                put(rows);
            }
        } catch (RuntimeException e) {
            end = new End(e);
        } catch (InterruptedException e) {
            return; // closed by the consumer
        }
        try {
            put(end);
        } catch (InterruptedException e) {
            // closed by the consumer
        }
    }

    private void put(Object item) throws InterruptedException {
        while (!stopped) {
            if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
        throw new InterruptedException("closed");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<ReportRow> next() {
        while (next == chunk.size()) {
            if (ended) {
                return Optional.empty();
            }
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading report rows", e);
            }
            if (item instanceof End end) {
                ended = true;
                if (end.failure() != null) {
                    throw end.failure();
                }
                return Optional.empty();
            }
            chunk = (List<ReportRow>) item;
            next = 0;
        }
        return Optional.of(chunk.get(next++));
    }

    @Override
    public void close() {
        stopped = true;
        queue.clear();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
