package org.jamesdmarc.reporting.aggregate;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import javax.xml.stream.XMLStreamException;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.store.ReportCounterReader;
import org.jamesdmarc.store.ReportPolicy;
import org.jamesdmarc.store.ReportRow;

/**
 * Builds RFC 9990 aggregate reports (or RFC 7489's, {@link ReportFormat}) from the store's report counters: one
 * report per policy domain and period, one {@code <record>} per distinct row with its count, streamed to an
 * {@link OutputStream} as it is read (memory does not grow with the number of rows). Gzip and delivery are the
 * caller's. Reading the same counters again gives the same report, Report-ID included.
 *
 * <pre>
 * AggregateReportBuilder builder = new AggregateReportBuilder(new ReportCounterReader(store), reporter);
 * try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
 *     builder.build(DomainName.of("example.com"), ReportPeriod.utcDay(day), ReportFormat.RFC9990, out);
 * }
 * </pre>
 */
public final class AggregateReportBuilder {

    private final ReportCounterReader reader;
    private final Reporter reporter;

    public AggregateReportBuilder(ReportCounterReader reader, Reporter reporter) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
    }

    /**
     * Where {@link #buildAll} writes each report: {@link #open} gives the stream for one report (the builder closes
     * it when the report is complete), {@link #built} hears what it held.
     */
    public interface ReportSink {
        OutputStream open(ReportPolicy policy, ReportId id) throws IOException;

        default void built(ReportSummary summary) throws IOException {
        }
    }

    /** The policy domains with data in {@code period}, streamed (each with its latest policy and counts). */
    public void forEachDomain(ReportPeriod period, Consumer<ReportPolicy> consumer) {
        try (ReportCounterReader.Cursor<ReportPolicy> policies = reader.policies(period.begin(), period.end())) {
            for (Optional<ReportPolicy> p = policies.next(); p.isPresent(); p = policies.next()) {
                consumer.accept(p.get());
            }
        }
    }

    /**
     * Writes {@code policyDomain}'s report for {@code period} to {@code out} (not closed); empty, and nothing written,
     * when the domain has no data in the period.
     */
    public Optional<ReportSummary> build(DomainName policyDomain, ReportPeriod period, ReportFormat format,
                                         OutputStream out) throws IOException {
        Optional<ReportPolicy> policy = reader.policy(policyDomain, period.begin(), period.end());
        if (policy.isEmpty()) {
            return Optional.empty();
        }
        try (ReportCounterReader.Cursor<ReportRow> rows = reader.rows(policyDomain, period.begin(), period.end())) {
            AggregateReportWriter writer = start(out, format, policy.get(), period);
            for (Optional<ReportRow> row = rows.next(); row.isPresent(); row = rows.next()) {
                writer.record(row.get());
            }
            return Optional.of(finish(writer, format, policy.get(), period));
        } catch (XMLStreamException e) {
            throw xmlFailure(e);
        }
    }

    /**
     * Writes every report of {@code period}, one per policy domain with data, each to the stream {@code sink} opens
     * for it; two cursors walk the domains and the rows together, in the same key order (the rows read ahead on a
     * thread of their own, a few thousand at most). Returns how many reports.
     */
    public long buildAll(ReportPeriod period, ReportFormat format, ReportSink sink) throws IOException {
        return buildRange(period, format, sink, ReportCounterReader.KeyRange.ALL);
    }

    /** Key ranges per builder thread in {@link #buildAll(ReportPeriod, ReportFormat, ReportSink, int)}. */
    static final int RANGES_PER_THREAD = 8;

    /**
     * {@link #buildAll(ReportPeriod, ReportFormat, ReportSink)} on {@code threads} threads, each building the
     * reports of disjoint domain-key ranges over connections of its own ({@value #RANGES_PER_THREAD} ranges per
     * thread, taken in turn, so a range of big domains does not leave the other threads idle). Each report is the same
     * as one thread builds; {@code sink} is called from several threads (one report at a time per thread) and
     * must be thread-safe. Memory: {@code threads} times one thread's. At most half the store's pool size threads
     * (each holds two connections).
     */
    public long buildAll(ReportPeriod period, ReportFormat format, ReportSink sink, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one builder thread: " + threads);
        }
        // Each thread holds two connections (domains, rows): never more threads than the pool can serve at once.
        threads = Math.min(threads, Math.max(1, reader.connections() / 2));
        if (threads == 1) {
            return buildAll(period, format, sink);
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dmarc-report-builder");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<Long>> parts = new java.util.ArrayList<>();
            for (ReportCounterReader.KeyRange range : ReportCounterReader.KeyRange.split(threads * RANGES_PER_THREAD)) {
                parts.add(pool.submit(() -> buildRange(period, format, sink, range)));
            }
            long reports = 0;
            for (java.util.concurrent.Future<Long> part : parts) {
                reports += part.get();
            }
            return reports;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("building reports interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("building reports failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private long buildRange(ReportPeriod period, ReportFormat format, ReportSink sink,
                            ReportCounterReader.KeyRange range) throws IOException {
        long reports = 0;
        try (ReportCounterReader.Cursor<ReportPolicy> policies = reader.policies(period.begin(), period.end(), range);
             // The rows are read on a second thread: the database reading and the XML writing overlap.
             ReportCounterReader.Cursor<ReportRow> rows = new RowPrefetch(reader.rows(period.begin(), period.end(),
                     range))) {
            Optional<ReportRow> row = rows.next();
            for (Optional<ReportPolicy> p = policies.next(); p.isPresent(); p = policies.next()) {
                ReportPolicy policy = p.get();
                String domain = policy.policyDomain().name();
                ReportId id = ReportId.of(reporter.receiver(), policy.policyDomain(), period);
                try (OutputStream out = sink.open(policy, id)) {
                    AggregateReportWriter writer = start(out, format, policy, period);
                    while (row.isPresent() && row.get().policyDomain().equals(domain)) {
                        writer.record(row.get());
                        row = rows.next();
                    }
                    ReportSummary summary = finish(writer, format, policy, period);
                    out.flush();
                    sink.built(summary);
                }
                reports++;
            }
        } catch (XMLStreamException e) {
            throw xmlFailure(e);
        }
        return reports;
    }

    private AggregateReportWriter start(OutputStream out, ReportFormat format, ReportPolicy policy, ReportPeriod period)
            throws XMLStreamException {
        AggregateReportWriter writer = new AggregateReportWriter(out, format);
        writer.start(reporter, policy, period, ReportId.of(reporter.receiver(), policy.policyDomain(), period));
        return writer;
    }

    private ReportSummary finish(AggregateReportWriter writer, ReportFormat format, ReportPolicy policy,
                                 ReportPeriod period) throws XMLStreamException {
        writer.finish();
        return new ReportSummary(policy, period, ReportId.of(reporter.receiver(), policy.policyDomain(), period), format,
                writer.records(), writer.messages());
    }

    private static IOException xmlFailure(XMLStreamException e) {
        return e.getCause() instanceof IOException io ? io : new IOException("writing the report failed: " + e, e);
    }
}
