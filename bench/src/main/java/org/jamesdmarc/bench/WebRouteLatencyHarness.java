package org.jamesdmarc.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jamesdmarc.reporting.web.DmarcWebApi;
import org.jamesdmarc.reporting.web.Params;
import org.jamesdmarc.reporting.web.SourceNames;
import org.jamesdmarc.reporting.web.WebResponse;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;

/**
 * Response time of the DMARC WebAdmin routes that the dashboard calls (issue 12: ≤ 200 ms per request with 10 million
 * history rows and 1 million inbound records), measured on their handlers ({@link DmarcWebApi}, what the Spark routes
 * call) against a PostgreSQL database filled beforehand: the history by {@code HistoryScaleHarness ... --modes load
 * --keep --db NAME --slice day} (messages, DKIM rows and day counters), the inbound records by this harness
 * ({@code --inbound N}: N records in reports of 1,000 records about 100 of our domains, over the last 30 days, made by
 * the database with {@code generate_series}). Source names come from a resolver that answers nothing at once (no
 * DNS: the names are off the request path anyway).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.jamesdmarc.bench.WebRouteLatencyHarness --db NAME [--inbound 1000000]
 *     [--requests 20] [--warmup 10]
 * </pre>
 * Prints, per route, the median (p50), 95th percentile and maximum of {@code --requests} requests after
 * {@code --warmup} warm-up ones (10; until 2026-12-02 it was 2), and the first call's time on its own. The inbound roll-up (migration V10) of the generated records is made by the migration's own backfill
 * statements.
 */
public final class WebRouteLatencyHarness {

    /** Calls of each route before it is timed (the first of them timed on its own); {@code --warmup}. */
    private static int warmups = 10;

    private WebRouteLatencyHarness() {
    }

