package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.SettingsException;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dmarc history expire --days N}: deletes the messages evaluated more than N days ago, in batches of
 * {@value ExpireCommand#BATCH} messages, each its own short transaction ({@link JdbcHistoryStore#expireBefore}), so that James
 * goes on recording meanwhile; then the report delivery ledger's periods that ended more than the longer of N days
 * and {@code report.ledgerRetention} (of the James home's settings) ago ({@link ReportLedger#expireBefore}), as
 * James's daily retention does.
 */
@Command(name = "expire",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Delete the messages evaluated more than N days (of 24 hours) ago, in short batches that do "
                + "not hold up James recording meanwhile, and the report delivery ledger's periods that ended more "
                + "than N days or report.ledgerRetention of the James home's settings (the longer) ago. Running it "
                + "again deletes nothing more.",
            "Exit 0 done, 2 bad option, bad database settings or database failure (batches done before stay done)."})
final class HistoryExpireCommand extends ExpireCommand {

    HistoryExpireCommand() {
        this(System.getenv(), Clock.systemUTC());
    }

    HistoryExpireCommand(Map<String, String> environment, Clock clock) {
        super("dmarc history expire", environment, clock);
    }

    @Option(names = "--days", required = true, paramLabel = "N",
            description = "Keep the last N days (1.." + MAX_DAYS + "): delete what was evaluated before now − N × 24 h.")
    int days;

    @Option(names = "--json", description = "Print {\"deleted\":n,\"before\":epochSeconds,\"ledgerDeleted\":n,"
            + "\"ledgerBefore\":epochSeconds}.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        Optional<String> badDays = badDays(days);
        if (badDays.isPresent()) {
            return fail(err, badDays.get());
        }
        Instant before = clock.instant().minus(Duration.ofDays(days));
        Instant ledgerBefore;
        try {
            ledgerBefore = clock.instant().minus(reportSettings().ledgerRetention(days));
        } catch (SettingsException e) {
            return fail(err, e.getMessage());
        }
        long deleted;
        long ledgerDeleted;
        try (JdbcHistoryStore store = openStore(err)) {
            deleted = store.expireBefore(before, BATCH);
            ledgerDeleted = new ReportLedger(store).expireBefore(ledgerBefore, BATCH);
        } catch (StoreException e) {
            return fail(err, e.getMessage());
        }
        if (json) {
            ObjectNode o = Json.object();
            o.put("deleted", deleted);
            o.put("before", before.getEpochSecond());
            o.put("ledgerDeleted", ledgerDeleted);
            o.put("ledgerBefore", ledgerBefore.getEpochSecond());
            Json.print(out, o);
        } else {
            out.println("deleted " + deleted + " message" + (deleted == 1 ? "" : "s") + " evaluated before " + before);
            out.println("deleted " + ledgerDeleted + " report delivery row" + (ledgerDeleted == 1 ? "" : "s")
                    + " of periods ended by " + ledgerBefore);
            out.flush();
        }
        return ExitCodes.OK;
    }
}
