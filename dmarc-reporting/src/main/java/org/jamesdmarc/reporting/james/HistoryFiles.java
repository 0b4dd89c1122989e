package org.jamesdmarc.reporting.james;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryAppender;

/**
 * The OpenDMARC-format history files of the James process ({@link DmarcHistory}'s {@code historyFile}): one
 * {@link OpenDmarcHistoryAppender} per file, shared by every mailet that names it (the {@code delivered} and the
 * {@code quarantined} {@code DmarcHistory} of the samples), so their entries never interleave and one thread
 * writes each file. A relative path is resolved against the James home. Closed (queued entries written) with the
 * history when James stops ({@link HistoryLifecycle}).
 *
 * <p>Metrics: {@value #WRITTEN}, {@value #DROPPED} (queue full or closed), {@value #FAILED} (I/O errors).
 */
@Singleton
final class HistoryFiles implements AutoCloseable {

    static final String WRITTEN = "dmarc_history_file_written";
    static final String DROPPED = "dmarc_history_file_dropped";
    static final String FAILED = "dmarc_history_file_failed";

    private final Path home;
    private final String reporter;
    private final int capacity;
    private final OpenDmarcHistoryAppender.Listener listener;
    private final Map<Path, OpenDmarcHistoryAppender> appenders = new ConcurrentHashMap<>();
    private volatile boolean closed;

    @Inject
    HistoryFiles(JamesDirectoriesProvider directories, MetricFactory metrics) {
        this(Path.of(directories.getRootDirectory()), localHostName(), OpenDmarcHistoryAppender.DEFAULT_CAPACITY,
                new Metrics(metrics));
    }

    HistoryFiles(Path home, String reporter, int capacity, OpenDmarcHistoryAppender.Listener listener) {
        this.home = home.toAbsolutePath().normalize();
        this.reporter = reporter;
        this.capacity = capacity;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * The appender of {@code configured} (absolute, or relative to the James home), started at the first call.
     *
     * @throws IllegalStateException after {@link #close}
     */
    OpenDmarcHistoryAppender appender(String configured) {
        Path file = home.resolve(configured.strip()).toAbsolutePath().normalize();
        synchronized (appenders) {
            if (closed) {
                throw new IllegalStateException("the OpenDMARC history files are closed");
            }
            return appenders.computeIfAbsent(file,
                    f -> OpenDmarcHistoryAppender.start(f, reporter, capacity, listener));
        }
    }

    /** Writes what is queued for each file and stops their threads. Idempotent. */
    @Override
    public void close() {
        synchronized (appenders) {
            closed = true;
        }
        appenders.values().forEach(OpenDmarcHistoryAppender::close);
    }

    /** The {@code reporter} line: this host's name, as OpenDMARC writes its own; one word. */
    static String localHostName() {
        String name;
        try {
            name = InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException | SecurityException e) {
            name = "localhost";
        }
        String word = name.replaceAll("[\\x00-\\x20\\x7f]", "");
        return word.isEmpty() ? "localhost" : word;
    }

    /** Counts through James's metrics; a metrics failure never reaches the writer. */
    private static final class Metrics implements OpenDmarcHistoryAppender.Listener {
        private final Metric written;
        private final Metric dropped;
        private final Metric failed;

        Metrics(MetricFactory factory) {
            written = factory.generate(WRITTEN);
            dropped = factory.generate(DROPPED);
            failed = factory.generate(FAILED);
        }

        @Override
        public void written(int records) {
            add(written, records);
        }

        @Override
        public void dropped() {
            add(dropped, 1);
        }

        @Override
        public void failed(int records) {
            add(failed, records);
        }

        private static void add(Metric metric, int n) {
            try {
                metric.add(n);
            } catch (RuntimeException e) {
                // best effort
            }
        }
    }
}
