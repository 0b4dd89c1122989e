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
                   String db, boolean reuse, boolean keep, Path h2Dir) {

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
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (!db.matches("[a-z][a-z0-9_]{0,40}")) {
                throw new IllegalArgumentException("--db must be a plain lower-case name: " + db);
            }
            if (messages < 1 || domains < 1 || threads < 1 || fetch < 1) {
                throw new IllegalArgumentException("messages, domains, threads and fetch must be positive");
            }
            return new Options(messages, domains, modes, threads, fetch, workMem, db, reuse, keep, h2Dir);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: HistoryScaleHarness postgresql|mariadb|h2 [--messages N] [--domains D]"
                    + " [--modes stream,perdomain] [--threads T] [--fetch F] [--work-mem 256MB] [--db NAME] [--reuse]"
                    + " [--keep] [--h2-dir DIR]");
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
                load(url);
            }
            for (String mode : options.modes()) {
                switch (mode) {
                    case "stream" -> stream(url);
                    case "perdomain" -> perDomain(url);
                    case "rollup" -> rollup(url);
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
