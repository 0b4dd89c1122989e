package org.jamesdmarc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;

/**
 * Issue 10's scale against the per-message rows of the evaluation history (issue 9): fills a fresh database with
 * {@code messages} {@code dmarc_message} rows (default 10,000,000) and about 1.3 {@code dmarc_dkim} rows each, over
 * {@code domains} policy domains (default 100,000) and one day, then times what an aggregate report builder runs
 * for that day: every policy domain's rows grouped by what an RFC 9990 {@code <record>} holds (source IP, header
 * from, envelope from/to, published policy, DMARC result, disposition, overrides, SPF domain/scope/result/alignment,
 * and each message's DKIM signatures: domain/selector/result/alignment) with their counts.
 *
 * <p>The schema is the store's own: {@link JdbcHistoryStore#open} runs the Flyway migration. The rows are generated
 * by the database itself ({@code INSERT ... SELECT} over a number series), not sent through JDBC; the secondary
 * indexes (and on PostgreSQL the primary keys) are dropped for the load and built again afterwards, then the
 * tables analyzed. The data is deterministic (integer hashes of the row number, no random()):
 * <ul>
 *   <li>policy domain {@code d<i>.example}, {@code i = floor(100000^u) - 1} for a uniform {@code u}: a Zipf-like
 *       skew, about 8.7 % of the mail for the biggest domain, a handful of messages for the smallest, every domain
 *       present;</li>
 *   <li>source IPs: 200 per domain for the 100 biggest, 8 for the next 9,900, 2 for the rest;</li>
 *   <li>10 % of header-from a subdomain, 5 % without envelope sender (HELO), 20 % sent through one of 50 ESPs;
 *       SPF 80 % pass; DKIM: 90 % of messages signed by their domain (95 % of those pass), 40 % by an ESP.</li>
 * </ul>
 *
 * <p>Query modes ({@code --modes}):
 * <ul>
 *   <li>{@code stream}: one statement for the whole day, grouped and ordered by policy domain, read with a fetch
 *       size (a cursor on PostgreSQL, streaming on MariaDB), each message's signatures joined as one aggregated
 *       string;</li>
 *   <li>{@code perdomain}: the day's policy domains, then one query per domain through the
 *       {@code (policy_domain, received_at)} index, the signatures by a correlated subquery, on {@code --threads}
 *       connections.</li>
 * </ul>
 * Counter modes: {@code counters} makes the report counters from the generator in SQL (keyed by {@code --slice},
 * the day by default, as the roll-up keys them for a daily {@code report.period}); {@code reports} builds every
 * report of the day from them with the real builder ({@code --build-threads N}: N builders over disjoint domain-key
 * ranges); {@code rollup-time} marks every stored message pending (as the writers leave them) and times the store's
 * own roll-up ({@code ReportRollup}; it replaces the counters); {@code verify-rollup} makes the counters both ways
 * and compares them row for row. {@code --counters bulk} makes the counters in Java instead of SQL
 * ({@link BulkCounters}: H2, where SQL's grouping of 10 million rows takes more than 30 minutes; {@code verify-rollup
 * --counters bulk} checks them against the roll-up), {@code --load counters} loads no message rows, only the counters
 * (the report build reads nothing else).
 * Prints seconds, rows out, messages counted (must equal the rows loaded) and the peak heap of this JVM during the
 * query.
 *
 * <pre>
 * mvn -o -q -pl dmarc-mailet,dmarc-reporting,bench -am package -DskipTests
 * java -Xmx512m -cp bench/target/benchmarks.jar org.jamesdmarc.bench.HistoryScaleHarness postgresql \
 *     [--messages 10000000] [--domains 100000] [--modes stream,perdomain] [--threads 2] [--fetch 10000] \
 *     [--work-mem 256MB] [--db dmarc_scale] [--reuse] [--keep] [--h2-dir /tmp]
 * </pre>
 * {@code --reuse} queries a database a previous run left with {@code --keep}; without {@code --keep} the database
 * is dropped at the end.
 */
public final class HistoryScaleHarness {

    /** 2026-12-01T00:00:00Z: the day the data covers. */
    private static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;

    /** The columns of one report row but the DKIM list and the count. */
    private static final String GROUP_COLUMNS = "source_ip, header_from, envelope_from, envelope_to, pub_p, pub_sp, "
            + "pub_adkim, pub_aspf, pub_testing, dmarc_result, disposition, overrides, spf_domain, spf_scope, "
            + "spf_result, spf_alignment";

    private final ScaleDialect dialect;
    private final Options options;

    private HistoryScaleHarness(ScaleDialect dialect, Options options) {
        this.dialect = dialect;
        this.options = options;
    }

