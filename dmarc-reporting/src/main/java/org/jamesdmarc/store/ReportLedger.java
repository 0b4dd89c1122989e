package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The report delivery ledger (migration V4, {@code dmarc_report_delivery} and {@code dmarc_report_period}): per
 * (period, policy domain, destination) what became of the report, with the identifiers fixed when it was planned,
 * so that a re-send is identical. The runner records its intent ({@link #claim}: state {@code sending}) before it
 * hands a report to the outbound path and the result after; a row still {@code sending} when a run starts was
 * perhaps handed off just before a crash, and is sent again (the only possible duplicate, with the same file name,
 * Report-ID and Message-ID). Plain JDBC on the store's pool, each call its own transaction.
 */
public final class ReportLedger {

    /** A destination value for a row that concerns the domain as a whole (e.g. no usable destination). */
    public static final String NO_DESTINATION = "-";
    private static final int BATCH = 500;
    private static final String COLUMNS = "period_begin, period_end, policy_domain, destination, state, reason, "
            + "report_id, message_id, file_name, size_limit, report_format, attempts, next_attempt, created_at, "
            + "updated_at";

    private final JdbcHistoryStore store;

    public ReportLedger(JdbcHistoryStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** What became of one report to one destination. */
    public enum State {
        /** Planned, not tried yet. */
        PENDING,
        /** The hand-off has begun (the intent is recorded); found at start-up: perhaps handed off before a crash. */
        SENDING,
        /** The outbound path took it (SMTP: the server accepted the DATA; James: {@code sendMail} returned). */
        HANDED_OFF,
        /**
         * Confirmed delivered after its hand-off: the outbound path reported that the next hop accepted it (James:
         * {@code RemoteDelivery}'s {@code onSuccess} processor, {@code DmarcReportDelivered}).
         */
        DELIVERED,
        /** A temporary failure; tried again at {@code nextAttempt}. */
        DEFERRED,
        /** A permanent failure (5xx, retries exhausted, larger than the destination's limit): never retried. */
        FAILED,
        /** Never sent, by choice (suppression list, external destination not authorized, failing-only domain...). */
        SUPPRESSED;

        /** The column's value. */
        public String code() {
            return Codes.lowerName(this);
        }

        public static State of(String code) {
            return Codes.parse(State.class, State::code, code);
        }
    }

    /** The key of one row. */
    public record Key(long periodBegin, String policyDomain, String destination) {
        public Key {
            Objects.requireNonNull(policyDomain, "policyDomain");
            Objects.requireNonNull(destination, "destination");
        }
    }

    /**
     * One row.
     *
     * @param periodBegin epoch seconds, inclusive
     * @param periodEnd   epoch seconds, exclusive
     * @param sizeLimit   the destination's size limit in bytes ({@code !10m}), when it has one
     * @param format      {@code rfc9990} or {@code rfc7489}
     * @param attempts    hand-offs begun so far
     */
    public record Entry(long periodBegin, long periodEnd, String policyDomain, String destination, State state,
                        Optional<String> reason, String reportId, String messageId, String fileName,
                        OptionalLong sizeLimit, String format, int attempts, Optional<Instant> nextAttempt,
                        Instant createdAt, Instant updatedAt) {
        public Entry {
            Objects.requireNonNull(policyDomain, "policyDomain");
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(reportId, "reportId");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(fileName, "fileName");
            Objects.requireNonNull(sizeLimit, "sizeLimit");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(nextAttempt, "nextAttempt");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(updatedAt, "updatedAt");
        }

        public Key key() {
            return new Key(periodBegin, policyDomain, destination);
        }
    }

    /** Whether the period [{@code begin}, {@code end}) has been planned completely. */
    public boolean planned(long begin, long end) {
        return query("SELECT 1 FROM dmarc_report_period WHERE period_begin = ? AND period_end = ?", ps -> {
            ps.setLong(1, begin);
            ps.setLong(2, end);
        }, rs -> true).size() == 1;
    }

    /** The keys already planned for the period starting at {@code begin} (non-empty after a crash while planning). */
    public Set<Key> keys(long begin) {
        return new HashSet<>(query("SELECT policy_domain, destination FROM dmarc_report_delivery WHERE period_begin = ?",
                ps -> ps.setLong(1, begin), rs -> new Key(begin, rs.getString(1), rs.getString(2))));
    }

    /** Inserts {@code entries} (none may exist yet), in batches. */
    public void insert(List<Entry> entries) {
        for (int from = 0; from < entries.size(); from += BATCH) {
            List<Entry> chunk = entries.subList(from, Math.min(entries.size(), from + BATCH));
            transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_report_delivery (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (Entry e : chunk) {
                        bind(ps, e);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        }
    }

    /** Records that every domain of the period has its rows. */
    public void markPlanned(long begin, long end, long domains, Instant now) {
        update("INSERT INTO dmarc_report_period (period_begin, period_end, domains, planned_at) VALUES (?, ?, ?, ?)",
                ps -> {
                    ps.setLong(1, begin);
                    ps.setLong(2, end);
                    ps.setLong(3, domains);
                    ps.setLong(4, now.getEpochSecond());
                });
    }

    /**
     * The rows to hand off now: {@code pending}, {@code sending} (a crash came between intent and result) and
     * {@code deferred} ones whose next attempt has come; in key order (oldest period first) after {@code after}
     * (keyset paging), optionally of one policy domain only, at most {@code limit}.
     */
    public List<Entry> due(Instant now, Optional<Key> after, Optional<String> policyDomain, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM dmarc_report_delivery WHERE "
                + "(state IN ('pending', 'sending') OR (state = 'deferred' AND next_attempt <= ?))");
        if (policyDomain.isPresent()) {
            sql.append(" AND policy_domain = ?");
        }
        if (after.isPresent()) {
            sql.append(" AND (period_begin > ? OR (period_begin = ? AND (policy_domain > ? OR (policy_domain = ? "
                    + "AND destination > ?))))");
        }
        sql.append(" ORDER BY period_begin, policy_domain, destination");
        return query(sql.toString(), ps -> {
            int i = 1;
            ps.setLong(i++, now.getEpochSecond());
            if (policyDomain.isPresent()) {
                ps.setString(i++, policyDomain.get());
            }
            if (after.isPresent()) {
                Key k = after.get();
                ps.setLong(i++, k.periodBegin());
                ps.setLong(i++, k.periodBegin());
                ps.setString(i++, k.policyDomain());
                ps.setString(i++, k.policyDomain());
                ps.setString(i++, k.destination());
            }
            ps.setMaxRows(limit);
        }, ReportLedger::entry);
    }

    /**
     * Records the intent to hand {@code entry} off (state {@code sending}, one more attempt), if the row is still as
     * read: false when another runner changed it meanwhile (then it is not ours to send).
     */
    public boolean claim(Entry entry, Instant now) {
        return update("UPDATE dmarc_report_delivery SET state = 'sending', attempts = attempts + 1, updated_at = ? "
                + "WHERE period_begin = ? AND policy_domain = ? AND destination = ? AND state = ? AND attempts = ?",
                ps -> {
                    ps.setLong(1, now.getEpochSecond());
                    ps.setLong(2, entry.periodBegin());
                    ps.setString(3, entry.policyDomain());
                    ps.setString(4, entry.destination());
                    ps.setString(5, entry.state().code());
                    ps.setInt(6, entry.attempts());
                }) == 1;
    }

    /** Records what became of a row: its new state, reason and next attempt. */
    public void record(Key key, State state, Optional<String> reason, Optional<Instant> nextAttempt, Instant now) {
        update("UPDATE dmarc_report_delivery SET state = ?, reason = ?, next_attempt = ?, updated_at = ? "
                + "WHERE period_begin = ? AND policy_domain = ? AND destination = ?", ps -> {
                    ps.setString(1, state.code());
                    setText(ps, 2, reason.map(ReportLedger::clip));
                    if (nextAttempt.isPresent()) {
                        ps.setLong(3, nextAttempt.get().getEpochSecond());
                    } else {
                        ps.setNull(3, Types.BIGINT);
                    }
                    ps.setLong(4, now.getEpochSecond());
                    ps.setLong(5, key.periodBegin());
                    ps.setString(6, key.policyDomain());
                    ps.setString(7, key.destination());
                });
    }

    /**
     * Marks the report {@code reportId} to {@code destination} failed after its hand-off (a bounce the outbound path
     * reported later, e.g. James's RemoteDelivery bounce processor).
     *
     * @return whether such a row exists
     */
    public boolean failedAfterHandOff(String reportId, String destination, String reason, Instant now) {
        return update("UPDATE dmarc_report_delivery SET state = 'failed', reason = ?, next_attempt = NULL, "
                + "updated_at = ? WHERE report_id = ? AND destination = ?", ps -> {
                    ps.setString(1, clip(reason));
                    ps.setLong(2, now.getEpochSecond());
                    ps.setString(3, reportId);
                    ps.setString(4, destination);
                }) > 0;
    }

    /**
     * Marks the report {@code reportId} to {@code destination} delivered: the outbound path confirmed, after the
     * hand-off, that the next hop accepted it (James's RemoteDelivery {@code onSuccess} processor). Only a row
     * {@code handed_off} (or already {@code delivered}) changes: a {@code failed} one stays failed, and one a run is
     * sending again ({@code sending}, {@code pending}, {@code deferred}) is the run's.
     *
     * @return whether the row is now {@code delivered}
     */
    public boolean deliveredAfterHandOff(String reportId, String destination, Instant now) {
        return update("UPDATE dmarc_report_delivery SET state = 'delivered', next_attempt = NULL, updated_at = ? "
                + "WHERE report_id = ? AND destination = ? AND state IN ('handed_off', 'delivered')", ps -> {
                    ps.setLong(1, now.getEpochSecond());
                    ps.setString(2, reportId);
                    ps.setString(3, destination);
                }) > 0;
    }

    /** The state of the report {@code reportId} to {@code destination}, if the ledger has it. */
    public Optional<State> stateOf(String reportId, String destination) {
        return query("SELECT state FROM dmarc_report_delivery WHERE report_id = ? AND destination = ?", ps -> {
            ps.setString(1, reportId);
            ps.setString(2, destination);
        }, rs -> State.of(rs.getString(1))).stream().findFirst();
    }

    /** The rows of one report (one per destination, or the domain-wide row), by its Report-ID. */
    public List<Entry> byReportId(String reportId) {
        return query("SELECT " + COLUMNS + " FROM dmarc_report_delivery WHERE report_id = ? "
                + "ORDER BY destination", ps -> ps.setString(1, reportId), ReportLedger::entry);
    }

    /**
     * Sends the report {@code reportId} again (an admin's request, e.g. after the destination lost it): its rows to
     * real destinations ({@code destination}, or all of them) that were handed off, delivered, failed or deferred become
     * {@code pending} again, and the next report run hands them off with the same identifiers. Suppressed rows and
     * the domain-wide row stay as they are: re-sending never overrides a decision not to send.
     *
     * @return how many rows were made pending
     */
    public int resend(String reportId, Optional<String> destination, Instant now) {
        return update("UPDATE dmarc_report_delivery SET state = 'pending', reason = ?, next_attempt = NULL, "
                + "updated_at = ? WHERE report_id = ? AND destination <> '" + NO_DESTINATION + "' AND state IN "
                + "('handed_off', 'delivered', 'failed', 'deferred')"
                + (destination.isPresent() ? " AND destination = ?" : ""),
                ps -> {
                    ps.setString(1, "re-send requested");
                    ps.setLong(2, now.getEpochSecond());
                    ps.setString(3, reportId);
                    if (destination.isPresent()) {
                        ps.setString(4, destination.get());
                    }
                });
    }

    /** Every row (optionally of one state), newest period first, at most {@code limit}. */
    public List<Entry> list(Optional<State> state, int limit) {
        return query("SELECT " + COLUMNS + " FROM dmarc_report_delivery"
                + (state.isPresent() ? " WHERE state = ?" : "")
                + " ORDER BY period_begin DESC, policy_domain, destination", ps -> {
                    if (state.isPresent()) {
                        ps.setString(1, state.get().code());
                    }
                    ps.setMaxRows(limit);
                }, ReportLedger::entry);
    }

    /** One row by its key. */
    public Optional<Entry> find(Key key) {
        return query("SELECT " + COLUMNS + " FROM dmarc_report_delivery WHERE period_begin = ? AND policy_domain = ? "
                + "AND destination = ?", ps -> {
                    ps.setLong(1, key.periodBegin());
                    ps.setString(2, key.policyDomain());
                    ps.setString(3, key.destination());
                }, ReportLedger::entry).stream().findFirst();
    }

    /**
     * Per period (newest first, at most {@code limit}): whether it was planned completely, its domain count, and
     * how many rows are in each state.
     */
    public List<PeriodSummary> periods(int limit) {
        java.util.Map<Long, PeriodSummary> byBegin = new java.util.LinkedHashMap<>();
        for (long[] p : query("SELECT period_begin, period_end, domains FROM dmarc_report_period "
                + "ORDER BY period_begin DESC", ps -> ps.setMaxRows(limit),
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})) {
            byBegin.put(p[0], new PeriodSummary(p[0], p[1], true, OptionalLong.of(p[2]),
                    new java.util.EnumMap<>(State.class)));
        }
        for (Object[] row : query("SELECT period_begin, period_end, state, COUNT(*) FROM dmarc_report_delivery "
                + "GROUP BY period_begin, period_end, state", ps -> { },
                rs -> new Object[] {rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4)})) {
            long begin = (Long) row[0];
            PeriodSummary s = byBegin.computeIfAbsent(begin, b -> new PeriodSummary(b, (Long) row[1], false,
                    OptionalLong.empty(), new java.util.EnumMap<>(State.class)));
            s.counts().merge(State.of((String) row[2]), (Long) row[3], Long::sum);
        }
        return byBegin.values().stream().sorted(java.util.Comparator.comparingLong(PeriodSummary::begin).reversed())
                .limit(limit).toList();
    }

    /**
     * One period of the ledger.
     *
     * @param planned whether every domain of the period has its rows
     * @param domains the domains with data in the period, when planned
     * @param counts  rows per state
     */
    public record PeriodSummary(long begin, long end, boolean planned, OptionalLong domains,
                                java.util.Map<State, Long> counts) {
        public long count(State state) {
            return counts.getOrDefault(state, 0L);
        }
    }

    /**
     * Retention: deletes the rows of every period that ended by {@code cutoff}, at most {@code batchSize} rows per
     * transaction (their keys read first through the primary key's {@code period_begin}, then deleted by key, so a
     * runner working on newer periods meanwhile is never held up), then those periods' planning marks, but the newest
     * one's: a scheduler plans the periods after the newest planned one ({@code ReportRun.periodsToPlan}), which
     * must not move back to a period reported long ago. Idempotent.
     *
     * @return the delivery rows deleted
     */
    public long expireBefore(Instant cutoff, int batchSize) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
        }
        long before = cutoff.getEpochSecond();
        long deleted = 0;
        while (true) {
            List<Key> keys = query("SELECT period_begin, policy_domain, destination FROM dmarc_report_delivery "
                    + "WHERE period_begin < ? AND period_end <= ? ORDER BY period_begin, policy_domain, destination",
                    ps -> {
                        ps.setLong(1, before);
                        ps.setLong(2, before);
                        ps.setMaxRows(batchSize);
                    }, rs -> new Key(rs.getLong(1), rs.getString(2), rs.getString(3)));
            if (keys.isEmpty()) {
                break;
            }
            deleted += transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_report_delivery "
                        + "WHERE period_begin = ? AND policy_domain = ? AND destination = ?")) {
                    for (Key k : keys) {
                        ps.setLong(1, k.periodBegin());
                        ps.setString(2, k.policyDomain());
                        ps.setString(3, k.destination());
                        ps.addBatch();
                    }
                    long n = 0;
                    for (int count : ps.executeBatch()) {
                        // A driver's bulk path may answer SUCCESS_NO_INFO: the row was read just before, count it.
                        n += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
                    }
                    return n;
                }
            });
            if (keys.size() < batchSize) {
                break;
            }
        }
        List<Long> newest = query("SELECT MAX(period_begin) FROM dmarc_report_period", ps -> { },
                rs -> rs.getLong(1));
        if (!newest.isEmpty()) {
            long keep = newest.get(0);
            // Few rows (one per period): one statement. The newest planned period stays whatever its age.
            update("DELETE FROM dmarc_report_period WHERE period_end <= ? AND period_begin < ?", ps -> {
                ps.setLong(1, before);
                ps.setLong(2, keep);
            });
        }
        return deleted;
    }

    private static void bind(PreparedStatement ps, Entry e) throws SQLException {
        ps.setLong(1, e.periodBegin());
        ps.setLong(2, e.periodEnd());
        ps.setString(3, e.policyDomain());
        ps.setString(4, e.destination());
        ps.setString(5, e.state().code());
        setText(ps, 6, e.reason().map(ReportLedger::clip));
        ps.setString(7, e.reportId());
        ps.setString(8, e.messageId());
        ps.setString(9, e.fileName());
        if (e.sizeLimit().isPresent()) {
            ps.setLong(10, e.sizeLimit().getAsLong());
        } else {
            ps.setNull(10, Types.BIGINT);
        }
        ps.setString(11, e.format());
        ps.setInt(12, e.attempts());
        if (e.nextAttempt().isPresent()) {
            ps.setLong(13, e.nextAttempt().get().getEpochSecond());
        } else {
            ps.setNull(13, Types.BIGINT);
        }
        ps.setLong(14, e.createdAt().getEpochSecond());
        ps.setLong(15, e.updatedAt().getEpochSecond());
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        long size = rs.getLong(10);
        OptionalLong sizeLimit = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(size);
        long next = rs.getLong(13);
        Optional<Instant> nextAttempt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(next));
        return new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), State.of(rs.getString(5)),
                Optional.ofNullable(rs.getString(6)), rs.getString(7), rs.getString(8), rs.getString(9), sizeLimit,
                rs.getString(11), rs.getInt(12), nextAttempt, Instant.ofEpochSecond(rs.getLong(14)),
                Instant.ofEpochSecond(rs.getLong(15)));
    }

    private static void setText(PreparedStatement ps, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            ps.setString(index, value.get());
        } else {
            ps.setNull(index, Types.VARCHAR);
        }
    }

    private static String clip(String reason) {
        return reason.length() <= 1000 ? reason : reason.substring(0, 997) + "...";
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        return transaction(c -> {
            List<T> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(mapper.map(rs));
                    }
                }
            }
            return out;
        });
    }

    private int update(String sql, Binder binder) {
        return transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    private <T> T transaction(Work<T> work) {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("the report ledger: " + DatabaseErrors.firstLine(e), e);
        }
    }
}
