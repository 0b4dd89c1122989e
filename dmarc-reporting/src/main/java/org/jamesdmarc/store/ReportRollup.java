package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jamesdmarc.check.EvaluationRecord;

/**
 * The roll-up (migration V5): folds the messages the writers left pending ({@code dmarc_rollup_pending}) into the
 * report counters, keyed by the start of their report period ({@code slice}: the UTC day by default, or whole hours
 * dividing a day, as {@code report.period}), and deletes their pending keys in the same transaction. The writers
 * store only the messages and their keys (the fast path of issue 9's ingest goal); the counters are computed here by
 * the same code as before ({@link ReportCounters}: the same rows, keys and DKIM lines), a chunk of
 * {@value #CHUNK} messages per transaction.
 *
 * <p>Exactly once: a pending key leaves the table in the transaction that adds its message's counts, so a crash
 * rolls both back; a message that arrives late (a journal replayed after an outage, days later) is just another
 * pending key, counted in its own period by the next roll-up: nothing is keyed by a time watermark, so nothing
 * late is skipped. Two roll-ups (James nodes, the {@code dmarc} command) take turns: each chunk's transaction first
 * locks the one row of {@code dmarc_rollup_state}, and reads the pending keys only after it holds it. A pending key
 * whose message is gone (expired before it was rolled up) is dropped.
 *
 * <p>Runs before a report run plans a period ({@code ReportRun}), and periodically inside James so that the pending
 * table stays small.
 */
public final class ReportRollup {

    /** Messages per transaction: bounded memory and lock time, few statements per message. */
    static final int CHUNK = 5_000;
    /** Keys per {@code IN (...)} list on MariaDB and H2 (PostgreSQL takes one array). */
    private static final int IN_CHUNK = 500;
    private static final String MESSAGE_SELECT = "SELECT message_key, received_at, source_ip, header_from, "
            + "envelope_from, envelope_to, policy_domain, discovery_mode, has_record, pub_p, pub_sp, pub_np, pub_psd, "
            + "pub_testing, pub_adkim, pub_aspf, pub_fo, pub_rua, pub_ruf, pub_pct, dmarc_result, applied_policy, "
            + "disposition, overrides, spf_domain, spf_scope, spf_result, spf_alignment, arc_sealer, arc_instance "
            + "FROM dmarc_message WHERE ";

    private final JdbcHistoryStore store;
    private final long sliceSeconds;

    /**
     * @param slice the report period the counters are keyed by: whole hours dividing a day (RFC 9990 §2.1.1 leaves
     *              the period to the Receiver; ours is {@code report.period}), or whole minutes dividing a day (the
     *              end-to-end tests' short periods)
     */
    public ReportRollup(JdbcHistoryStore store, Duration slice) {
        this.store = Objects.requireNonNull(store, "store");
        Objects.requireNonNull(slice, "slice");
        long s = slice.getSeconds();
        if (slice.getNano() != 0 || s < 60 || s % 60 != 0 || 86_400 % s != 0) {
            throw new IllegalArgumentException("the roll-up's period must be whole minutes dividing a day: " + slice);
        }
        this.sliceSeconds = s;
    }

    /** What one {@link #rollUp} did: messages counted, pending keys dropped without a message, chunks, time. */
    public record Result(long messages, long orphans, long chunks, Duration took) {
    }

    /**
     * Rolls up every pending message, chunk by chunk, until none is left (messages stored meanwhile included, so a
     * call made before building a period includes every message stored before the call).
     *
     * @throws StoreException when the database fails (what was committed stays counted; the rest stays pending)
     */
    public Result rollUp() {
        long start = System.nanoTime();
        long messages = 0;
        long orphans = 0;
        long chunks = 0;
        while (true) {
            Chunk chunk = chunk();
            if (chunk.pending() == 0) {
                return new Result(messages, orphans, chunks, Duration.ofNanos(System.nanoTime() - start));
            }
            chunks++;
            messages += chunk.counted();
            orphans += chunk.pending() - chunk.counted();
        }
    }

