package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.store.FailureReportLog;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.ReportLedger.State;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dmarc report status}: per period, the reports pending, sent, deferred, failed and suppressed. */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Show the report ledger: per period the reports pending, handed off (sent; "
                + "inside James also those whose delivery RemoteDelivery confirmed), deferred, failed and suppressed, "
                + "and the reasons of the failed and deferred ones; then the failure reports (RFC 9991) of the last "
                + "24 hours by outcome and the latest ones.",
            "Exit 0 done, 2 bad database settings or unreachable database."})
final class ReportStatusCommand extends DatabaseCommand {

    private static final int PERIODS = 100;
    private static final int ROWS = 200;
    private static final int FAILURE_ROWS = 20;

    ReportStatusCommand() {
        this(System.getenv());
    }

    ReportStatusCommand(Map<String, String> environment) {
        super("dmarc report status", environment);
    }

    @Option(names = "--json", description = "Print {\"periods\":[{\"begin\":s,\"end\":s,\"planned\":b,\"domains\":n,"
            + "\"pending\":n,\"sending\":n,\"sent\":n,\"delivered\":n,\"deferred\":n,\"failed\":n,"
            + "\"suppressed\":n}],\"problems\":"
            + "[{\"begin\":s,\"domain\":d,\"destination\":a,\"state\":s,\"reason\":r,\"attempts\":n,\"nextAttempt\":s}],"
            + "\"failureReports\":{\"last24h\":{\"<outcome>\":n},\"recent\":[{\"time\":s,\"domain\":d,"
            + "\"destination\":a,\"type\":t,\"message\":k,\"outcome\":o,\"reason\":r}]}}.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        List<ReportLedger.PeriodSummary> periods;
        List<ReportLedger.Entry> failed;
        List<ReportLedger.Entry> deferred;
        Map<FailureReportLog.Outcome, Long> failureCounts;
        List<FailureReportLog.Entry> failureRecent;
        try (JdbcHistoryStore store = openStore(err)) {
            ReportLedger ledger = new ReportLedger(store);
            periods = ledger.periods(PERIODS);
            failed = ledger.list(Optional.of(State.FAILED), ROWS);
            deferred = ledger.list(Optional.of(State.DEFERRED), ROWS);
            FailureReportLog failures = new FailureReportLog(store);
            failureCounts = failures.counts(Instant.now().minus(java.time.Duration.ofHours(24)));
            failureRecent = failures.recent(FAILURE_ROWS);
        } catch (StoreException e) {
            return fail(err, e.getMessage());
        }
        if (json) {
            ObjectNode o = Json.object();
            ArrayNode ps = o.putArray("periods");
            for (ReportLedger.PeriodSummary p : periods) {
                ObjectNode n = ps.addObject();
                n.put("begin", p.begin());
                n.put("end", p.end());
                n.put("planned", p.planned());
                if (p.domains().isPresent()) {
                    n.put("domains", p.domains().getAsLong());
                } else {
                    n.putNull("domains");
                }
                n.put("pending", p.count(State.PENDING));
                n.put("sending", p.count(State.SENDING));
                // Sent: handed to the outbound path, its delivery confirmed since (James's onSuccess) or not.
                n.put("sent", p.count(State.HANDED_OFF) + p.count(State.DELIVERED));
                n.put("delivered", p.count(State.DELIVERED));
                n.put("deferred", p.count(State.DEFERRED));
                n.put("failed", p.count(State.FAILED));
                n.put("suppressed", p.count(State.SUPPRESSED));
            }
            ArrayNode problems = o.putArray("problems");
            for (ReportLedger.Entry e : concat(failed, deferred)) {
                ObjectNode n = problems.addObject();
                n.put("begin", e.periodBegin());
                n.put("domain", e.policyDomain());
                n.put("destination", e.destination());
                n.put("state", e.state().code());
                n.put("reason", e.reason().orElse(""));
                n.put("attempts", e.attempts());
                if (e.nextAttempt().isPresent()) {
                    n.put("nextAttempt", e.nextAttempt().get().getEpochSecond());
                } else {
                    n.putNull("nextAttempt");
                }
            }
            ObjectNode f = o.putObject("failureReports");
            ObjectNode last = f.putObject("last24h");
            failureCounts.forEach((k, v) -> last.put(k.code(), v));
            ArrayNode recent = f.putArray("recent");
            for (FailureReportLog.Entry e : failureRecent) {
                ObjectNode n = recent.addObject();
                n.put("time", e.createdAt().getEpochSecond());
                n.put("domain", e.policyDomain());
                n.put("destination", e.key().destination());
                n.put("type", e.key().reportType());
                n.put("message", e.key().messageKey());
                n.put("outcome", e.outcome().code());
                n.put("reason", e.reason().orElse(""));
            }
            Json.print(out, o);
            return ExitCodes.OK;
        }
        if (periods.isEmpty()) {
            out.println("no report period planned yet");
        }
        out.printf("%-20s %-20s %8s %8s %8s %8s %8s %8s %10s%n", "begin (UTC)", "end", "domains", "pending", "sent",
                "deferred", "failed", "suppr.", "planned");
        for (ReportLedger.PeriodSummary p : periods) {
            out.printf("%-20s %-20s %8s %8d %8d %8d %8d %8d %10s%n", Instant.ofEpochSecond(p.begin()),
                    Instant.ofEpochSecond(p.end()), p.domains().isPresent() ? Long.toString(p.domains().getAsLong()) : "-",
                    p.count(State.PENDING) + p.count(State.SENDING), p.count(State.HANDED_OFF) + p.count(State.DELIVERED),
                    p.count(State.DEFERRED), p.count(State.FAILED), p.count(State.SUPPRESSED),
                    p.planned() ? "yes" : "partly");
        }
        for (ReportLedger.Entry e : concat(failed, deferred)) {
            out.println(e.state().code() + " " + Instant.ofEpochSecond(e.periodBegin()) + " " + e.policyDomain() + " -> "
                    + e.destination() + " (" + e.attempts() + " attempt" + (e.attempts() == 1 ? "" : "s") + ")"
                    + e.nextAttempt().map(t -> ", next " + t).orElse("") + ": " + e.reason().orElse(""));
        }
        out.println("failure reports, last 24 h: " + (failureCounts.isEmpty() ? "none" : failureCounts.entrySet().stream()
                .map(x -> x.getKey().code() + " " + x.getValue()).collect(java.util.stream.Collectors.joining(", "))));
        for (FailureReportLog.Entry e : failureRecent) {
            out.println("failure " + e.createdAt() + " " + e.policyDomain() + " -> " + e.key().destination() + " ("
                    + e.key().reportType() + ", message " + e.key().messageKey() + "): " + e.outcome().code()
                    + e.reason().map(r -> ": " + r).orElse(""));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static List<ReportLedger.Entry> concat(List<ReportLedger.Entry> a, List<ReportLedger.Entry> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
