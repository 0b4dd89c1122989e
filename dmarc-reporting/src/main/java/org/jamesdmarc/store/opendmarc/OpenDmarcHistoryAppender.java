package org.jamesdmarc.store.opendmarc;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jamesdmarc.check.EvaluationRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends records to an OpenDMARC 1.4.x history file ({@link OpenDmarcHistoryWriter}) off the mail path: a bounded
 * in-memory queue, one background thread that writes what it holds in batches.
 *
 * <ul>
 *   <li>{@link #offer} never blocks: when the queue is full (the disk is slower than the mail) or the appender is
 *       closed, the record is dropped for this file and counted.</li>
 *   <li>The file is opened for appending (created if absent, never truncated) for each batch and closed after it,
 *       as OpenDMARC opens its {@code HistoryFile} for each message: once the file was moved away (the rotation
 *       done before {@code opendmarc-import} reads it: {@code mv history history.1}), the next batch goes to a new
 *       file at the configured path; the moved file is never written again after the batch in progress.</li>
 *   <li>An I/O error loses that batch for this file (counted in {@link #failed()}) and is logged once, then at most
 *       once every {@value #ERROR_LOG_INTERVAL_SECONDS} s with the count since; it never reaches the caller.</li>
 *   <li>{@link #close} writes what is queued, then stops the thread. Idempotent.</li>
 * </ul>
 *
 * <p>JDK and slf4j only, like the rest of the store below the James adapters.
 */
public final class OpenDmarcHistoryAppender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenDmarcHistoryAppender.class);

    /** Records waiting for the file at most: about 10 MB of history text. */
    public static final int DEFAULT_CAPACITY = 10_000;
    static final long ERROR_LOG_INTERVAL_SECONDS = 60;
    private static final int MAX_BATCH = 1_000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    /** What happened to the records offered, for metrics. */
    public interface Listener {
        void written(int records);

        void dropped();

        void failed(int records);

        Listener NONE = new Listener() {
            @Override
            public void written(int records) {
            }

            @Override
            public void dropped() {
            }

            @Override
            public void failed(int records) {
            }
        };
    }

    private final Path file;
    private final String reporter;
    private final Listener listener;
    private final BlockingQueue<EvaluationRecord> queue;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long lastErrorLog;
    private long failedSinceLog;
    private boolean errorLogged;

    private OpenDmarcHistoryAppender(Path file, String reporter, int capacity, Listener listener) {
        this.file = file;
        this.reporter = reporter;
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "dmarc-opendmarc-history " + file.getFileName());
        this.thread.setDaemon(true);
    }

    /**
     * Starts appending to {@code file}; nothing is opened before the first record.
     *
     * @param reporter the {@code reporter} line: this host's name, one word
     * @throws IllegalArgumentException when {@code reporter} is not one word, or {@code capacity} below 1
     */
    public static OpenDmarcHistoryAppender start(Path file, String reporter, int capacity, Listener listener) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(listener, "listener");
        OpenDmarcHistoryWriter.checkReporter(reporter);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        OpenDmarcHistoryAppender appender = new OpenDmarcHistoryAppender(file, reporter, capacity, listener);
        appender.thread.start();
        return appender;
    }

    public Path file() {
        return file;
    }

    /** Queues {@code record} for the file; false (counted as dropped) when the queue is full or this is closed. */
    public boolean offer(EvaluationRecord record) {
        Objects.requireNonNull(record, "record");
        if (!closed.get() && queue.offer(record)) {
            return true;
        }
        dropped.incrementAndGet();
        listener.dropped();
        return false;
    }

    /** Records written to the file so far. */
    public long written() {
        return written.get();
    }

    /** Records not queued: the queue was full or this was closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Records lost to I/O errors. */
    public long failed() {
        return failed.get();
    }

    private void run() {
        List<EvaluationRecord> batch = new ArrayList<>();
        try {
            while (!closed.get() || !queue.isEmpty()) {
                EvaluationRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One batch: open (append, create), write each entry, close; the next batch finds a rotated file's successor. */
    private void write(List<EvaluationRecord> batch) {
        int done = 0;
        try (OpenDmarcHistoryWriter writer = OpenDmarcHistoryWriter.open(file, reporter)) {
            for (EvaluationRecord r : batch) {
                writer.append(r);
                done++;
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            int lost = batch.size() - done;
            failed.addAndGet(lost);
            listener.failed(lost);
            logError(lost, e);
        } finally {
            written.addAndGet(done);
            if (done > 0) {
                listener.written(done);
            }
        }
    }

    /** Once at the first error, then at most once per interval with what was lost since. */
    private void logError(int lost, RuntimeException e) {
        failedSinceLog += lost;
        long now = System.nanoTime();
        if (!errorLogged || now - lastErrorLog >= TimeUnit.SECONDS.toNanos(ERROR_LOG_INTERVAL_SECONDS)) {
            LOG.warn("OpenDMARC history file {}: {} records not written ({} in all); mail is not affected: {}"
                    + " (logged at most once every {} s)", file, failedSinceLog, failed.get(), e.getMessage(),
                    ERROR_LOG_INTERVAL_SECONDS);
            errorLogged = true;
            lastErrorLog = now;
            failedSinceLog = 0;
        }
    }

    /** Writes what is queued (waiting at most 10 s), then stops. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("OpenDMARC history file {}: not all records written within {} s of the close; {} left",
                    file, CLOSE_WAIT.toSeconds(), queue.size());
        }
    }
}