    public static void main(String[] args) throws Exception {
        String db = null;
        long inbound = 0;
        int requests = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> db = args[++i];
                case "--inbound" -> inbound = Long.parseLong(args[++i].replace("_", ""));
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--warmup" -> warmups = Math.max(1, Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (db == null || !db.matches("[a-z0-9_]+")) {
            System.err.println("usage: WebRouteLatencyHarness --db NAME [--inbound N] [--requests R] [--warmup W]");
            System.exit(2);
        }
        String url = "jdbc:postgresql://127.0.0.1:5432/" + db;
        System.out.println("machine: " + Bench.machine());
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(url, "postgres", Secret.none(), 4));
             SourceNames names = new SourceNames(a -> List.of(), Clock.systemUTC())) {
            System.out.println("schema " + store.schemaVersion());
            if (inbound > 0) {
                loadInbound(url, inbound);
            }
            fillFromCounters(url, "dmarc_report_failing_source", "V11__failing_sources.sql",
                    List.of("dmarc_report_failing", "dmarc_report_failing_source"));
            fillFromCounters(url, "dmarc_report_slice_total", "V12__history_totals.sql",
                    List.of("dmarc_report_slice_total", "dmarc_report_domain_total"));
            try (Connection c = DriverManager.getConnection(url, "postgres", "");
                 Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM dmarc_message), (SELECT COUNT(*) FROM "
                         + "dmarc_inbound_record), (SELECT COUNT(*) FROM dmarc_report_row), (SELECT policy_domain FROM "
                         + "dmarc_inbound_record LIMIT 1), (SELECT policy_domain FROM dmarc_report_policy "
                         + "GROUP BY policy_domain ORDER BY SUM(messages) DESC LIMIT 1)")) {
                rs.next();
                System.out.printf("history rows %,d; inbound records %,d; counter rows %,d%n", rs.getLong(1),
                        rs.getLong(2), rs.getLong(3));
                String ours = rs.getString(4);
                String theirs = rs.getString(5);
                DmarcWebApi api = new DmarcWebApi(() -> store, d -> {
                    throw new UnsupportedOperationException("no check here");
                }, names, Clock.systemUTC());
                // What the dashboard's script asks (its load(): both routes with days=30, its default, and the
                // domain when one is chosen).
                time("dashboard page", requests, api::dashboard);
                time("inbound (all domains, 30 days)", requests, () -> api.inbound(Params.of(Map.of("days", "30"))));
                time("inbound (one domain)", requests,
                        () -> api.inbound(Params.of(Map.of("days", "30", "domain", ours))));
                time("history/stats (all, 30 days)", requests,
                        () -> api.historyStats(Params.of(Map.of("days", "30"))));
                time("history/stats (biggest domain)", requests,
                        () -> api.historyStats(Params.of(Map.of("days", "30", "domain", theirs))));
                time("history/stats (inbound's domain)", requests,
                        () -> api.historyStats(Params.of(Map.of("days", "30", "domain", ours))));
                time("history (newest 100)", requests, () -> api.history(Params.of(Map.of())));
                time("history (domain, fail, 100)", requests,
                        () -> api.history(Params.of(Map.of("domain", theirs, "result", "fail"))));
                time("dashboard (inbound + stats)", requests, () -> {
                    api.inbound(Params.of(Map.of("days", "30")));
                    return api.historyStats(Params.of(Map.of("days", "30")));
                });
            }
        }
    }

    private static void time(String label, int requests, Supplier<WebResponse> call) {
        // The first call of a route in this JVM (its code not compiled yet, as after James starts), then the
        // warm-ups: a WebAdmin serving the dashboard runs in a long-lived James, whose code is compiled.
        long f0 = System.nanoTime();
        check(call.get(), label);
        long first = (System.nanoTime() - f0) / 1_000_000;
        for (int i = 1; i < warmups; i++) {
            check(call.get(), label);
        }
        long[] ms = new long[requests];
        int bytes = 0;
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            WebResponse r = call.get();
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            check(r, label);
            bytes = r.body().length();
        }
        Arrays.sort(ms);
        System.out.printf("%-34s p50 %5d ms  p95 %5d ms  max %5d ms  (%,d bytes; first call %d ms)%n", label,
                ms[requests / 2], ms[(int) Math.ceil(requests * 0.95) - 1], ms[requests - 1], bytes, first);
    }

    /**
     * The records were inserted by SQL, past the store's writer: their roll-up is made by the backfill of migration
     * V10 itself (its {@code INSERT ... SELECT} statements, read from the store's jar), as for a database upgraded
     * with reports in it.
     */
    private static void rollUpInbound(Statement s) throws SQLException { // V13 adds an index only: nothing to fill
        for (String table : List.of("dmarc_inbound_day", "dmarc_inbound_source", "dmarc_inbound_source_org")) {
            s.execute("DELETE FROM " + table);
        }
        backfill(s, "V10__inbound_rollup.sql");
    }

    /** Runs the {@code INSERT ... SELECT} statements (the backfill) of one of the store's migrations. */
    private static void backfill(Statement s, String migration) throws SQLException {
        String sql;
        try (var in = JdbcHistoryStore.class.getResourceAsStream("migration/" + migration)) {
            sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException(migration + " not found in the class path", e);
        }
        for (String statement : sql.replaceAll("(?m)--.*$", "").split(";")) {
            if (statement.strip().startsWith("INSERT")) {
                s.execute(statement);
            }
        }
    }

    /**
     * {@code HistoryScaleHarness} makes the report counters by SQL, past the roll-up: when the sums a migration keeps
     * beside them (V11's failing sources, V12's history totals) are empty beside counters, they are made by that
     * migration's own backfill statements.
     */
    private static void fillFromCounters(String url, String probe, String migration, List<String> tables)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            boolean empty;
            try (var rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM " + probe + " LIMIT 1) a), "
                    + "(SELECT COUNT(*) FROM (SELECT 1 FROM dmarc_report_row LIMIT 1) b)")) {
                rs.next();
                empty = rs.getLong(1) == 0 && rs.getLong(2) > 0;
            }
            if (empty) {
                long t0 = System.nanoTime();
                backfill(s, migration);
                for (String table : tables) {
                    s.execute("VACUUM ANALYZE " + table);
                }
                System.out.printf("%s made from the counters: %.1f s%n", tables,
                        Duration.ofNanos(System.nanoTime() - t0).toMillis() / 1000.0);
            }
        }
    }

    private static void check(WebResponse r, String label) {
        if (r.status() != 200) {
            throw new IllegalStateException(label + ": " + r.status() + " " + r.body());
        }
    }

    /**
     * {@code records} inbound records in reports of 1,000, about our-domain-0.test .. our-domain-99.test (Zipf-like:
     * domain = report mod 100 squared), over the last 30 days, from 5 reporting organisations and 20,000 sources,
     * 85 % of them passing, some forwarded or mailing-list.
     */
    private static void loadInbound(String url, long records) throws SQLException {
        long reports = (records + 999) / 1000;
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("SET maintenance_work_mem = '512MB'");
            long now = java.time.Instant.now().getEpochSecond();
            long day0 = now - now % 86_400 - 29L * 86_400;
            s.execute("INSERT INTO dmarc_inbound_report (report_key, org_name, email, report_id, policy_domain, "
                    + "begin_at, end_at, report_format, origin, origin_name, received_at, record_count, message_count, "
                    + "pass_count) SELECT md5('r' || g), 'org' || (g % 5) || '.example', 'dmarc@org' || (g % 5) "
                    + "|| '.example', 'rpt-' || g, 'our-domain-' || ((g % 100) * (g % 100) / 100) || '.test', "
                    + day0 + " + (g % 30) * 86400, " + day0 + " + (g % 30) * 86400 + 86399, 'rfc9990', 'file', "
                    + "'bench', " + now + ", 1000, 0, 0 FROM generate_series(0, " + (reports - 1) + ") g");
            s.execute("INSERT INTO dmarc_inbound_record (report_key, ordinal, policy_domain, day_start, source_ip, "
                    + "message_count, disposition, dmarc_pass, dkim_pass, spf_pass, reason_types, reasons, header_from, dkim_results, spf_results) "
                    + "SELECT r.report_key, o, r.policy_domain, r.begin_at - r.begin_at % 86400, "
                    + "'10.' || ((o * 7 + g) % 20000 / 256) || '.' || ((o * 7 + g) % 256) || '.1', 1 + o % 20, "
                    + "CASE WHEN o % 20 < 17 THEN 'none' WHEN o % 20 = 17 THEN 'quarantine' ELSE 'reject' END, "
                    + "CASE WHEN o % 20 < 17 THEN 1 ELSE 0 END, CASE WHEN o % 20 < 16 THEN 1 ELSE 0 END, "
                    + "CASE WHEN o % 20 < 17 THEN 1 ELSE 0 END, CASE WHEN o % 20 = 17 THEN 'forwarded' "
                    + "WHEN o % 20 = 18 THEN 'mailing_list' ELSE '' END, '', r.policy_domain, '', '' "
                    + "FROM (SELECT report_key, policy_domain, begin_at, ROW_NUMBER() OVER (ORDER BY report_key) AS g "
                    + "FROM dmarc_inbound_report WHERE origin_name = 'bench') r, generate_series(0, 999) o "
                    + "WHERE (r.g - 1) * 1000 + o < " + records);
            s.execute("UPDATE dmarc_inbound_report r SET message_count = x.m, pass_count = x.p FROM (SELECT "
                    + "report_key, SUM(message_count) m, SUM(message_count * dmarc_pass) p FROM dmarc_inbound_record "
                    + "GROUP BY report_key) x WHERE x.report_key = r.report_key");
            long tRollup = System.nanoTime();
            rollUpInbound(s);
            System.out.printf("inbound roll-up made from the records: %.1f s%n",
                    Duration.ofNanos(System.nanoTime() - tRollup).toMillis() / 1000.0);
            // VACUUM as autovacuum would after such inserts: PostgreSQL's index-only scans (V13's ranking index)
            // need the visibility map.
            for (String table : List.of("dmarc_inbound_report", "dmarc_inbound_record", "dmarc_inbound_day",
                    "dmarc_inbound_source", "dmarc_inbound_source_org")) {
                s.execute("VACUUM ANALYZE " + table);
            }
        }
        System.out.printf("loaded %,d inbound records in %,d reports: %.1f s%n", records, reports,
                Duration.ofNanos(System.nanoTime() - t0).toMillis() / 1000.0);
    }

}
