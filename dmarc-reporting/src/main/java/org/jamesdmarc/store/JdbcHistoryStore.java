package org.jamesdmarc.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.policy.PsdFlag;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

/**
 * The evaluation history in a relational database (H2, MariaDB/MySQL, PostgreSQL) through a HikariCP pool, its
 * schema kept by {@link HistorySchema}. One row per message in {@code dmarc_message} (primary key: the
 * {@link MessageKey}) and one per DKIM signature in {@code dmarc_dkim}: a report groups messages by source IP,
 * policy and results, which needs the signatures of each message, and a message row stays narrow.
 *
 * <p>Idempotent: a batch first reads which of its keys are stored (a pure replay then writes nothing) and inserts
 * the others in key order, in one transaction. When another writer stored some of them meanwhile (a duplicate
 * key, a deadlock, a lock timeout), the batch runs again with each database's insert-if-absent
 * ({@code ON CONFLICT DO NOTHING}, {@code ON DUPLICATE KEY}, {@code MERGE ... WHEN NOT MATCHED}): a writer racing
 * on the same keys then waits and skips them instead of failing. Plain inserts stay the fast path. The count
 * of new records is exact but for keys a racing writer stored between the read and the insert (then both may
 * count them). The same transaction marks exactly the messages it inserted pending roll-up
 * ({@code dmarc_rollup_pending}); {@link ReportRollup} adds them to the report counters later, off the writers' path.
 */
public final class JdbcHistoryStore implements HistoryStore {

