package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportSettings;
import org.jamesdmarc.store.SettingsException;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dmarc report expire [--days N]}: deletes the reports other receivers sent us that are older than N days, or
 * than {@code report.inboundRetention} of the James home's settings ({@link InboundReportStore#expireBefore}: whole
 * UTC days of aggregate reports with their records and roll-up; refused and failure reports by when they came), in
 * short transactions of {@value #BATCH} rows, as James's daily retention does.
 */
@Command(name = "expire",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Delete the reports other receivers sent (ingested aggregate reports, whole UTC days of them, "
                + "with their records; refused and failure reports) older than N days, or than report.inboundRetention "
                + "of the James home's settings, in short batches that do not hold up ingest meanwhile. Running it "
                + "again deletes nothing more.",
            "Exit 0 done, 2 bad option, bad database settings or database failure (batches done before stay done)."})
final class ReportExpireCommand implements Callable<Integer> {

    /** Rows per transaction. */
    static final int BATCH = 1000;
    /** About 27 years: more is a mistake, and the cutoff stays after the epoch. */
    static final int MAX_DAYS = 10_000;

    private final Map<String, String> environment;
    private final Clock clock;

    ReportExpireCommand() {
        this(System.getenv(), Clock.systemUTC());
    }

    ReportExpireCommand(Map<String, String> environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @Option(names = "--days", paramLabel = "N", description = "Keep the last N days (1.." + MAX_DAYS + "); default: "
            + "report.inboundRetention of the James home's settings (P400D when unset).")
    Integer days;

    @Option(names = "--json", description = "Print {\"reports\":n,\"records\":n,\"rejected\":n,\"failures\":n,"
            + "\"before\":epochSeconds}.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration keep;
        if (days != null) {
            if (days < 1 || days > MAX_DAYS) {
                return fail(err, "--days must be between 1 and " + MAX_DAYS + ": " + days);
            }
            keep = Duration.ofDays(days);
        } else {
            try {
                keep = ReportSettings.load(db.jamesHome(environment, Optional.ofNullable(
                        System.getProperty(DatabaseOptions.REPOSITORY_ROOT_PROPERTY)).filter(s -> !s.isBlank())
                        .map(Path::of))).inboundRetention();
            } catch (SettingsException e) {
                return fail(err, e.getMessage());
            }
        }
        Instant before = clock.instant().minus(keep);
        InboundReportStore.Expired expired;
        try (JdbcHistoryStore store = HistoryStoreOpener.open(db, environment, err, "dmarc report expire")) {
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

    private static int fail(PrintWriter err, String message) {
        err.println("dmarc report expire: " + message);
        err.flush();
        return ExitCodes.INVALID;
    }
}
