package org.jamesdmarc.reporting.aggregate;

import java.io.IOException;
import java.io.OutputStream;
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
        long reports = 0;
        try (ReportCounterReader.Cursor<ReportPolicy> policies = reader.policies(period.begin(), period.end());
             // The rows are read on a second thread: the database reading and the XML writing overlap.
             ReportCounterReader.Cursor<ReportRow> rows = new RowPrefetch(reader.rows(period.begin(), period.end()))) {
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
