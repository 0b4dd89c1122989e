package org.jamesdmarc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jamesdmarc.reporting.ingest.IngestCounts;
import org.jamesdmarc.reporting.ingest.IngestLimits;
import org.jamesdmarc.reporting.ingest.IngestOutcome;
import org.jamesdmarc.reporting.ingest.ReportIngest;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dmarc report ingest FILE|DIR...}: stores the aggregate reports (RFC 9990, RFC 7489) and failure reports
 * (RFC 9991) others sent, from {@code .xml}, {@code .xml.gz}, {@code .zip} files or whole mails ({@code .eml}), in the
 * history database. Directories are walked (regular files, in name order). Idempotent: a report stored already is
 * counted as a duplicate; a report that cannot be read is kept aside with the reason, reported on stderr, and the
 * ingest goes on.
 */
@Command(name = "ingest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Ingest aggregate reports (.xml, .xml.gz, .zip) and report mails (.eml: aggregate and failure "
                + "reports attached) into the history database. A report already stored (same organisation, report "
                + "id, domain and date range) counts as a duplicate; a report that cannot be read is kept aside with "
                + "the reason.",
            "Exit 0 done (even with refused reports), 2 unreadable file, bad database settings or database failure."})
final class ReportIngestCommand extends DatabaseCommand {

    ReportIngestCommand() {
        this(System.getenv());
    }

    ReportIngestCommand(Map<String, String> environment) {
        super("dmarc report ingest", environment);
    }

    @Option(names = "--json", description = "Print the summary as {\"reports\":n,\"records\":n,\"messages\":n,"
            + "\"duplicates\":n,\"rejected\":n} (messages: the sum of the records' counts; failure reports count "
            + "as reports).")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Report files, mails, or directories of them.")
    List<Path> paths;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            try {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> walk = Files.walk(p)) {
                        walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                    }
                } else if (Files.isRegularFile(p) && Files.isReadable(p)) {
                    files.add(p);
                } else {
                    return fail(err, "cannot read " + p);
                }
            } catch (IOException e) {
                return fail(err, "cannot read " + p + ": " + e.getMessage());
            }
        }
        IngestCounts counts = IngestCounts.ZERO;
        try (JdbcHistoryStore store = openStore(err)) {
            ImportProgress progress = ImportProgress.onTerminal(err);
            long done = 0;
            for (Path f : files) {
                String name = f.toString();
                long filesDone = done;
                long recordsBefore = counts.records();
                ReportIngest ingest = new ReportIngest(new InboundReportStore(store), IngestLimits.defaults(),
                        Clock.systemUTC(), records -> progress.update(name, filesDone, files.size(),
                        recordsBefore + records));
                List<IngestOutcome> outcomes;
                try {
                    outcomes = ingest.ingestFile(f);
                } catch (IOException e) {
                    progress.clear();
                    return fail(err, "cannot read " + f + ": " + e.getMessage());
                }
                for (IngestOutcome o : outcomes) {
                    if (o instanceof IngestOutcome.Rejected r) {
                        progress.clear();
                        err.println("dmarc report ingest: " + r.name() + ": refused, kept aside: " + r.reason());
                        err.flush();
                    }
                }
                counts = counts.plus(outcomes);
                done++;
                progress.update(name, done, files.size(), counts.records());
            }
            progress.clear();
        } catch (StoreException e) {
            return fail(err, e.getMessage());
        }
        if (json) {
            ObjectNode o = Json.object();
            o.put("reports", counts.reports());
            o.put("records", counts.records());
            o.put("messages", counts.messages());
            o.put("duplicates", counts.duplicates());
            o.put("rejected", counts.rejected());
            Json.print(out, o);
        } else {
            out.println("ingested " + files.size() + " file(s): " + counts.reports() + " new reports ("
                    + counts.records() + " records, " + counts.messages() + " messages), " + counts.duplicates()
                    + " already stored, " + counts.rejected() + " refused");
            out.flush();
        }
        return ExitCodes.OK;
    }
}
