package org.jamesdmarc.reporting.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.store.InboundOrigin;
import org.jamesdmarc.store.InboundRecord;
import org.jamesdmarc.store.InboundReport;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.InboundReportStore.Begin;

/**
 * Ingests the reports others send us (issue 12) into the {@link InboundReportStore}: an aggregate report as a file
 * or attachment (gzip, zip or plain XML: {@link ReportUnpacker}, read as a stream by {@link AggregateReportParser}
 * and stored in batches), or a whole mail carrying aggregate reports and failure reports ({@link MessageScanner}).
 *
 * <p>Each report is stored once ({@link IngestOutcome.Duplicate} when stored already, found from its metadata before
 * its records are read) or refused and kept aside with the reason ({@link IngestOutcome.Rejected}); a refusal never
 * stops the ingest of the other reports, and nothing of a refused report stays in the tables of stored ones. Nothing
 * here queries the DNS. A database failure is a {@link org.jamesdmarc.store.StoreException}: the caller keeps the
 * mail or the file and tries again.
 */
public final class ReportIngest {

    private final InboundReportStore store;
    private final IngestLimits limits;
    private final Clock clock;
    private final AggregateReportParser parser;
    private final java.util.function.LongConsumer progress;

    public ReportIngest(InboundReportStore store, IngestLimits limits, Clock clock) {
        this(store, limits, clock, records -> { });
    }

    /** With {@code progress} told the records read of the current report, every {@value #PROGRESS_EVERY}. */
    public ReportIngest(InboundReportStore store, IngestLimits limits, Clock clock,
                        java.util.function.LongConsumer progress) {
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.parser = new AggregateReportParser(limits);
    }

    /** How often (in records) the progress hears of a report being read. */
    public static final int PROGRESS_EVERY = 10_000;