    record Options(long messages, int domains, List<String> modes, int threads, int fetch, String workMem,
                   String db, boolean reuse, boolean keep, Path h2Dir, String counters, Path out, int gzipLevel,
                   long slice, int buildThreads, long pending, boolean loadMessages) {

        static Options parse(String[] args) {
            long messages = 10_000_000;
            int domains = 100_000;
            List<String> modes = List.of("stream", "perdomain");
            int threads = 2;
            int fetch = 10_000;
            String workMem = "";
            String db = "dmarc_scale";
            boolean reuse = false;
            boolean keep = false;
            Path h2Dir = Path.of(System.getProperty("java.io.tmpdir"));
            String counters = "sql";
            Path out = null;
            int gzipLevel = java.util.zip.Deflater.DEFAULT_COMPRESSION;
            long slice = 86_400;
            int buildThreads = 1;
            long pending = 0;
            boolean loadMessages = true;
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--messages" -> messages = Long.parseLong(args[++i].replace("_", ""));
                    case "--domains" -> domains = Integer.parseInt(args[++i].replace("_", ""));
                    case "--modes" -> modes = Arrays.asList(args[++i].split(","));
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--fetch" -> fetch = Integer.parseInt(args[++i]);
                    case "--work-mem" -> workMem = args[++i];
                    case "--db" -> db = args[++i];
                    case "--reuse" -> reuse = true;
                    case "--keep" -> keep = true;
                    case "--h2-dir" -> h2Dir = Path.of(args[++i]);
                    case "--counters" -> counters = args[++i];
                    case "--out" -> out = Path.of(args[++i]);
                    case "--gzip-level" -> gzipLevel = Integer.parseInt(args[++i]);
                    case "--slice" -> slice = switch (args[++i]) {
                        case "day" -> 86_400;
                        case "hour" -> 3_600;
                        default -> throw new IllegalArgumentException("--slice must be day or hour: " + args[i]);
                    };
                    case "--build-threads" -> buildThreads = Integer.parseInt(args[++i]);
                    case "--pending" -> pending = Long.parseLong(args[++i].replace("_", ""));
                    case "--load" -> loadMessages = switch (args[++i]) {
                        case "all" -> true;
                        case "counters" -> false;
                        default -> throw new IllegalArgumentException("--load must be all or counters: " + args[i]);
                    };
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (!db.matches("[a-z][a-z0-9_]{0,40}")) {
                throw new IllegalArgumentException("--db must be a plain lower-case name: " + db);
            }
            if (messages < 1 || domains < 1 || threads < 1 || fetch < 1) {
                throw new IllegalArgumentException("messages, domains, threads and fetch must be positive");
            }
            if (!List.of("sql", "java", "bulk", "none").contains(counters)) {
                throw new IllegalArgumentException("--counters must be sql, java, bulk or none: " + counters);
            }
            if (!loadMessages && !List.of("sql", "bulk").contains(counters)) {
                throw new IllegalArgumentException("--load counters needs --counters sql or bulk");
            }
            return new Options(messages, domains, modes, threads, fetch, workMem, db, reuse, keep, h2Dir, counters, out,
                    gzipLevel, slice, buildThreads, pending, loadMessages);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: HistoryScaleHarness postgresql|mariadb|h2 [--messages N] [--domains D]"
                    + " [--modes stream,perdomain,rollup,reports,verify-counters,counters,rollup-time,verify-rollup]"
                    + " [--threads T] [--fetch F]"
                    + " [--work-mem 256MB] [--db NAME] [--reuse] [--keep] [--h2-dir DIR] [--counters sql|java|none]"
                    + " [--out DIR] [--gzip-level 1-9] [--slice day|hour] [--build-threads N] [--pending N]"
                    + " [--load all|counters]");
            System.exit(2);
        }
        ScaleDialect dialect = ScaleDialect.of(args[0]);
        Options options = Options.parse(args);
        new HistoryScaleHarness(dialect, options).run();
    }

    private void run() throws Exception {
        String url = dialect.url(options.db(), options.h2Dir());
        log("%s: %s, %,d messages over %,d policy domains; %s", dialect.label(), url, options.messages(),
                options.domains(), Bench.machine());
        try {
            if (!options.reuse()) {
                Files.createDirectories(options.h2Dir());
                dialect.create(options.db(), options.h2Dir());
                try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(url, dialect.user(), Secret.none()))) {
                    log("schema %s created by the store's migration", store.schemaVersion());
                }
                if (options.loadMessages()) {
                    load(url);
                } else {
                    log("no message rows (--load counters): the report counters only");
                    makeCounters(url);
                }
            } else {
                try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(url, dialect.user(), Secret.none()))) {
                    log("schema %s (migrated by the store if it was older)", store.schemaVersion());
                }
            }
            for (String mode : options.modes()) {
                switch (mode) {
                    case "stream" -> stream(url);
                    case "perdomain" -> perDomain(url);
                    case "rollup" -> rollup(url);
                    case "reports" -> reports(url);
                    case "verify-counters" -> verifyCounters(url);
                    case "counters" -> makeCounters(url); // (again) from the generator, e.g. with another --slice
                    case "rollup-time" -> rollupTime(url);
                    case "verify-rollup" -> verifyRollup(url);
                    case "load" -> { } // load only (with --keep, query later with --reuse)
                    default -> throw new IllegalArgumentException("unknown mode " + mode);
                }
            }
        } finally {
            if (!options.keep()) {
                dialect.drop(options.db(), options.h2Dir());
                log("dropped %s", options.db());
            } else {
                log("kept %s (query it again with --reuse)", options.db());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- load ---

    private Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, dialect.user(), "");
    }

    private void load(String url) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            if (dialect == ScaleDialect.POSTGRESQL) {
                s.execute("SET maintenance_work_mem = '512MB'");
                if (!options.workMem().isEmpty()) {
                    s.execute("SET work_mem = '" + options.workMem() + "'");
                }
            }
            dropIndexes(s);
            long t = System.nanoTime();
            String order = dialect == ScaleDialect.MARIADB ? " ORDER BY 1" : ""; // InnoDB: in clustered (key) order
            int messages = s.executeUpdate("INSERT INTO dmarc_message (message_key, received_at, source_ip, header_from, "
                    + "envelope_from, envelope_to, policy_domain, discovery_mode, policy_role, has_record, pub_p, pub_sp, "
                    + "pub_np, pub_psd, pub_testing, pub_adkim, pub_aspf, pub_fo, pub_rua, pub_ruf, pub_pct, dmarc_result, "
                    + "applied_tag, applied_policy, disposition, action_taken, overrides, spf_domain, spf_scope, "
                    + "spf_result, spf_alignment) " + messageSelect() + order);
            log("dmarc_message: %,d rows in %.1f s", messages, seconds(t));
            t = System.nanoTime();
            int dkim = s.executeUpdate("INSERT INTO dmarc_dkim (message_key, ordinal, dkim_domain, dkim_selector, "
                    + "dkim_result, dkim_alignment) " + dkimSelect() + (dialect == ScaleDialect.MARIADB ? " ORDER BY 1, 2" : ""));
            log("dmarc_dkim: %,d rows (%.2f per message) in %.1f s", dkim, dkim / (double) messages, seconds(t));
            t = System.nanoTime();
            createIndexes(s);
            log("indexes built in %.1f s", seconds(t));
            t = System.nanoTime();
            switch (dialect) {
                case POSTGRESQL -> s.execute("VACUUM ANALYZE");
                case MARIADB -> {
                    s.execute("ANALYZE TABLE dmarc_message");
                    s.execute("ANALYZE TABLE dmarc_dkim");
                }
                case H2 -> s.execute("ANALYZE");
            }
            log("analyzed in %.1f s; %s", seconds(t), size(s));
        }
        switch (options.counters()) {
            case "sql" -> sqlCounters(url);
            case "bulk" -> bulkCounters(url);
            case "java" -> javaCounters(url);
            default -> log("report counters: not made (--counters none)");
        }
    }

    /** The counters from the generator: in SQL ({@code --counters sql}, default) or in Java ({@code bulk}). */
    private void makeCounters(String url) throws SQLException {
        if (options.counters().equals("bulk")) {
            bulkCounters(url);
        } else {
            sqlCounters(url);
        }
    }

    /**
     * The counters computed in this JVM from the generator and inserted in key order ({@link BulkCounters}): for H2, where the SQL grouping of 10 million rows is too slow.
     */
    private void bulkCounters(String url) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.executeUpdate("DELETE FROM dmarc_report_row");
            s.executeUpdate("DELETE FROM dmarc_report_policy");
            BulkCounters.Written w = new BulkCounters(T0, DAY, options.messages(), options.domains(), options.slice())
                    .write(c);
            log("bulk counters: %,d report rows and %,d policy rows (slices of %d s), grouped in Java in %.1f s, "
                    + "inserted in %.1f s; %s", w.rows(), w.policies(), options.slice(), w.groupSeconds(),
                    w.writeSeconds(), size(s));
            if (dialect == ScaleDialect.POSTGRESQL) {
                s.execute("VACUUM ANALYZE dmarc_report_row");
                s.execute("VACUUM ANALYZE dmarc_report_policy");
            } else if (dialect == ScaleDialect.H2) {
                s.execute("ANALYZE");
            }
        }
    }

    // --------------------------------------------------------------------------------------------- counters ---

    /**
     * The report counters the store's write path would have left for the generated messages, made by the database
     * from the generator (no join of the message tables): the same columns, the same DKIM lines in RFC 9990 priority
     * order, the same SHA-256 keys as {@code ReportCounters} computes ({@code verify-counters} compares the two on a
     * small run).
     */
    private void sqlCounters(String url) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            if (dialect == ScaleDialect.POSTGRESQL) {
                s.execute("SET maintenance_work_mem = '512MB'");
                s.execute("SET work_mem = '" + (options.workMem().isEmpty() ? "256MB" : options.workMem()) + "'");
                s.execute("ALTER TABLE dmarc_report_row DROP CONSTRAINT dmarc_report_row_pkey");
                s.execute("ALTER TABLE dmarc_report_policy DROP CONSTRAINT dmarc_report_policy_pkey");
            }
            s.executeUpdate("DELETE FROM dmarc_report_row");
            s.executeUpdate("DELETE FROM dmarc_report_policy");
            long t = System.nanoTime();
            int rows = s.executeUpdate("INSERT INTO dmarc_report_row (period_hour, domain_key, policy_domain, row_key, shard, "
                    + "source_ip, disposition, dkim_aligned, spf_aligned, overrides, header_from, envelope_from, "
                    + "envelope_to, spf_domain, spf_scope, spf_result, dkim_results, messages, slice_seconds) "
                    + counterRowSelect());
            log("dmarc_report_row: %,d rows in %.1f s", rows, seconds(t));
            t = System.nanoTime();
            int policies = s.executeUpdate("INSERT INTO dmarc_report_policy (period_hour, domain_key, policy_domain, "
                    + "shard, seen_at, discovery_mode, pub_p, pub_sp, pub_np, pub_psd, pub_testing, pub_adkim, pub_aspf, pub_fo, "
                    + "pub_rua, pub_ruf, pub_pct, messages, dmarc_pass, slice_seconds) " + counterPolicySelect());
            log("dmarc_report_policy: %,d rows in %.1f s (slices of %d s)", policies, seconds(t), options.slice());
            t = System.nanoTime();
            if (dialect == ScaleDialect.POSTGRESQL) {
                s.execute("ALTER TABLE dmarc_report_row ADD PRIMARY KEY (period_hour, domain_key, row_key, shard)");
                s.execute("ALTER TABLE dmarc_report_policy ADD PRIMARY KEY (period_hour, domain_key, shard)");
                s.execute("VACUUM ANALYZE dmarc_report_row");
                s.execute("VACUUM ANALYZE dmarc_report_policy");
            }
            log("counter keys and statistics in %.1f s; %s", seconds(t), size(s));
        }
    }

    /** One generated message's report-row columns (as the store writes them), from the generator's values. */
    private String counterColumns() {
        ScaleDialect x = dialect;
        String pass = "((k0 = 1 AND k0pass = 1) OR (ef <> 2 AND sr < 8))";
        String pubP = "CASE pol WHEN 0 THEN 'none' WHEN 1 THEN 'quarantine' ELSE 'reject' END";
        String envelopeFrom = "CASE ef WHEN 0 THEN NULL WHEN 1 THEN CONCAT('bounce.', dom) ELSE CONCAT('bounce.esp', "
                + "MOD(d, 50), '.example') END";
        String tab = x.chr(9);
        String k0Line = "CONCAT(CASE WHEN k0pass = 1 THEN 'pass' ELSE 'fail' END, " + tab + ", dom, " + tab
                + ", CONCAT('s', MOD(d, 3)))";
        String dkim = "CONCAT_WS(" + x.chr(10) + ", CASE WHEN k0 = 1 AND k0pass = 1 THEN " + k0Line + " END, "
                + "CASE WHEN k1 = 1 THEN CONCAT('pass', " + tab + ", CONCAT('esp', MOD(d, 50), '.example'), " + tab
                + ", 's2024') END, CASE WHEN k0 = 1 AND k0pass = 0 THEN " + k0Line + " END)";
        return "SELECT " + x.idiv(T0 + " + " + x.idiv("g * " + DAY, Long.toString(options.messages())),
                Long.toString(options.slice() * 1000)) + " * " + options.slice() + " AS period_hour, dom AS policy_domain, "
                + "CONCAT('10.', MOD(d, 250), '.', MOD(" + x.idiv("d", "250") + ", 250), '.', MOD(h2, CASE WHEN d < 100 "
                + "THEN 200 WHEN d < 10000 THEN 8 ELSE 2 END)) AS source_ip, "
                + "CASE WHEN " + pass + " AND pol <> 0 THEN 'pass' WHEN " + pass + " THEN 'none' ELSE " + pubP
                + " END AS disposition, "
                + "CASE WHEN k0 = 1 AND k0pass = 1 THEN 'pass' ELSE 'fail' END AS dkim_aligned, "
                + "CASE WHEN ef <> 2 AND sr < 8 THEN 'pass' ELSE 'fail' END AS spf_aligned, "
                + "'' AS overrides, "
                + "CASE WHEN MOD(h3, 10) = 0 THEN CONCAT('mail.', dom) ELSE dom END AS header_from, "
                + envelopeFrom + " AS envelope_from, "
                + "CASE WHEN MOD(" + x.idiv("h3", "200") + ", 7) = 0 THEN 'james.local other.test' ELSE 'james.local' END"
                + " AS envelope_to, "
                + "CASE ef WHEN 0 THEN CONCAT('mx.', dom) ELSE " + envelopeFrom + " END AS spf_domain, "
                + "CASE ef WHEN 0 THEN 'helo' ELSE 'mfrom' END AS spf_scope, "
                + "CASE WHEN sr < 8 THEN 'pass' WHEN sr = 8 THEN 'softfail' ELSE 'fail' END AS spf_result, "
                + dkim + " AS dkim_results, "
                + "CASE WHEN " + pass + " THEN 1 ELSE 0 END AS passed, "
                + T0 + " + " + x.idiv("g * " + DAY, Long.toString(options.messages())) + " AS received_at, "
                + pubP + " AS pub_p "
                + "FROM (" + generator() + ") AS gen";
    }

    private static final String IDENTITY = "source_ip, disposition, dkim_aligned, spf_aligned, overrides, header_from, "
            + "envelope_from, envelope_to, spf_domain, spf_scope, spf_result, dkim_results";

    private String counterRowSelect() {
        ScaleDialect x = dialect;
        String us = x.chr(31);
        StringBuilder fields = new StringBuilder("CONCAT(");
        String[] identity = IDENTITY.split(", ");
        for (int i = 0; i < identity.length; i++) {
            // ReportCounters.Identity.key(): each field ended by US (0x1F), a null as RS US.
            // (CONCAT takes a null for '' on PostgreSQL and MariaDB's CONCAT gives null: a CASE says which it is.)
            fields.append(i == 0 ? "" : ", ").append("CASE WHEN ").append(identity[i]).append(" IS NULL THEN CONCAT(")
                    .append(x.chr(30)).append(", ").append(us).append(") ELSE CONCAT(").append(identity[i]).append(", ")
                    .append(us).append(") END");
        }
        fields.append(")");
        // Shard 0: one writer's counters (as the store's migration 3 writes them).
        return "SELECT period_hour, " + x.sha256Hex32("policy_domain") + ", policy_domain, " + x.sha256Hex32(fields.toString())
                + ", 0, " + IDENTITY + ", messages, " + options.slice() + " FROM (SELECT period_hour, policy_domain, "
                + IDENTITY
                + ", COUNT(*) AS messages FROM (" + counterColumns() + ") AS cc GROUP BY period_hour, policy_domain, "
                + IDENTITY + ") AS grouped";
    }

    private String counterPolicySelect() {
        ScaleDialect x = dialect;
        String nullSmallint = x == ScaleDialect.MARIADB ? "NULL" : "CAST(NULL AS SMALLINT)";
        return "SELECT period_hour, " + x.sha256Hex32("policy_domain") + ", policy_domain, 0, seen_at, 'treewalk', pub_p, "
                + "NULL, NULL, 'u', FALSE, 'r', 'r', '0', CONCAT('mailto:dmarc@', policy_domain), NULL, " + nullSmallint
                + ", messages, dmarc_pass, " + options.slice() + " FROM (SELECT period_hour, policy_domain, MAX(pub_p) AS pub_p, "
                + "MAX(received_at) AS seen_at, COUNT(*) AS messages, SUM(passed) AS dmarc_pass FROM ("
                + counterColumns() + ") AS cc GROUP BY period_hour, policy_domain) AS grouped";
    }

    /**
     * The counters as the store's own code computes them: the migration 3 ({@code ReportCountersBackfill}) run
     * again over the stored messages (its history row deleted, the counters emptied).
     */
    private void javaCounters(String url) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM dmarc_report_row");
            s.executeUpdate("DELETE FROM dmarc_report_policy");
            s.executeUpdate(dialect == ScaleDialect.H2 ? "DELETE FROM \"dmarc_schema_history\" WHERE \"version\" = '3'"
                    : "DELETE FROM dmarc_schema_history WHERE version = '3'");
        }
        long t = System.nanoTime();
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(url, dialect.user(), Secret.none()))) {
            log("report counters by the store's migration 3 (Java) in %.1f s, schema %s", seconds(t),
                    store.schemaVersion());
        }
    }

    /** Makes the counters both ways and compares them row for row: SQL's must equal the store's own. */
    private void verifyCounters(String url) throws SQLException {
        sqlCounters(url);
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE sql_row AS SELECT * FROM dmarc_report_row");
            s.execute("CREATE TABLE sql_policy AS SELECT * FROM dmarc_report_policy");
        }
        javaCounters(url);
        compare(url, "verify-counters");
    }

    private void compare(String url, String mode) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            for (String[] pair : new String[][] {{"sql_row", "dmarc_report_row"}, {"sql_policy", "dmarc_report_policy"}}) {
                long count = scalar(s, "SELECT COUNT(*) FROM " + pair[1]);
                long onlySql = scalar(s, "SELECT COUNT(*) FROM (SELECT * FROM " + pair[0] + " EXCEPT SELECT * FROM "
                        + pair[1] + ") x");
                long onlyJava = scalar(s, "SELECT COUNT(*) FROM (SELECT * FROM " + pair[1] + " EXCEPT SELECT * FROM "
                        + pair[0] + ") x");
                log("%s %s: %,d rows; %d only in the generator's (--counters %s), %d only in the store's: %s", mode,
                        pair[1], count, onlySql, options.counters(),
                        onlyJava, onlySql == 0 && onlyJava == 0 && count > 0 ? "EQUAL" : "DIFFERENT");
                System.out.printf(Locale.ROOT, "RESULT backend=%s mode=%s table=%s rows=%d only_sql=%d "
                        + "only_java=%d%n", dialect.label(), mode, pair[1], count, onlySql, onlyJava);
            }
            s.execute("DROP TABLE sql_row");
            s.execute("DROP TABLE sql_policy");
        }
    }

    /**
     * The roll-up's own time: every stored message marked pending (as the writers leave them), the counters emptied,
     * then {@code ReportRollup.rollUp()} with {@code --slice}, timed.
     */
    private void rollupTime(String url) throws SQLException {
        pendAll(url);
        double load = Bench.load();
        resetPeaks();
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(url, dialect.user(), Secret.none()))) {
            org.jamesdmarc.store.ReportRollup.Result r = new org.jamesdmarc.store.ReportRollup(store,
                    java.time.Duration.ofSeconds(options.slice())).rollUp();
            double s = r.took().toNanos() / 1e9;
            log("rollup-time: %,d messages rolled up (%,d orphans) in %,d chunks, %.1f s = %,.0f messages/s; peak heap %,d MB;"
                    + " load %.2f before, %s after", r.messages(), r.orphans(), r.chunks(), s, r.messages() / s,
                    peakHeapMb(), load, Bench.loadText());
            System.out.printf(Locale.ROOT, "RESULT backend=%s mode=rollup-time messages=%d seconds=%.1f slice=%d "
                    + "peak_heap_mb=%d load=%.2f%n", dialect.label(), r.messages(), s, options.slice(), peakHeapMb(), load);
        }
    }

    /** Empties the counters and marks every stored message pending roll-up. */
    private void pendAll(String url) throws SQLException {
        long t = System.nanoTime();
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM dmarc_report_row");
            s.executeUpdate("DELETE FROM dmarc_report_policy");
            s.executeUpdate("DELETE FROM dmarc_rollup_pending");
            // --pending N: the first N keys only (keys are hashes: a sample spread over the day and the domains).
            long n = s.executeUpdate("INSERT INTO dmarc_rollup_pending (message_key) SELECT message_key FROM dmarc_message"
                    + (options.pending() > 0 ? " ORDER BY message_key LIMIT " + options.pending() : ""));
            if (dialect == ScaleDialect.POSTGRESQL) {
                s.execute("VACUUM ANALYZE dmarc_rollup_pending");
                s.execute("VACUUM ANALYZE dmarc_report_row");
                s.execute("VACUUM ANALYZE dmarc_report_policy");
            }
            log("%,d messages marked pending in %.1f s", n, seconds(t));
        }
    }

    /** The counters made by SQL from the generator and by the roll-up from the stored messages, row for row. */
    private void verifyRollup(String url) throws SQLException {
        makeCounters(url);
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE sql_row AS SELECT * FROM dmarc_report_row");
            s.execute("CREATE TABLE sql_policy AS SELECT * FROM dmarc_report_policy");
        }
        rollupTime(url);
        compare(url, "verify-rollup");
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---------------------------------------------------------------------------------------------- reports ---

    /**
     * Every report of the day with the real builder ({@code AggregateReportBuilder.buildAll}, RFC 9990), each gzip'd
     * to {@code --out DIR} or discarded (counted): wall time, reports, records, messages, bytes and peak heap.
     */
    private void reports(String url) throws Exception {
        resetPeaks();
        double load = Bench.load();
        long t = System.nanoTime();
        AtomicLong records = new AtomicLong();
        AtomicLong counted = new AtomicLong();
        AtomicLong xmlBytes = new AtomicLong();
        AtomicLong gzBytes = new AtomicLong();
        long reports;
        org.jamesdmarc.reporting.aggregate.Reporter reporter = new org.jamesdmarc.reporting.aggregate.Reporter(
                "Bench Receiver", "dmarc@mx.bench.example", java.util.Optional.empty(),
                org.jamesdmarc.dns.DomainName.of("mx.bench.example"), "James DMARC HistoryScaleHarness");
        org.jamesdmarc.reporting.aggregate.ReportPeriod day = new org.jamesdmarc.reporting.aggregate.ReportPeriod(
                Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + DAY));
        try (JdbcHistoryStore store = JdbcHistoryStore.open(new StoreConfig(url, dialect.user(), Secret.none(),
                Math.max(4, 2 * options.buildThreads())))) {
            org.jamesdmarc.reporting.aggregate.AggregateReportBuilder builder =
                    new org.jamesdmarc.reporting.aggregate.AggregateReportBuilder(
                            new org.jamesdmarc.store.ReportCounterReader(store), reporter);
            if (options.out() != null) {
                Files.createDirectories(options.out());
            }
            reports = builder.buildAll(day, org.jamesdmarc.reporting.aggregate.ReportFormat.RFC9990,
                    new org.jamesdmarc.reporting.aggregate.AggregateReportBuilder.ReportSink() {
                        @Override
                        public java.io.OutputStream open(org.jamesdmarc.store.ReportPolicy policy,
                                                         org.jamesdmarc.reporting.aggregate.ReportId id)
                                throws java.io.IOException {
                            java.io.OutputStream file = options.out() == null ? java.io.OutputStream.nullOutputStream()
                                    : new java.io.BufferedOutputStream(Files.newOutputStream(options.out().resolve(
                                    org.jamesdmarc.reporting.aggregate.ReportId.fileName(reporter.receiver(),
                                            policy.policyDomain(), day, true))), 65_536);
                            Counting gz = new Counting(file, gzBytes);
                            java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(gz, 65_536) {
                                {
                                    def.setLevel(options.gzipLevel());
                                }
                            };
                            return new Counting(new java.io.BufferedOutputStream(zip, 65_536), xmlBytes);
                        }

                        @Override
                        public void built(org.jamesdmarc.reporting.aggregate.ReportSummary summary) {
                            records.addAndGet(summary.records());
                            counted.addAndGet(summary.messages());
                        }
                    }, options.buildThreads());
        }
        double s = seconds(t);
        log("reports (%d builder thread%s): %.1f s, %,d reports, %,d records, %,d messages counted (%s), XML %,d MB, gzip'd (level %d) %,d MB%s;"
                        + " peak heap %,d MB of max %,d MB; load %.2f before, %s after", options.buildThreads(),
                options.buildThreads() == 1 ? "" : "s", s, reports, records.get(),
                counted.get(), counted.get() == options.messages() ? "all" : "EXPECTED " + options.messages(),
                xmlBytes.get() / 1_048_576, options.gzipLevel(), gzBytes.get() / 1_048_576,
                options.out() == null ? " (discarded)" : " into " + options.out(), peakHeapMb(),
                Runtime.getRuntime().maxMemory() / 1_048_576, load, Bench.loadText());
        System.out.printf(Locale.ROOT, "RESULT backend=%s mode=reports threads=%d messages=%d reports=%d records=%d "
                + "seconds=%.1f peak_heap_mb=%d load=%.2f%n", dialect.label(), options.buildThreads(), counted.get(),
                reports, records.get(), s, peakHeapMb(), load);
    }

    /** Counts the bytes written through it. */
    private static final class Counting extends java.io.FilterOutputStream {
        private final AtomicLong bytes;

        Counting(java.io.OutputStream out, AtomicLong bytes) {
            super(out);
            this.bytes = bytes;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            out.write(b);
            bytes.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
            bytes.addAndGet(len);
        }
    }

    private void dropIndexes(Statement s) throws SQLException {
        switch (dialect) {
            case POSTGRESQL -> {
                s.execute("DROP INDEX dmarc_message_time");
                s.execute("DROP INDEX dmarc_message_policy_time");
                s.execute("ALTER TABLE dmarc_message DROP CONSTRAINT dmarc_message_pkey");
                s.execute("ALTER TABLE dmarc_dkim DROP CONSTRAINT dmarc_dkim_pkey");
            }
            case MARIADB -> {
                s.execute("DROP INDEX dmarc_message_time ON dmarc_message");
                s.execute("DROP INDEX dmarc_message_policy_time ON dmarc_message");
            }
            case H2 -> {
                s.execute("DROP INDEX dmarc_message_time");
                s.execute("DROP INDEX dmarc_message_policy_time");
            }
        }
    }

    /** The store's indexes again (V1__evaluation_history.sql). */
    private void createIndexes(Statement s) throws SQLException {
        if (dialect == ScaleDialect.POSTGRESQL) {
            s.execute("ALTER TABLE dmarc_message ADD PRIMARY KEY (message_key)");
            s.execute("ALTER TABLE dmarc_dkim ADD PRIMARY KEY (message_key, ordinal)");
        }
        s.execute("CREATE INDEX dmarc_message_time ON dmarc_message (received_at)");
        s.execute("CREATE INDEX dmarc_message_policy_time ON dmarc_message (policy_domain, received_at)");
    }

    private String size(Statement s) throws SQLException {
        String sql = switch (dialect) {
            case POSTGRESQL -> "SELECT pg_size_pretty(pg_database_size(current_database()))";
            case MARIADB -> "SELECT CONCAT(ROUND(SUM(data_length + index_length) / 1048576), ' MB') FROM "
                    + "information_schema.tables WHERE table_schema = DATABASE()";
            case H2 -> null;
        };
        if (sql == null) {
            try {
                return "H2 file " + Files.size(options.h2Dir().resolve(options.db() + ".mv.db")) / 1_048_576 + " MB";
            } catch (java.io.IOException e) {
                return "H2 file size unknown";
            }
        }
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return "database size " + rs.getString(1);
        }
    }

    /**
     * The generator: row number {@code g}, four independent-looking 32-bit hashes of it (multiplicative hashing,
     * the same on every database), the policy domain index {@code d} from the first.
     */
    private String generator() {
        ScaleDialect x = dialect;
        String hashes = "SELECT g, MOD(g * 2654435761, 4294967296) AS h1, MOD(g * 2246822519 + 374761393, 4294967296)"
                + " AS h2, MOD(g * 3266489917 + 668265263, 4294967296) AS h3, MOD(g * 668265263 + 2246822519, 4294967296)"
                + " AS h4 FROM " + x.series(options.messages()) + " AS s1";
        String domain = "SELECT g, h2, h3, h4, " + x.toBigint("FLOOR(EXP(" + x.toDouble("h1") + " / 4294967296.0 * LN("
                + options.domains() + ")))") + " - 1 AS d FROM (" + hashes + ") AS s2";
        return "SELECT g, d, CONCAT('d', d, '.example') AS dom, h2, h3, h4, "
                // envelope sender: 0 none (HELO), 1 the domain's own bounce domain, 2 an ESP
                + "CASE WHEN MOD(" + x.idiv("h3", "10") + ", 20) = 1 THEN 0 WHEN MOD(" + x.idiv("h3", "10")
                + ", 20) IN (2, 3, 4, 5) THEN 2 ELSE 1 END AS ef, "
                + "MOD(h4, 10) AS sr, "
                + "CASE WHEN MOD(" + x.idiv("h4", "10") + ", 10) < 9 THEN 1 ELSE 0 END AS k0, "
                + "CASE WHEN MOD(" + x.idiv("h4", "100") + ", 20) <> 0 THEN 1 ELSE 0 END AS k0pass, "
                + "CASE WHEN MOD(" + x.idiv("h4", "2000") + ", 10) < 4 THEN 1 ELSE 0 END AS k1, "
                + "MOD(d, 3) AS pol FROM (" + domain + ") AS s3";
    }

    private String messageSelect() {
        ScaleDialect x = dialect;
        String pass = "((k0 = 1 AND k0pass = 1) OR (ef <> 2 AND sr < 8))";
        String pubP = "CASE pol WHEN 0 THEN 'none' WHEN 1 THEN 'quarantine' ELSE 'reject' END";
        String envelopeFrom = "CASE ef WHEN 0 THEN NULL WHEN 1 THEN CONCAT('bounce.', dom) ELSE CONCAT('bounce.esp', "
                + "MOD(d, 50), '.example') END";
        return "SELECT " + x.hexKey("g") + ", "
                + T0 + " + " + x.idiv("g * " + DAY, Long.toString(options.messages())) + ", "
                + "CONCAT('10.', MOD(d, 250), '.', MOD(" + x.idiv("d", "250") + ", 250), '.', MOD(h2, CASE WHEN d < 100 "
                + "THEN 200 WHEN d < 10000 THEN 8 ELSE 2 END)), "
                + "CASE WHEN MOD(h3, 10) = 0 THEN CONCAT('mail.', dom) ELSE dom END, "
                + envelopeFrom + ", "
                + "CASE WHEN MOD(" + x.idiv("h3", "200") + ", 7) = 0 THEN 'james.local other.test' ELSE 'james.local' END, "
                + "dom, 'treewalk', 'author', TRUE, " + pubP + ", NULL, NULL, 'u', FALSE, 'r', 'r', '0', "
                + "CONCAT('mailto:dmarc@', dom), NULL, " + (x == ScaleDialect.MARIADB ? "NULL" : "CAST(NULL AS SMALLINT)") + ", "
                + "CASE WHEN " + pass + " THEN 'pass' ELSE 'fail' END, 'p', " + pubP + ", "
                + "CASE WHEN " + pass + " THEN 'none' ELSE " + pubP + " END, "
                + "CASE WHEN " + pass + " OR pol = 0 THEN 'delivered' WHEN pol = 1 THEN 'quarantined' ELSE 'rejected' END, "
                + "'', "
                + "CASE ef WHEN 0 THEN CONCAT('mx.', dom) ELSE " + envelopeFrom + " END, "
                + "CASE ef WHEN 0 THEN 'helo' ELSE 'mfrom' END, "
                + "CASE WHEN sr < 8 THEN 'pass' WHEN sr = 8 THEN 'softfail' ELSE 'fail' END, "
                + "CASE WHEN ef = 2 THEN 'not_aligned' ELSE 'aligned' END "
                + "FROM (" + generator() + ") AS gen";
    }

    private String dkimSelect() {
        ScaleDialect x = dialect;
        return "SELECT " + x.hexKey("g") + ", 0, dom, CONCAT('s', MOD(d, 3)), CASE WHEN k0pass = 1 THEN 'pass' ELSE "
                + "'fail' END, 'aligned' FROM (" + generator() + ") AS gen0 WHERE k0 = 1 "
                + "UNION ALL SELECT " + x.hexKey("g") + ", k0, CONCAT('esp', MOD(d, 50), '.example'), 's2024', 'pass', "
                + "'not_aligned' FROM (" + generator() + ") AS gen1 WHERE k1 = 1";
    }

    // ------------------------------------------------------------------------------------------------ query ---

    private String dkimText() {
        return "CONCAT(COALESCE(dkim_domain, ''), '/', dkim_selector, '/', dkim_result, '/', dkim_alignment)";
    }

    private void session(Connection c) throws SQLException {
        if (dialect == ScaleDialect.POSTGRESQL && !options.workMem().isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET work_mem = '" + options.workMem() + "'");
            }
        }
    }

    /** One statement for the day, streamed. */
    private void stream(String url) throws SQLException {
        String m = prefixed("m.", GROUP_COLUMNS);
        streamed("stream", url, "SELECT m.policy_domain, " + m + ", k.dkim, COUNT(*) FROM dmarc_message m LEFT JOIN "
                + "(SELECT message_key, " + dialect.listAgg(dkimText(), "ordinal") + " AS dkim FROM dmarc_dkim GROUP BY "
                + "message_key) k ON k.message_key = m.message_key WHERE m.received_at >= ? AND m.received_at < ? "
                + "GROUP BY m.policy_domain, " + m + ", k.dkim ORDER BY m.policy_domain");
    }

    /**
     * What pre-aggregated counters would cost at report time: the day's rows of a table {@code dmarc_report_rollup}
     * ({@code period_start}, {@code policy_domain}, the report row's columns, {@code dkim}, {@code messages};
     * indexed on {@code (period_start, policy_domain)}) that the caller made beforehand (see DEVELOPMENT.md), read
     * in policy domain order like {@code stream}.
     */
    private void rollup(String url) throws SQLException {
        streamed("rollup", url, "SELECT policy_domain, " + GROUP_COLUMNS + ", dkim, messages FROM dmarc_report_rollup "
                + "WHERE period_start >= ? AND period_start < ? ORDER BY policy_domain");
    }

    private void streamed(String mode, String url, String sql) throws SQLException {
        resetPeaks();
        double load = Bench.load();
        long t = System.nanoTime();
        long rows = 0;
        long counted = 0;
        long domains = 0;
        long check = 0;
        try (Connection c = connect(url)) {
            session(c);
            c.setAutoCommit(false); // PgJDBC streams through a cursor only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(options.fetch());
                ps.setLong(1, T0);
                ps.setLong(2, T0 + DAY);
                String last = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String domain = rs.getString(1);
                        if (!domain.equals(last)) {
                            domains++;
                            last = domain;
                        }
                        check += consume(rs, 2);
                        counted += rs.getLong(19);
                        rows++;
                    }
                }
            }
            c.commit();
        }
        report(mode, t, load, rows, counted, domains, check);
    }

    /** The day's domains, then one query per domain on {@code threads} connections. */
    private void perDomain(String url) throws Exception {
        String sql = "SELECT " + GROUP_COLUMNS + ", dkim, COUNT(*) FROM (SELECT " + prefixed("m.", GROUP_COLUMNS)
                + ", (SELECT " + dialect.listAgg(dkimText(), "ordinal") + " FROM dmarc_dkim k WHERE k.message_key = "
                + "m.message_key) AS dkim FROM dmarc_message m WHERE m.policy_domain = ? AND m.received_at >= ? AND "
                + "m.received_at < ?) x GROUP BY " + GROUP_COLUMNS + ", dkim";
        resetPeaks();
        double load = Bench.load();
        long t = System.nanoTime();
        List<String> domains = new ArrayList<>();
        try (Connection c = connect(url)) {
            session(c);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT policy_domain FROM dmarc_message WHERE "
                    + "received_at >= ? AND received_at < ? AND policy_domain IS NOT NULL")) {
                ps.setFetchSize(options.fetch());
                ps.setLong(1, T0);
                ps.setLong(2, T0 + DAY);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        domains.add(rs.getString(1));
                    }
                }
            }
            c.commit();
        }
        log("perdomain: %,d domains listed in %.1f s", domains.size(), seconds(t));
        AtomicInteger next = new AtomicInteger();
        AtomicLong rows = new AtomicLong();
        AtomicLong counted = new AtomicLong();
        AtomicLong check = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < options.threads(); i++) {
            Thread thread = new Thread(() -> {
                try (Connection c = connect(url)) {
                    session(c);
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setFetchSize(options.fetch());
                        for (int n = next.getAndIncrement(); n < domains.size(); n = next.getAndIncrement()) {
                            ps.setString(1, domains.get(n));
                            ps.setLong(2, T0);
                            ps.setLong(3, T0 + DAY);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    check.addAndGet(consume(rs, 1));
                                    counted.addAndGet(rs.getLong(18));
                                    rows.incrementAndGet();
                                }
                            }
                        }
                    }
                    c.commit();
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "perdomain-" + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        report("perdomain (" + options.threads() + " connections)", t, load, rows.get(), counted.get(), domains.size(),
                check.get());
    }

    /** Reads the 17 string columns from {@code first} on, as a report writer would. */
    private static long consume(ResultSet rs, int first) throws SQLException {
        long h = 0;
        for (int i = first; i < first + 17; i++) {
            String s = rs.getString(i);
            h += s == null ? 1 : s.length();
        }
        return h;
    }

    private void report(String mode, long start, double loadBefore, long rows, long counted, long domains, long check) {
        double s = seconds(start);
        log("%s: %.1f s, %,d report rows for %,d policy domains, %,d messages counted (%s), %,.0f messages/s; "
                        + "peak heap %,d MB of max %,d MB; load %.2f before, %s after (checksum %d)", mode, s, rows, domains,
                counted, counted == options.messages() ? "all" : "EXPECTED " + options.messages(), counted / s,
                peakHeapMb(), Runtime.getRuntime().maxMemory() / 1_048_576, loadBefore, Bench.loadText(), check);
        System.out.printf(Locale.ROOT, "RESULT backend=%s mode=%s messages=%d domains=%d rows=%d seconds=%.1f "
                        + "peak_heap_mb=%d load=%.2f%n", dialect.label(), mode.split(" ")[0], counted, domains, rows, s,
                peakHeapMb(), loadBefore);
    }

    private static String prefixed(String prefix, String columns) {
        return Arrays.stream(columns.split(", ")).map(c -> prefix + c).reduce((a, b) -> a + ", " + b).orElseThrow();
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since {@link #resetPeaks} (an upper bound of the peak heap in use). */
    private static long peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / 1_048_576;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(new java.util.Date(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
