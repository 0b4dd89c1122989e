package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Failure reports in the database (migration V6): their rate limits ({@code dmarc_failure_rate}) and their log
 * ({@code dmarc_failure_report}), shared by every James node on the database and surviving restarts.
 *
 * <p>Sending one report to one destination goes: {@link #begin} (the log row, {@code pending}; false when this
 * message already has a report of this type to this destination: the hook and the mailet, or two nodes, never both
 * send one), {@link #acquire} (one slot of the policy domain's and of the destination's limit, in one transaction:
 * the domain first, then the destination, so concurrent transactions take row locks in one order and cannot
 * deadlock; either limit reached and neither slot is taken), then {@link #finish} with the outcome. A slot taken for a
 * report that then fails is not given back: the limits count attempts, which is what protects the destination.
 *
 * <p>The slot is a conditional upsert that stops at the limit, atomic in each database: PostgreSQL
 * {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE sent < limit}, MariaDB {@code INSERT ... ON DUPLICATE KEY UPDATE
 * sent = IF(sent < limit, sent + 1, sent)} (affected rows 0 when unchanged: the store's connections use
 * {@code useAffectedRows}), H2 {@code MERGE ... WHEN MATCHED AND sent < limit}. Windows are fixed, aligned on the
 * epoch ({@code window_start = now - now mod window}).
 */
public final class FailureReportLog {

    private final JdbcHistoryStore store;

    public FailureReportLog(JdbcHistoryStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The limits: at most {@code perDestination} reports to one address and {@code perDomain} about one policy
     * domain per {@code window}.
     */
    public record RateLimits(int perDestination, int perDomain, Duration window) {
        public RateLimits {
            Objects.requireNonNull(window, "window");
            if (perDestination < 1 || perDomain < 1) {
                throw new IllegalArgumentException("rate limits must be at least 1");
            }
            if (window.toSeconds() < 1) {
                throw new IllegalArgumentException("the rate limit window must be at least one second");
            }
        }

        /** One report per destination and 10 per policy domain per hour. */
        public static RateLimits defaults() {
            return new RateLimits(1, 10, Duration.ofHours(1));
        }
    }

    /** Whether a report may go now. */
    public enum RateDecision {
        ALLOWED,
        /** The policy domain's limit is reached for this window. */
        DOMAIN_LIMITED,
        /** The destination's limit is reached for this window. */
        DESTINATION_LIMITED
    }

    /** What became of one report. */
    public enum Outcome {
        /** Decided, not yet handed off (or the node died before it knew). */
        PENDING,
        /** Handed to the mail system. */
        SENT,
        /** Not sent: a rate limit. */
        RATE_LIMITED,
        /** Not sent: an external destination that did not authorize reports (RFC 9990 §4, RFC 9991 §4). */
        UNAUTHORIZED,
        /** Not sent: it could not be composed or handed off. */
        FAILED;

        /** The column's value. */
        public String code() {
            return Codes.lowerName(this);
        }

        static Outcome of(String code) {
            return Codes.parse(Outcome.class, Outcome::code, code);
        }
    }

    /** One report: the row's key. */
    public record Key(String messageKey, String reportType, String destination) {
        public Key {
            Objects.requireNonNull(messageKey, "messageKey");
            Objects.requireNonNull(reportType, "reportType");
            Objects.requireNonNull(destination, "destination");
            destination = destination.toLowerCase(Locale.ROOT);
        }
    }

    /** One row of the log. */
    public record Entry(Key key, String policyDomain, Outcome outcome, Optional<String> reason, Instant createdAt,
                        Instant updatedAt) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(policyDomain, "policyDomain");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(updatedAt, "updatedAt");
        }
    }

    /**
     * Logs the decision to send {@code key} ({@code pending}); false when it was logged already (the same message's
     * report of this type to this destination: do not send it again).
     */
    public boolean begin(Key key, String policyDomain, Instant now) {
        return transaction(c -> {
            try (PreparedStatement check = c.prepareStatement("SELECT 1 FROM dmarc_failure_report WHERE message_key = ? "
                    + "AND report_type = ? AND destination = ?")) {
                bindKey(check, 1, key);
                try (ResultSet rs = check.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_failure_report (message_key, report_type, "
                    + "destination, policy_domain, outcome, reason, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, 'pending', NULL, ?, ?)")) {
                bindKey(ps, 1, key);
                ps.setString(4, policyDomain.toLowerCase(Locale.ROOT));
                ps.setLong(5, now.getEpochSecond());
                ps.setLong(6, now.getEpochSecond());
                ps.executeUpdate();
                return true;
            }
            // A concurrent begin of the same key makes this insert fail: the retry's SELECT then finds its row.
        }, true);
    }

    /** Records what became of {@code key}. */
    public void finish(Key key, Outcome outcome, Optional<String> reason, Instant now) {
        transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE dmarc_failure_report SET outcome = ?, reason = ?, "
                    + "updated_at = ? WHERE message_key = ? AND report_type = ? AND destination = ?")) {
                ps.setString(1, outcome.code());
                ps.setString(2, reason.map(FailureReportLog::clip).orElse(null));
                ps.setLong(3, now.getEpochSecond());
                bindKey(ps, 4, key);
                ps.executeUpdate();
            }
            return null;
        }, false);
    }

    /** Takes one slot of {@code policyDomain}'s limit and one of {@code destination}'s, or neither. */
    public RateDecision acquire(String policyDomain, String destination, Instant now, RateLimits limits) {
        long window = limits.window().toSeconds();
        long start = now.getEpochSecond() - Math.floorMod(now.getEpochSecond(), window);
        return transaction(c -> {
            if (!slot(c, "domain", policyDomain.toLowerCase(Locale.ROOT), start, limits.perDomain())) {
                c.rollback();
                return RateDecision.DOMAIN_LIMITED;
            }
            if (!slot(c, "destination", destination.toLowerCase(Locale.ROOT), start, limits.perDestination())) {
                c.rollback(); // gives the domain's slot back
                return RateDecision.DESTINATION_LIMITED;
            }
            return RateDecision.ALLOWED;
        }, true);
    }

    /** One more report in ({@code scope}, {@code key}, {@code start}) unless {@code limit} are there already. */
    private boolean slot(Connection c, String scope, String key, long start, int limit) throws SQLException {
        String sql = switch (store.kind()) {
            case POSTGRESQL -> "INSERT INTO dmarc_failure_rate (scope, rate_key, window_start, sent) VALUES (?, ?, ?, 1) "
                    + "ON CONFLICT (scope, rate_key, window_start) DO UPDATE SET sent = dmarc_failure_rate.sent + 1 "
                    + "WHERE dmarc_failure_rate.sent < ?";
            case MARIADB -> "INSERT INTO dmarc_failure_rate (scope, rate_key, window_start, sent) VALUES (?, ?, ?, 1) "
                    + "ON DUPLICATE KEY UPDATE sent = IF(sent < ?, sent + 1, sent)";
            case H2 -> "MERGE INTO dmarc_failure_rate t USING (VALUES (CAST(? AS VARCHAR(12)), CAST(? AS VARCHAR(254)), "
                    + "CAST(? AS BIGINT))) s (scope, rate_key, window_start) ON t.scope = s.scope AND "
                    + "t.rate_key = s.rate_key AND t.window_start = s.window_start "
                    + "WHEN MATCHED AND t.sent < ? THEN UPDATE SET sent = t.sent + 1 "
                    + "WHEN NOT MATCHED THEN INSERT (scope, rate_key, window_start, sent) "
                    + "VALUES (s.scope, s.rate_key, s.window_start, 1)";
        };
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            ps.setLong(3, start);
            ps.setInt(4, limit);
            return ps.executeUpdate() > 0;
        }
    }

    /** The newest {@code limit} log rows, newest first. */
    public List<Entry> recent(int limit) {
        return transaction(c -> {
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT message_key, report_type, destination, policy_domain, "
                    + "outcome, reason, created_at, updated_at FROM dmarc_failure_report "
                    + "ORDER BY created_at DESC, message_key, report_type, destination")) {
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(new Key(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getString(4),
                                Outcome.of(rs.getString(5)), Optional.ofNullable(rs.getString(6)),
                                Instant.ofEpochSecond(rs.getLong(7)), Instant.ofEpochSecond(rs.getLong(8))));
                    }
                }
            }
            return out;
        }, false);
    }

    /** How many reports logged since {@code since} ended in each outcome (outcomes with none are absent). */
    public Map<Outcome, Long> counts(Instant since) {
        return transaction(c -> {
            Map<Outcome, Long> out = new EnumMap<>(Outcome.class);
            try (PreparedStatement ps = c.prepareStatement("SELECT outcome, COUNT(*) FROM dmarc_failure_report "
                    + "WHERE created_at >= ? GROUP BY outcome")) {
                ps.setLong(1, since.getEpochSecond());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(Outcome.of(rs.getString(1)), rs.getLong(2));
                    }
                }
            }
            return out;
        }, false);
    }

    /** Deletes log rows created before {@code cutoff} and rate windows that started before it; rows deleted. */
    public int expireBefore(Instant cutoff) {
        return transaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_failure_report WHERE created_at < ?")) {
                ps.setLong(1, cutoff.getEpochSecond());
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_failure_rate WHERE window_start < ?")) {
                ps.setLong(1, cutoff.getEpochSecond());
                n += ps.executeUpdate();
            }
            return n;
        }, false);
    }

    private static void bindKey(PreparedStatement ps, int from, Key key) throws SQLException {
        ps.setString(from, key.messageKey());
        ps.setString(from + 1, key.reportType());
        ps.setString(from + 2, key.destination());
    }

    private static String clip(String reason) {
        return reason.length() <= 1000 ? reason : reason.substring(0, 997) + "...";
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction; when {@code retryOnConflict}, once more after a lost race
     * ({@link DatabaseErrors#isRace}: a key inserted meanwhile, a deadlock, a serialization failure), where the
     * second try sees what the winner wrote.
     */
    private <T> T transaction(Work<T> work, boolean retryOnConflict) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = store.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback(c);
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (retryOnConflict && attempt == 1 && DatabaseErrors.isRace(e)) {
                    continue;
                }
                throw new StoreException("failure reports: " + DatabaseErrors.firstLine(e), e);
            }
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone
        }
    }
}