    /** How many messages are pending (for inspection and tests). */
    public long pending() {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dmarc_rollup_pending");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw DatabaseErrors.failed("counting the messages pending roll-up", store.config(), e);
        }
    }

    private record Chunk(int pending, int counted) {
    }

    private Chunk chunk() {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                Chunk done = chunk(c);
                c.commit();
                return done;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw DatabaseErrors.failed("rolling up the report counters", store.config(), e);
        }
    }

    private Chunk chunk(Connection c) throws SQLException {
        // One roll-up at a time: the pending keys are read only once this transaction holds the state row.
        try (PreparedStatement ps = c.prepareStatement("SELECT messages FROM dmarc_rollup_state WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("dmarc_rollup_state has no row 1 (migration V5 inserts it)");
            }
        }
        List<String> keys = new ArrayList<>(CHUNK);
        try (PreparedStatement ps = c.prepareStatement("SELECT message_key FROM dmarc_rollup_pending ORDER BY "
                + "message_key LIMIT " + CHUNK)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1).strip());
                }
            }
        }
        if (keys.isEmpty()) {
            return new Chunk(0, 0);
        }
        DatabaseKind kind = store.kind();
        Map<String, ReportCounters.StoredMessage> messages = new HashMap<>();
        Map<String, List<ReportCounters.StoredDkim>> dkim = new HashMap<>();
        for (List<String> part : parts(kind, keys)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT message_key, dkim_domain, dkim_selector, dkim_result, "
                    + "dkim_alignment FROM dmarc_dkim WHERE " + condition(kind, part.size()) + " ORDER BY message_key, "
                    + "ordinal")) {
                bind(c, kind, ps, part);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        dkim.computeIfAbsent(rs.getString(1).strip(), k -> new ArrayList<>()).add(
                                new ReportCounters.StoredDkim(text(rs, 2), text(rs, 3), text(rs, 4), text(rs, 5)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(MESSAGE_SELECT + condition(kind, part.size()))) {
                bind(c, kind, ps, part);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString(1).strip();
                        messages.put(key, stored(rs, dkim.getOrDefault(key, List.of())));
                    }
                }
            }
        }
        ReportCounters.Batch batch = new ReportCounters.Batch(sliceSeconds);
        for (String key : keys) { // key order: the same counters whatever order the database returned rows in
            ReportCounters.StoredMessage m = messages.get(key);
            if (m != null) {
                batch.add(m);
            }
        }
        ReportCounters.upsert(c, kind, batch, (short) 0);
        for (List<String> part : parts(kind, keys)) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_rollup_pending WHERE "
                    + condition(kind, part.size()))) {
                bind(c, kind, ps, part);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE dmarc_rollup_state SET messages = messages + ? "
                + "WHERE id = 1")) {
            ps.setLong(1, messages.size());
            ps.executeUpdate();
        }
        return new Chunk(keys.size(), messages.size());
    }

    /**
     * Marks {@code inserted} (the messages a writing transaction stored) pending roll-up, on that transaction's
     * connection: PostgreSQL by COPY, the others by a batch of inserts.
     */
    static void markPending(Connection c, DatabaseKind kind, List<EvaluationRecord> inserted) throws SQLException {
        if (inserted.isEmpty()) {
            return;
        }
        if (kind == DatabaseKind.POSTGRESQL) {
            PostgresCopy.copy(c, "dmarc_rollup_pending", "message_key", inserted, (out, r) -> out.text(r.key().value()));
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_rollup_pending (message_key) VALUES (?)")) {
            for (EvaluationRecord r : inserted) {
                ps.setString(1, r.key().value());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static List<List<String>> parts(DatabaseKind kind, List<String> keys) {
        if (kind == DatabaseKind.POSTGRESQL) {
            return List.of(keys);
        }
        List<List<String>> parts = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += IN_CHUNK) {
            parts.add(keys.subList(from, Math.min(keys.size(), from + IN_CHUNK)));
        }
        return parts;
    }

    /** PostgreSQL: one array (an index probe per key); the others an IN list. */
    private static String condition(DatabaseKind kind, int n) {
        return kind == DatabaseKind.POSTGRESQL ? "message_key = ANY (?)"
                : "message_key IN (" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
    }

    private static void bind(Connection c, DatabaseKind kind, PreparedStatement ps, List<String> keys)
            throws SQLException {
        if (kind == DatabaseKind.POSTGRESQL) {
            ps.setArray(1, c.createArrayOf("varchar", keys.toArray()));
        } else {
            for (int i = 0; i < keys.size(); i++) {
                ps.setString(i + 1, keys.get(i));
            }
        }
    }

    /** A row of {@link #MESSAGE_SELECT} as the counters read it (texts stripped, as migration 3 reads them). */
    private static ReportCounters.StoredMessage stored(ResultSet rs, List<ReportCounters.StoredDkim> dkim)
            throws SQLException {
        boolean testing = rs.getBoolean(14);
        Boolean pubTesting = rs.wasNull() ? null : testing;
        short pct = rs.getShort(20);
        Short pubPct = rs.wasNull() ? null : pct;
        return new ReportCounters.StoredMessage(rs.getLong(2), text(rs, 7), rs.getBoolean(9), text(rs, 3), text(rs, 4),
                text(rs, 5), text(rs, 6), text(rs, 8), text(rs, 10), text(rs, 11), text(rs, 12), text(rs, 13),
                pubTesting, text(rs, 15), text(rs, 16), text(rs, 17), text(rs, 18), text(rs, 19), pubPct,
                text(rs, 21), text(rs, 22), text(rs, 23), text(rs, 24), text(rs, 25), text(rs, 26), text(rs, 27),
                text(rs, 28), dkim, arcComment(rs));
    }

    /** The override comment of the V9 columns arc_sealer, arc_instance (29, 30); null for none. */
    private static String arcComment(ResultSet rs) throws SQLException {
        short instance = rs.getShort(30);
        Short arcInstance = rs.wasNull() ? null : instance;
        return ReportCounters.arcOverrideComment(text(rs, 29), arcInstance);
    }

    private static String text(ResultSet rs, int column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : s.strip();
    }
}
