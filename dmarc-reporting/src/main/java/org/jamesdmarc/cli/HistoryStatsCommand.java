package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jamesdmarc.store.HistoryStats;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dmarc history stats}: how many messages and policy domains the history holds, and over which time. */
@Command(name = "stats",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Summarize the evaluation history: messages, distinct policy domains, first and last time.",
            "Exit 0 done, 2 bad database settings or unreachable database."})
final class HistoryStatsCommand extends DatabaseCommand {

    HistoryStatsCommand() {
        this(System.getenv());
    }

    HistoryStatsCommand(Map<String, String> environment) {
        super("dmarc history stats", environment);
    }

    @Option(names = "--json", description = "Print {\"messages\":n,\"policyDomains\":n,\"first\":epochSeconds,"
            + "\"last\":epochSeconds} (first and last null when empty).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        HistoryStats stats;
        try (JdbcHistoryStore store = openStore(err)) {
            stats = store.stats();
        } catch (StoreException e) {
            return fail(err, e.getMessage());
        }
        if (json) {
            ObjectNode o = Json.object();
            o.put("messages", stats.messages());
            o.put("policyDomains", stats.policyDomains());
            if (stats.first().isPresent()) {
                o.put("first", stats.first().get().getEpochSecond());
            } else {
                o.putNull("first");
            }
            if (stats.last().isPresent()) {
                o.put("last", stats.last().get().getEpochSecond());
            } else {
                o.putNull("last");
            }
            Json.print(out, o);
        } else {
            out.println("messages:       " + stats.messages());
            out.println("policy domains: " + stats.policyDomains());
            out.println("first:          " + stats.first().map(Instant::toString).orElse("-"));
            out.println("last:           " + stats.last().map(Instant::toString).orElse("-"));
            out.flush();
        }
        return ExitCodes.OK;
    }
}
