package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.SettingsException;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dmarc report expire [--days N]}: deletes the reports other receivers sent us that are older than N days, or
 * than {@code report.inboundRetention} of the James home's settings ({@link InboundReportStore#expireBefore}: whole
 * UTC days of aggregate reports with their records and roll-up; refused and failure reports by when they came), in
 * short transactions of {@value ExpireCommand#BATCH} rows, as James's daily retention does.
 */
@Command(name = "expire",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Delete the reports other receivers sent (ingested aggregate reports, whole UTC days of them, "
                + "with their records; refused and failure reports) older than N days, or than report.inboundRetention "
                + "of the James home's settings, in short batches that do not hold up ingest meanwhile. Running it "
                + "again deletes nothing more.",
            "Exit 0 done, 2 bad option, bad database settings or database failure (batches done before stay done)."})
final class ReportExpireCommand extends ExpireCommand {

    ReportExpireCommand() {
        this(System.getenv(), Clock.systemUTC());
    }

    ReportExpireCommand(Map<String, String> environment, Clock clock) {
        super("dmarc report expire", environment, clock);
    }

    @Option(names = "--days", paramLabel = "N", description = "Keep the last N days (1.." + MAX_DAYS + "); default: "
            + "report.inboundRetention of the James home's settings (P400D when unset).")
    Integer days;

    @Option(names = "--json", description = "Print {\"reports\":n,\"records\":n,\"rejected\":n,\"failures\":n,"
            + "\"before\":epochSeconds}.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        Duration keep;
        if (days != null) {
            Optional<String> badDays = badDays(days);
            if (badDays.isPresent()) {
                return fail(err, badDays.get());
            }
            keep = Duration.ofDays(days);
        } else {
            try {
                keep = reportSettings().inboundRetention();
            } catch (SettingsException e) {
                return fail(err, e.getMessage());
            }
        }
        Instant before = clock.instant().minus(keep);
        InboundReportStore.Expired expired;
        try (JdbcHistoryStore store = openStore(err)) {
            expired = new InboundReportStore(store).expireBefore(before, BATCH);
        } catch (StoreException e) {
            return fail(err, e.getMessage());
        }
        if (json) {
            ObjectNode o = Json.object();
            o.put("reports", expired.reports());
            o.put("records", expired.records());
            o.put("rejected", expired.rejected());
            o.put("failures", expired.failures());
            o.put("before", before.getEpochSecond());
            Json.print(out, o);
        } else {
            out.println("deleted " + expired.reports() + " aggregate report" + (expired.reports() == 1 ? "" : "s")
                    + " (" + expired.records() + " records) begun before the UTC day of " + before + ", "
                    + expired.rejected() + " refused and " + expired.failures() + " failure reports received before it");
            out.flush();
        }
        return ExitCodes.OK;
    }
}