    /**
     * The network timeouts the store gives the drivers and the pool unless the URL sets the driver's own: a database
     * host that stops answering without closing the connection (a firewall dropping packets, a hung server) then
     * fails a write after {@link Timeouts#socket()} instead of stalling the history's writer forever (the drivers'
     * defaults wait for ever). Long enough for any statement the store runs; a URL's {@code socketTimeout} (e.g. for
     * a long migration) wins.
     */
    static final Timeouts DEFAULT_TIMEOUTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(120),
            Duration.ofSeconds(10));
    /** Keys per {@code IN (...)} list: well under every driver's parameter limit. */
    private static final int IN_CHUNK = 500;
    /** Attempts of one batch racing other writers (duplicate keys, deadlocks) before giving up. */
    /**
     * How long a write keeps retrying after losing a race to another writer (a key it was about to store was stored,
     * or is being stored, by another transaction). Each retry means another writer made progress, so this is a
     * budget for a busy database, not for a broken one; it was 8 attempts (about 0.3 s), which a loaded machine with
     * H2's immediate MERGE conflicts exhausted (racingWritersKeepEachMessageOnce flaked).
     */
    private static final long RACE_BUDGET_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private static final String MESSAGE_COLUMNS = "message_key, received_at, source_ip, header_from, envelope_from, "
            + "envelope_to, policy_domain, discovery_mode, policy_role, has_record, pub_p, pub_sp, pub_np, pub_psd, "
            + "pub_testing, pub_adkim, pub_aspf, pub_fo, pub_rua, pub_ruf, pub_pct, dmarc_result, applied_tag, "
            + "applied_policy, disposition, action_taken, overrides, spf_domain, spf_scope, spf_result, spf_alignment, "
            + "arc_sealer, arc_instance";
    /** How many columns {@link #MESSAGE_COLUMNS} names. */
    static final int MESSAGE_COLUMN_COUNT = 33;
    private static final String DKIM_COLUMNS = "message_key, ordinal, dkim_domain, dkim_selector, dkim_result, "
            + "dkim_alignment";
    private final StoreConfig config;
    private final HikariDataSource pool;
    private final String schemaVersion;

    private JdbcHistoryStore(StoreConfig config, HikariDataSource pool, String schemaVersion) {
        this.config = config;
        this.pool = pool;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Connects to the database of {@code config} and migrates its schema to this code's version.
     *
     * @throws StoreException (one line, no password) for an unknown URL scheme, an unreachable database, refused
     *                        credentials, a schema newer than this code
     */
    public static JdbcHistoryStore open(StoreConfig config) {
        return open(config, DEFAULT_TIMEOUTS);
    }

    /** {@link #open(StoreConfig)} with other network timeouts (tests). */
    static JdbcHistoryStore open(StoreConfig config, Timeouts timeouts) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(timeouts, "timeouts");
        DatabaseKind.Resolved resolved = DatabaseKind.resolve(config.url());
        if (resolved.kind() == DatabaseKind.H2) {
            H2Loopback.ensure(); // before H2's classes first read it: an auto-server listens on loopback only
        }
        Properties properties = driverProperties(resolved.kind(), resolved.driverUrl(), timeouts);
        int serverMajorVersion = probe(config, resolved, properties);
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("dmarc-history");
        // Given by name and loaded by the pool: in James the drivers come from the extension class loader.
        hikari.setDriverClassName(resolved.kind().driverClassName());
        hikari.setJdbcUrl(resolved.driverUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password().reveal());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(1, config.poolSize()));
        hikari.setConnectionTimeout(timeouts.pool().toMillis());
        // The pool's liveness check of an idle connection (Connection.isValid) waits no longer than a connection may.
        hikari.setValidationTimeout(Math.min(timeouts.pool().toMillis(), 5_000L));
        hikari.setDataSourceProperties(properties);
        connectionInitSql(resolved.kind(), serverMajorVersion).ifPresent(hikari::setConnectionInitSql);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            throw e.getCause() instanceof SQLException s ? DatabaseErrors.connecting(config, s)
                    : new StoreException("cannot open the database at " + config.redactedUrl() + ": "
                    + DatabaseErrors.firstLine(e), e);
        }
        try {
            if (resolved.kind() == DatabaseKind.H2) {
                h2WriteEachCommit(pool, resolved.driverUrl(), config); // before the migration commits anything
            }
            return new JdbcHistoryStore(config, pool, HistorySchema.migrate(pool, config));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * H2 keeps committed changes in memory for up to its {@code WRITE_DELAY} (500 ms by default) before its store
     * writes them to the file: a process killed in that time ({@code kill -9}, an out-of-memory crash) loses
     * transactions it had committed (measured with H2 2.3.232: 1,000 rows committed, then {@code Runtime.halt}: 0
     * rows after reopening; with {@code WRITE_DELAY=0}: 1,000). The history's journal moves its checkpoint past
     * records once their batch is committed, and the report ledger records each hand-off, so a commit must survive
     * the process: {@code SET WRITE_DELAY 0} (a setting of the database, kept in its file) writes each commit to the
     * file at once (a {@code write()}, which the kernel keeps when the process dies; no fsync). Not done when the URL
     * sets {@code WRITE_DELAY} itself (the operator's choice); a user without H2's admin right cannot set it: then a
     * warning, and the database keeps its delay.
     */
    private static void h2WriteEachCommit(HikariDataSource pool, String driverUrl, StoreConfig config) {
        if (driverUrl.toUpperCase(Locale.ROOT).contains(";WRITE_DELAY=")) {
            return;
        }
        try (Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("SET WRITE_DELAY 0");
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(JdbcHistoryStore.class).warn("{}: SET WRITE_DELAY 0 failed ({}): H2 may "
                    + "lose the last half second of commits if the process is killed", config.redactedUrl(),
                    DatabaseErrors.firstLine(e));
        }
    }

    /**
     * The statement each new pooled connection runs first, if any, on a server of {@code serverMajorVersion}.
     *
     * <p>PostgreSQL: PgJDBC prepares a statement on the server after a few uses, and PostgreSQL may then keep one
     * generic plan for it. Planned while dmarc_message was (nearly) empty, the writers' key lookup ("message_key =
     * ANY (?)") kept a sequential scan as the table grew (EXPLAIN: 57 ms at 200,000 rows, over a second per lookup
     * under load, against 0.6 ms through the primary key): plan each execution with its parameters. The setting
     * {@code plan_cache_mode} exists from PostgreSQL 12 on; an older server refuses it (an unknown parameter), which
     * would fail every connection, so it is left out there (such a server keeps its own plan-cache heuristics).
     */
    static Optional<String> connectionInitSql(DatabaseKind kind, int serverMajorVersion) {
        if (kind == DatabaseKind.POSTGRESQL && serverMajorVersion >= 12) {
            return Optional.of("SET plan_cache_mode = force_custom_plan");
        }
        return Optional.empty();
    }

    /**
     * Network timeouts of the drivers and the pool.
     *
     * @param connect a TCP connection and the login on it (PostgreSQL {@code connectTimeout} and
     *                {@code loginTimeout}, MariaDB {@code connectTimeout})
     * @param socket  the longest wait for the database's answer on an open connection ({@code socketTimeout})
     * @param pool    the longest wait for a connection from the pool (HikariCP {@code connectionTimeout})
     */
    record Timeouts(Duration connect, Duration socket, Duration pool) {
        Timeouts {
            Objects.requireNonNull(connect, "connect");
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(pool, "pool");
        }
    }

    /**
     * Driver settings: bounded connect, login and socket waits ({@link Timeouts}; each only when {@code driverUrl}
     * does not set it), and batched inserts rewritten as multi-row ones.
     */
    static Properties driverProperties(DatabaseKind kind, String driverUrl, Timeouts timeouts) {
        Properties p = new Properties();
        switch (kind) {
            case POSTGRESQL -> {
                // PgJDBC takes seconds; connectTimeout bounds the TCP connect only, loginTimeout the whole login.
                setUnlessInUrl(p, driverUrl, "connectTimeout", seconds(timeouts.connect()));
                setUnlessInUrl(p, driverUrl, "loginTimeout", seconds(timeouts.connect()));
                setUnlessInUrl(p, driverUrl, "socketTimeout", seconds(timeouts.socket()));
                p.setProperty("reWriteBatchedInserts", "true");
            }
            case MARIADB -> {
                // MariaDB Connector/J takes milliseconds; connectTimeout also bounds the handshake.
                setUnlessInUrl(p, driverUrl, "connectTimeout", Long.toString(timeouts.connect().toMillis()));
                setUnlessInUrl(p, driverUrl, "socketTimeout", Long.toString(timeouts.socket().toMillis()));
                // An insert-if-absent (ON DUPLICATE KEY UPDATE of nothing) then counts 0 for a stored key, not 1: the
                // racing write counts exactly the messages it stored.
                p.setProperty("useAffectedRows", "true");
            }
            case H2 -> { }
        }
        return p;
    }

    private static String seconds(Duration d) {
        return Long.toString(Math.max(1, d.toSeconds()));
    }

    /** Sets {@code key} unless the URL's parameters ({@code ?k=v&k=v}, also {@code ;k=v}) already name it. */
    private static void setUnlessInUrl(Properties p, String url, String key, String value) {
        int q = url.indexOf('?');
        if (q >= 0) {
            for (String parameter : url.substring(q + 1).split("[&;]")) {
                int eq = parameter.indexOf('=');
                String name = (eq < 0 ? parameter : parameter.substring(0, eq)).strip();
                if (name.toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT))) {
                    return;
                }
            }
        }
        p.setProperty(key, value);
    }

    /**
     * One connection straight through the driver before the pool starts: the pool would log a stack trace for an
     * operator's mistake (a wrong host or password); this gives one line. Returns the server's major version
     * ({@link java.sql.DatabaseMetaData#getDatabaseMajorVersion()}).
     */
    private static int probe(StoreConfig config, DatabaseKind.Resolved resolved, Properties properties) {
        Driver driver;
        try {
            driver = (Driver) Class.forName(resolved.kind().driverClassName(), true,
                    JdbcHistoryStore.class.getClassLoader()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new StoreException("the JDBC driver " + resolved.kind().driverClassName() + " for "
                    + config.redactedUrl() + " is not on the class path: " + DatabaseErrors.firstLine(e), e);
        }
        Properties withCredentials = new Properties();
        withCredentials.putAll(properties);
        withCredentials.setProperty("user", config.user());
        withCredentials.setProperty("password", config.password().reveal());
        try (Connection c = driver.connect(resolved.driverUrl(), withCredentials)) {
            if (c == null) {
                throw new StoreException("the JDBC driver " + resolved.kind().driverClassName() + " does not accept "
                        + config.redactedUrl());
            }
            return c.getMetaData().getDatabaseMajorVersion();
        } catch (SQLException e) {
            throw DatabaseErrors.connecting(config, e);
        }
    }

    /**
     * The insert; with {@code racing} (another writer stored some of the batch's keys during the first attempt) the
     * one that skips a row whose key is stored, waiting for a writer that is storing it right now: the
     * database's own insert-if-absent, so racing writers (two James nodes, a replay beside live traffic) neither
     * fail nor store a message twice. The first key parameter of H2's {@code MERGE} is the key looked for.
     */
    private static String insertSql(Optional<DatabaseKind> racing, String table, String columns, String keyColumns,
                                    int parameters) {
        String values = "VALUES (" + placeholders(parameters) + ")";
        if (racing.isEmpty()) {
            return "INSERT INTO " + table + " (" + columns + ") " + values;
        }
        return switch (racing.get()) {
            case POSTGRESQL -> "INSERT INTO " + table + " (" + columns + ") " + values + " ON CONFLICT (" + keyColumns
                    + ") DO NOTHING";
            // A no-op update, unlike INSERT IGNORE, which would also hide data errors.
            case MARIADB -> "INSERT INTO " + table + " (" + columns + ") " + values + " ON DUPLICATE KEY UPDATE "
                    + keyColumns.split(",")[0] + " = " + keyColumns.split(",")[0];
            case H2 -> keyColumns.contains(",")
                    ? "MERGE INTO " + table + " t USING (SELECT CAST(? AS VARCHAR(32)) AS message_key, CAST(? AS SMALLINT)"
                    + " AS ordinal) s ON t.message_key = s.message_key AND t.ordinal = s.ordinal WHEN NOT MATCHED THEN"
                    + " INSERT (" + columns + ") " + values
                    : "MERGE INTO " + table + " t USING (SELECT CAST(? AS VARCHAR(32)) AS message_key) s"
                    + " ON t.message_key = s.message_key WHEN NOT MATCHED THEN INSERT (" + columns + ") " + values;
        };
    }

    /** The schema version this store runs on (after migration). */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** The configuration this store was opened with. */
    StoreConfig config() {
        return config;
    }

    /** The pool (the report counters' reader streams from it). */
    javax.sql.DataSource dataSource() {
        return pool;
    }

    /** The database kind of this store. */
    public DatabaseKind kind() {
        return config.kind();
    }

    @Override
    public int write(List<EvaluationRecord> records) {
        if (records.isEmpty()) {
            return 0;
        }
        Map<String, EvaluationRecord> byKey = new LinkedHashMap<>();
        for (EvaluationRecord r : records) {
            byKey.putIfAbsent(r.key().value(), r);
        }
        long raceStart = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    Set<String> stored = storedKeys(c, byKey.keySet());
                    List<EvaluationRecord> fresh = byKey.values().stream()
                            .filter(r -> !stored.contains(r.key().value())).toList();
                    List<EvaluationRecord> inserted = insert(c, fresh, attempt > 1);
                    // Exactly the messages this transaction stored are left for the roll-up to count (issue 10):
                    // their keys only, the counters' upserts are no longer on the writers' path (ReportRollup).
                    ReportRollup.markPending(c, config.kind(), inserted);
                    c.commit();
                    return inserted.size();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                if (DatabaseErrors.isRace(e) && System.nanoTime() - raceStart < RACE_BUDGET_NANOS) {
                    // Another writer stored some of these keys meanwhile, or is storing them in a transaction not
                    // yet committed (H2's MERGE then fails at once instead of waiting): give it time, with jitter
                    // so two writers that failed together do not retry in step, then look again.
                    backOff(attempt);
                    continue;
                }
                throw DatabaseErrors.failed("writing " + byKey.size() + " history records", config, e);
            }
        }
    }

    private static void backOff(int attempt) {
        long millis = java.util.concurrent.ThreadLocalRandom.current().nextLong(5, Math.min(20L * attempt, 200L) + 6);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Set<String> storedKeys(Connection c, Set<String> keys) throws SQLException {
        Set<String> stored = new HashSet<>();
        List<String> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT message_key FROM dmarc_message WHERE "
                    + keyCondition(chunk.size()))) {
                bindKeys(c, ps, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getString(1).strip());
                    }
                }
            }
        }
        return stored;
    }

    /**
     * Inserts the records in key order; returns those this transaction stored: all of them on the first attempt (a
     * key stored meanwhile fails it), on a racing attempt those whose insert-if-absent inserted a row (one statement
     * each, so the count of each is known: the report counters must not count a message another writer stored).
     */
    private List<EvaluationRecord> insert(Connection c, List<EvaluationRecord> unsorted, boolean racing)
            throws SQLException {
        if (unsorted.isEmpty()) {
            return List.of();
        }
        // In key order: two writers then take their row locks in the same order and cannot deadlock.
        List<EvaluationRecord> records = unsorted.stream()
                .sorted(java.util.Comparator.comparing(r -> r.key().value())).toList();
        // Plain inserts first (the fast path; measured faster on all three, on a noisy machine); after a race, the
        // insert-if-absent.
        if (!racing && config.kind() == DatabaseKind.POSTGRESQL) {
            // PostgreSQL's COPY: the rows as one text stream, no per-row parameters to bind and plan (measured
            // about twice the records/s of the rewritten batch inserts). A key stored meanwhile fails the COPY like
            // the insert (a unique violation): the caller retries with ON CONFLICT DO NOTHING.
            PostgresCopy.copy(c, "dmarc_message", MESSAGE_COLUMNS, records, JdbcHistoryStore::writeMessage);
            PostgresCopy.copyDkim(c, "dmarc_dkim", DKIM_COLUMNS, records);
            return records;
        }
        Optional<DatabaseKind> kind = racing ? Optional.of(config.kind()) : Optional.empty();
        boolean merge = kind.isPresent() && kind.get() == DatabaseKind.H2;
        boolean anyDkim = false;
        List<EvaluationRecord> inserted = racing ? new ArrayList<>() : records;
        try (PreparedStatement ps = c.prepareStatement(
                insertSql(kind, "dmarc_message", MESSAGE_COLUMNS, "message_key", MESSAGE_COLUMN_COUNT))) {
            for (EvaluationRecord r : records) {
                int first = 1;
                if (merge) {
                    ps.setString(first++, r.key().value());
                }
                bindMessage(ps, r, first);
                if (racing) {
                    // 1 when inserted, 0 when stored already (MariaDB: useAffectedRows, see driverProperties).
                    if (ps.executeUpdate() > 0) {
                        inserted.add(r);
                        anyDkim |= !r.dkim().isEmpty();
                    }
                } else {
                    ps.addBatch();
                    anyDkim |= !r.dkim().isEmpty();
                }
            }
            if (!racing) {
                ps.executeBatch();
            }
        }
        if (!anyDkim) {
            return inserted;
        }
        // A message already stored has its signatures stored too (same transaction): these inserts skip them.
        try (PreparedStatement ps = c.prepareStatement(
                insertSql(kind, "dmarc_dkim", DKIM_COLUMNS, "message_key, ordinal", 6))) {
            for (EvaluationRecord r : inserted) {
                for (int i = 0; i < r.dkim().size(); i++) {
                    int p = 1;
                    if (merge) {
                        ps.setString(p++, r.key().value());
                        ps.setShort(p++, (short) i);
                    }
                    writeDkim(parameters(ps, p), r, i);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        return inserted;
    }

    /** One row's column values, in column order: a statement's parameters, or a line of PostgreSQL COPY text. */
    interface Columns {
        /** A VARCHAR/CHAR value; {@code null} for SQL NULL. */
        void text(String value) throws SQLException;

        void bigint(long value) throws SQLException;

        /** {@code null} for SQL NULL. */
        void smallint(Short value) throws SQLException;

        /** {@code null} for SQL NULL. */
        void bool(Boolean value) throws SQLException;
    }

    /** The parameters of {@code ps} from {@code first} on. */
    static Columns parameters(PreparedStatement ps, int first) {
        return new Columns() {
            private int i = first;

            @Override
            public void text(String value) throws SQLException {
                if (value == null) {
                    ps.setNull(i++, Types.VARCHAR);
                } else {
                    ps.setString(i++, value);
                }
            }

            @Override
            public void bigint(long value) throws SQLException {
                ps.setLong(i++, value);
            }

            @Override
            public void smallint(Short value) throws SQLException {
                if (value == null) {
                    ps.setNull(i++, Types.SMALLINT);
                } else {
                    ps.setShort(i++, value);
                }
            }

            @Override
            public void bool(Boolean value) throws SQLException {
                if (value == null) {
                    ps.setNull(i++, Types.BOOLEAN);
                } else {
                    ps.setBoolean(i++, value);
                }
            }
        };
    }

    private static void bindMessage(PreparedStatement ps, EvaluationRecord r, int first) throws SQLException {
        writeMessage(parameters(ps, first), r);
    }

    /** The {@code dmarc_message} row of {@code r}, in the order of {@link #MESSAGE_COLUMNS}. */
    static void writeMessage(Columns out, EvaluationRecord r) throws SQLException {
        out.text(r.key().value());
        out.bigint(r.time().toEpochMilli());
        out.text(r.sourceIp().getHostAddress());
        out.text(r.headerFrom().map(DomainName::name).orElse(null));
        out.text(r.envelopeFrom().map(DomainName::name).orElse(null));
        out.text(Text.joinBounded(r.envelopeTo().stream().map(DomainName::name).toList(), " ", 4000));
        out.text(r.policyDomain().map(DomainName::name).orElse(null));
        out.text(Codes.of(r.discoveryMode()));
        out.text(r.policyDomainRole().map(Codes::of).orElse(null));
        Optional<EvaluationRecord.PublishedPolicy> pub = r.published();
        out.bool(pub.isPresent());
        out.text(pub.flatMap(EvaluationRecord.PublishedPolicy::p).map(Codes::of).orElse(null));
        out.text(pub.flatMap(EvaluationRecord.PublishedPolicy::sp).map(Codes::of).orElse(null));
        out.text(pub.flatMap(EvaluationRecord.PublishedPolicy::np).map(Codes::of).orElse(null));
        out.text(pub.map(p -> Codes.of(p.psd())).orElse(null));
        out.bool(pub.map(EvaluationRecord.PublishedPolicy::testing).orElse(null));
        out.text(pub.map(p -> Codes.of(p.adkim())).orElse(null));
        out.text(pub.map(p -> Codes.of(p.aspf())).orElse(null));
        out.text(pub.map(p -> Text.joinBounded(p.fo(), ":", 16)).orElse(null));
        out.text(pub.map(p -> Text.joinBounded(p.rua(), " ", 2000)).orElse(null));
        out.text(pub.map(p -> Text.joinBounded(p.ruf(), " ", 2000)).orElse(null));
        OptionalInt pct = pub.map(EvaluationRecord.PublishedPolicy::pct).orElse(OptionalInt.empty());
        out.smallint(pct.isPresent() ? (short) pct.getAsInt() : null);
        out.text(Codes.of(r.result()));
        out.text(r.appliedPolicy().map(a -> Codes.of(a.tag())).orElse(null));
        out.text(r.appliedPolicy().map(a -> Codes.of(a.policy())).orElse(null));
        out.text(Codes.of(r.disposition()));
        out.text(Codes.of(r.action()));
        out.text(Text.joinBounded(r.overrides().stream().map(Codes::of).toList(), ",", 200));
        out.text(r.spf().domain().map(DomainName::name).orElse(null));
        out.text(Codes.of(r.spf().scope()));
        out.text(Codes.of(r.spf().result()));
        out.text(Codes.of(r.spf().alignment()));
        // V9: the trusted ARC sealer behind an override (RFC 8617 §7.2), for the report's comment.
        out.text(r.arcSealer().map(a -> a.domain().name()).orElse(null));
        out.smallint(r.arcSealer().map(a -> (short) a.instance()).orElse(null));
    }

    /** The {@code dmarc_dkim} row of signature {@code ordinal} of {@code r}, in the order of {@link #DKIM_COLUMNS}. */
    static void writeDkim(Columns out, EvaluationRecord r, int ordinal) throws SQLException {
        EvaluationRecord.Dkim d = r.dkim().get(ordinal);
        out.text(r.key().value());
        out.smallint((short) ordinal);
        out.text(d.domain().map(DomainName::name).orElse(null));
        out.text(Text.clean(d.selector(), 255));
        out.text(Codes.of(d.result()));
        out.text(Codes.of(d.alignment()));
    }

    @Override
    public long count() {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dmarc_message");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw DatabaseErrors.failed("counting history records", config, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each batch is its own transaction: read the keys of the oldest {@code batchSize} messages before the cutoff
     * (through the {@code received_at} index, without locking), then delete their DKIM rows and themselves by
     * primary key. The same portable statements on every database: a key lookup locks only the rows it deletes,
     * so a writer inserting new messages meanwhile never waits for a batch (measured in
     * {@code JdbcHistoryStoreTest.aWriterKeepsWritingWhileALargeHistoryExpires}).
     */
    @Override
    public long expireBefore(Instant cutoff, int batchSize) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
        }
        long before = cutoff.toEpochMilli();
        long deleted = 0;
        while (true) {
            ExpiredBatch batch = expireBatch(before, batchSize);
            deleted += batch.deleted();
            if (batch.found() < batchSize) {
                expireCounters(before);
                return deleted;
            }
        }
    }

    /** The report counters of every hour that ended by {@code before}, an hour per transaction. */
    private void expireCounters(long before) {
        long raceStart = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                ReportCounters.expire(c, before);
                return;
            } catch (SQLException e) {
                if (DatabaseErrors.isRace(e) && System.nanoTime() - raceStart < RACE_BUDGET_NANOS) {
                    backOff(attempt);
                    continue;
                }
                throw DatabaseErrors.failed("expiring report counters", config, e);
            }
        }
    }

    /** One batch of an expiry: how many keys it found before the cutoff, how many messages it deleted. */
    private record ExpiredBatch(int found, int deleted) {
    }

    private ExpiredBatch expireBatch(long before, int batchSize) {
        long raceStart = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    List<String> keys = new ArrayList<>(batchSize);
                    try (PreparedStatement ps = c.prepareStatement("SELECT message_key FROM dmarc_message"
                            + " WHERE received_at < ? ORDER BY received_at LIMIT " + batchSize)) {
                        ps.setLong(1, before);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                keys.add(rs.getString(1).strip());
                            }
                        }
                    }
                    int deleted = 0;
                    for (int from = 0; from < keys.size(); from += IN_CHUNK) {
                        List<String> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
                        // Children first: a reader never sees a message without its signatures.
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_dkim WHERE "
                                + keyCondition(chunk.size()))) {
                            bindKeys(c, ps, chunk);
                            ps.executeUpdate();
                        }
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_message WHERE "
                                + keyCondition(chunk.size()))) {
                            bindKeys(c, ps, chunk);
                            deleted += ps.executeUpdate();
                        }
                        // Not rolled up yet: their period is past retention, its counters go too.
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_rollup_pending WHERE "
                                + keyCondition(chunk.size()))) {
                            bindKeys(c, ps, chunk);
                            ps.executeUpdate();
                        }
                    }
                    c.commit();
                    // Fewer deleted than found: another expiry took some meanwhile; not the end of the history.
                    return new ExpiredBatch(keys.size(), deleted);
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                if (DatabaseErrors.isRace(e) && System.nanoTime() - raceStart < RACE_BUDGET_NANOS) {
                    continue; // a deadlock with another expiry or writer: this batch again
                }
                throw DatabaseErrors.failed("expiring history records", config, e);
            }
        }
    }

    /** The number of messages and policy domains and the time range of the stored history. */
    public HistoryStats stats() {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(DISTINCT policy_domain), "
                     + "MIN(received_at), MAX(received_at) FROM dmarc_message");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long messages = rs.getLong(1);
            long domains = rs.getLong(2);
            long first = rs.getLong(3);
            Optional<Instant> firstAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(first));
            long last = rs.getLong(4);
            Optional<Instant> lastAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last));
            return new HistoryStats(messages, domains, firstAt, lastAt);
        } catch (SQLException e) {
            throw DatabaseErrors.failed("summarizing the history", config, e);
        }
    }

    @Override
    public List<EvaluationRecord> list(HistoryQuery query) {
        StringBuilder sql = new StringBuilder("SELECT ").append(MESSAGE_COLUMNS).append(" FROM dmarc_message WHERE 1 = 1");
        query.domain().ifPresent(d -> sql.append(" AND (policy_domain = ? OR header_from = ?)"));
        query.since().ifPresent(s -> sql.append(" AND received_at >= ?"));
        query.until().ifPresent(u -> sql.append(" AND received_at < ?"));
        sql.append(" ORDER BY received_at, message_key LIMIT ").append(query.limit());
        try (Connection c = pool.getConnection()) {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (query.domain().isPresent()) {
                    ps.setString(i++, query.domain().get().name());
                    ps.setString(i++, query.domain().get().name());
                }
                if (query.since().isPresent()) {
                    ps.setLong(i++, query.since().get().toEpochMilli());
                }
                if (query.until().isPresent()) {
                    ps.setLong(i, query.until().get().toEpochMilli());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(Row.read(rs));
                    }
                }
            }
            Map<String, List<EvaluationRecord.Dkim>> dkim = dkimOf(c, rows.stream().map(Row::key).toList());
            return rows.stream().map(r -> r.toRecord(dkim.getOrDefault(r.key(), List.of()))).toList();
        } catch (SQLException e) {
            throw DatabaseErrors.failed("reading history records", config, e);
        }
    }

    private Map<String, List<EvaluationRecord.Dkim>> dkimOf(Connection c, List<String> keys) throws SQLException {
        Map<String, List<EvaluationRecord.Dkim>> byKey = new HashMap<>();
        for (int from = 0; from < keys.size(); from += IN_CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT message_key, dkim_domain, dkim_selector, dkim_result, "
                    + "dkim_alignment FROM dmarc_dkim WHERE " + keyCondition(chunk.size())
                    + " ORDER BY message_key, ordinal")) {
                bindKeys(c, ps, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byKey.computeIfAbsent(rs.getString(1).strip(), k -> new ArrayList<>()).add(new EvaluationRecord.Dkim(
                                domain(rs.getString(2)), rs.getString(3),
                                Codes.parse(DkimResult.class, Codes::of, rs.getString(4)),
                                Codes.parse(AlignmentStatus.class, Codes::of, rs.getString(5))));
                    }
                }
            }
        }
        return byKey;
    }

    /**
     * A condition on {@code message_key} matching {@code n} keys. PostgreSQL gets one array parameter: with a list
     * of parameters its generic plan compares each row with each parameter in turn (a sequential scan costing
     * rows × keys collated comparisons: replays of 1,000-record batches fell below 500 records/s at 100,000
     * rows), with an array it probes the primary key's index.
     */
    private String keyCondition(int n) {
        return config.kind() == DatabaseKind.POSTGRESQL ? "message_key = ANY (?)"
                : "message_key IN (" + placeholders(n) + ")";
    }

    private void bindKeys(Connection c, PreparedStatement ps, List<String> keys) throws SQLException {
        if (config.kind() == DatabaseKind.POSTGRESQL) {
            ps.setArray(1, c.createArrayOf("varchar", keys.toArray()));
        } else {
            for (int i = 0; i < keys.size(); i++) {
                ps.setString(i + 1, keys.get(i));
            }
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static Optional<DomainName> domain(String text) {
        return text == null ? Optional.empty() : Optional.of(DomainName.of(text));
    }

    private static <E extends Enum<E>> Optional<E> optional(Class<E> type, java.util.function.Function<E, String> code,
                                                            String text) {
        return text == null ? Optional.empty() : Optional.of(Codes.parse(type, code, text));
    }

    /** One {@code dmarc_message} row, read before its signatures. */
    private record Row(String key, EvaluationRecord withoutDkim) {

        static Row read(ResultSet rs) throws SQLException {
            String key = rs.getString("message_key").strip();
            Optional<EvaluationRecord.PublishedPolicy> published = Optional.empty();
            if (rs.getBoolean("has_record")) {
                int pct = rs.getShort("pub_pct");
                OptionalInt pctValue = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(pct);
                published = Optional.of(new EvaluationRecord.PublishedPolicy(
                        optional(Policy.class, Codes::of, rs.getString("pub_p")),
                        optional(Policy.class, Codes::of, rs.getString("pub_sp")),
                        optional(Policy.class, Codes::of, rs.getString("pub_np")),
                        Codes.parse(PsdFlag.class, Codes::of, rs.getString("pub_psd").strip()),
                        rs.getBoolean("pub_testing"),
                        Codes.parse(AlignmentMode.class, Codes::of, rs.getString("pub_adkim").strip()),
                        Codes.parse(AlignmentMode.class, Codes::of, rs.getString("pub_aspf").strip()),
                        Text.split(rs.getString("pub_fo"), ":"),
                        Text.split(rs.getString("pub_rua"), " "),
                        Text.split(rs.getString("pub_ruf"), " "),
                        pctValue));
            }
            String appliedTag = rs.getString("applied_tag");
            Optional<AppliedPolicy> applied = appliedTag == null ? Optional.empty() : Optional.of(new AppliedPolicy(
                    Codes.parse(AppliedPolicyTag.class, Codes::of, appliedTag),
                    Codes.parse(Policy.class, Codes::of, rs.getString("applied_policy"))));
            EvaluationRecord r = new EvaluationRecord(
                    new MessageKey(key),
                    Instant.ofEpochMilli(rs.getLong("received_at")),
                    address(rs.getString("source_ip")),
                    domain(rs.getString("header_from")),
                    domain(rs.getString("envelope_from")),
                    Text.split(rs.getString("envelope_to"), " ").stream().map(DomainName::of).toList(),
                    domain(rs.getString("policy_domain")),
                    Codes.parse(DiscoveryMode.class, Codes::of, rs.getString("discovery_mode")),
                    optional(PolicyDomainRole.class, Codes::of, rs.getString("policy_role")),
                    published,
                    Codes.parse(DmarcResult.class, Codes::of, rs.getString("dmarc_result")),
                    applied,
                    Codes.parse(Disposition.class, Codes::of, rs.getString("disposition")),
                    Codes.parse(ActionTaken.class, Codes::of, rs.getString("action_taken")),
                    Text.split(rs.getString("overrides"), ",").stream()
                            .map(o -> Codes.parse(PolicyOverride.class, Codes::of, o)).toList(),
                    new EvaluationRecord.Spf(domain(rs.getString("spf_domain")),
                            Codes.parse(SpfScope.class, Codes::of, rs.getString("spf_scope")),
                            Codes.parse(SpfResult.class, Codes::of, rs.getString("spf_result")),
                            Codes.parse(AlignmentStatus.class, Codes::of, rs.getString("spf_alignment"))),
                    List.of(),
                    arcSealer(rs.getString("arc_sealer"), rs.getShort("arc_instance")));
            return new Row(key, r);
        }

        EvaluationRecord toRecord(List<EvaluationRecord.Dkim> dkim) {
            EvaluationRecord r = withoutDkim;
            return new EvaluationRecord(r.key(), r.time(), r.sourceIp(), r.headerFrom(), r.envelopeFrom(), r.envelopeTo(),
                    r.policyDomain(), r.discoveryMode(), r.policyDomainRole(), r.published(), r.result(),
                    r.appliedPolicy(), r.disposition(), r.action(), r.overrides(), r.spf(), dkim, r.arcSealer());
        }

        /** The stored ARC sealer (V9 columns); empty for none, or for a stored value that does not validate. */
        private static Optional<EvaluationRecord.ArcSealer> arcSealer(String domain, short instance) {
            if (domain == null || instance < 1 || instance > 50) {
                return Optional.empty();
            }
            return DomainName.parse(domain).map(d -> new EvaluationRecord.ArcSealer(d, instance));
        }

        private static InetAddress address(String literal) throws SQLException {
            try {
                // An IP literal: no DNS query.
                return InetAddress.getByName(literal);
            } catch (UnknownHostException e) {
                throw new SQLException("not an IP address in source_ip: " + literal, e);
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "JdbcHistoryStore[" + config.redactedUrl() + ", schema " + schemaVersion + "]";
    }
}