    /**
     * Ingests a file: an aggregate report ({@code .xml}, {@code .xml.gz}, {@code .zip}, told by its first bytes) or a
     * whole mail ({@code .eml}, anything else).
     */
    public List<IngestOutcome> ingestFile(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            if (ReportUnpacker.peek(in) != ReportUnpacker.Kind.OTHER) {
                return List.of(ingestReport(in, InboundOrigin.file(file.toString())));
            }
            return ingestMessage(in, InboundOrigin.Kind.FILE, file.toString());
        }
    }

    /**
     * Ingests a mail (RFC 5322, MIME): each aggregate report attached (gzip, zip, XML) and each failure report
     * ({@code message/feedback-report}). A mail with none is one {@link IngestOutcome.Rejected}.
     */
    public List<IngestOutcome> ingestMessage(InputStream message, InboundOrigin.Kind kind, String name) {
        Instant now = clock.instant();
        List<IngestOutcome> out = new ArrayList<>();
        ContentCapture whole = new ContentCapture(message);
        LimitedInputStream bounded = new LimitedInputStream(whole, limits.maxCompressedBytes(), "the mail");
        MessageScanner scanner = new MessageScanner(limits, name, kind, new MessageScanner.Parts() {
            @Override
            public void aggregate(InputStream body, InboundOrigin origin) {
                out.add(ingestReport(body, origin));
            }

            @Override
            public void failure(String feedback, String headers, String reporter, InboundOrigin origin) {
                out.add(ingestFailure(feedback, headers, reporter, origin, now));
            }
        });
        Optional<String> broken = scanner.scan(bounded);
        if (broken.isPresent() || out.isEmpty()) {
            drain(bounded);
            String reason = broken.orElse("no aggregate or failure report in the mail");
            store.reject(new InboundOrigin(kind, name), reason, whole.content(), now);
            out.add(new IngestOutcome.Rejected(name, reason));
        }
        return out;
    }

    /** Ingests one aggregate report (gzip, zip or XML) read from {@code received}. */
    public IngestOutcome ingestReport(InputStream received, InboundOrigin origin) {
        Instant now = clock.instant();
        ContentCapture capture = new ContentCapture(received);
        LimitedInputStream limited = new LimitedInputStream(capture, limits.maxCompressedBytes(), "the report as received");
        Ingesting ingesting = new Ingesting();
        RawKeeper xml = null;
        try {
            xml = new RawKeeper(ReportUnpacker.open(limited, limits));
            parser.parse(new KeepOpen(xml), origin, now, ingesting); // the JDK's reader closes what it read
            if (ingesting.duplicate != null) {
                return new IngestOutcome.Duplicate(ingesting.duplicate);
            }
            drainRefusing(xml); // a zip's second file, bytes after the end
            InboundReportStore.Stored stored = ingesting.writer.commit(xml.raw());
            return new IngestOutcome.Stored(stored.id(), stored.records(), stored.messages());
        } catch (IngestRefusal r) {
            return refused(ingesting, limited, capture, origin, r.reason(), now);
        } catch (IOException e) {
            return refused(ingesting, limited, capture, origin, "unreadable: " + e.getMessage(), now);
        } finally {
            if (ingesting.writer != null) {
                ingesting.writer.close(); // rolls back unless committed
            }
            if (xml != null) {
                xml.discard();
            }
        }
    }

    private IngestOutcome refused(Ingesting ingesting, LimitedInputStream limited, ContentCapture capture,
                                  InboundOrigin origin, String reason, Instant now) {
        if (ingesting.writer != null) {
            ingesting.writer.close();
            ingesting.writer = null;
        }
        drain(limited);
        store.reject(origin, reason, capture.content(), now);
        return new IngestOutcome.Rejected(origin.name(), reason);
    }

    private IngestOutcome ingestFailure(String feedback, String headers, String reporter, InboundOrigin origin,
                                        Instant now) {
        try {
            var report = FailureReportFields.report(feedback, headers, reporter, origin, now);
            String id = report.key();
            return switch (store.storeFailure(report)) {
                case STORED -> new IngestOutcome.FailureStored(id);
                case DUPLICATE -> new IngestOutcome.FailureDuplicate(id);
            };
        } catch (IngestRefusal r) {
            store.reject(origin, r.reason(), InboundReportStore.RejectedContent.of(
                    (feedback + "\n\n" + headers).getBytes(java.nio.charset.StandardCharsets.UTF_8)), now);
            return new IngestOutcome.Rejected(origin.name(), r.reason());
        }
    }

    /** The parser's handler: begins the report in the store, then hands it each record. */
    private final class Ingesting implements AggregateReportParser.Handler {
        InboundReportStore.ReportWriter writer;
        String duplicate;

        @Override
        public boolean begin(InboundReport report) {
            Begin b = store.begin(report);
            if (b instanceof Begin.Started s) {
                writer = s.writer();
                return true;
            }
            duplicate = ((Begin.Duplicate) b).id();
            return false;
        }

        @Override
        public void record(InboundRecord record) throws IngestRefusal {
            try {
                writer.add(record);
                if (writer.records() % PROGRESS_EVERY == 0) {
                    progress.accept(writer.records());
                }
            } catch (ArithmeticException e) {
                throw new IngestRefusal("the records' counts sum past 2^63-1");
            }
        }
    }

    /** Reads {@code in} to its end, where a refusal (a second file in a zip, a size limit) still counts. */
    private static void drainRefusing(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (in.read(buf) >= 0) {
            // discard
        }
    }

    /** Reads what is left (so that the captured digest covers it), as far as the limits allow. */
    private static void drain(InputStream in) {
        try {
            drainRefusing(in);
        } catch (IOException e) {
            // a limit or a read error: what was read is what is kept
        }
    }

    /** Ignores close(): the rest is drained after the XML reader is done (a zip's second file is found there). */
    private static final class KeepOpen extends java.io.FilterInputStream {
        KeepOpen(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // kept open
        }
    }
}
