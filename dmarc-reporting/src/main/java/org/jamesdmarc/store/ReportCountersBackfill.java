package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration 3 (Java): the report counters (V2) of the messages stored before V2, computed by {@link ReportCounters} from
 * the stored rows exactly as the writers of V2-V4 did and the roll-up (V5, {@link ReportRollup}) does for new
 * messages (hourly rows here). It runs inside Flyway's migration, under Flyway's lock: a store of this version opens (and writes) only after it, so no message is counted twice; a node
 * still running the previous version and writing meanwhile leaves its messages uncounted (upgrade every node).
 *
 * <p>Reads the messages in primary-key pages of {@value #PAGE} (each with its signatures), so at most one result set
 * is open at a time on the migration's connection and memory stays bounded, whatever the history's size.
 */
final class ReportCountersBackfill implements JavaMigration {

    static final int PAGE = 5_000;
    /** This migration's version: after the script V2 that creates the counters. */
    static final int VERSION = 3;

    private final DatabaseKind kind;

    ReportCountersBackfill(DatabaseKind kind) {
        this.kind = kind;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion(Integer.toString(VERSION));
    }

    @Override
    public String getDescription() {
        return "count the messages stored before the report counters";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        count(context.getConnection(), kind);
    }

    /** Counts every stored message on {@code c}; returns how many were read. */
    static long count(Connection c, DatabaseKind kind) throws SQLException {
        String after = "";
        long read = 0;
        while (true) {
            List<String> keys = new ArrayList<>(PAGE);
            List<Map<String, Object>> rows = new ArrayList<>(PAGE);
            try (PreparedStatement ps = c.prepareStatement("SELECT message_key, received_at, source_ip, header_from, "
                    + "envelope_from, envelope_to, policy_domain, discovery_mode, has_record, pub_p, pub_sp, pub_np, "
                    + "pub_psd, pub_testing, pub_adkim, pub_aspf, pub_fo, pub_rua, pub_ruf, pub_pct, dmarc_result, "
                    + "applied_policy, disposition, overrides, spf_domain, spf_scope, spf_result, spf_alignment "
                    + "FROM dmarc_message WHERE message_key > ? ORDER BY message_key LIMIT " + PAGE)) {
                ps.setString(1, after);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        Map<String, Object> row = new HashMap<>();
                        for (int i = 1; i <= n; i++) {
                            Object v = rs.getObject(i);
                            row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT),
                                    v instanceof String s ? s.strip() : v);
                        }
                        keys.add((String) row.get("message_key"));
                        rows.add(row);
                    }
                }
            }
            if (keys.isEmpty()) {
                return read;
            }
            Map<String, List<ReportCounters.StoredDkim>> dkim = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT message_key, dkim_domain, dkim_selector, "
                    + "dkim_result, dkim_alignment FROM dmarc_dkim WHERE message_key >= ? AND message_key <= ? "
                    + "ORDER BY message_key, ordinal")) {
                ps.setString(1, keys.get(0));
                ps.setString(2, keys.get(keys.size() - 1));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        dkim.computeIfAbsent(rs.getString(1).strip(), k -> new ArrayList<>()).add(
                                new ReportCounters.StoredDkim(rs.getString(2), rs.getString(3), rs.getString(4),
                                        rs.getString(5)));
                    }
                }
            }
            ReportCounters.Batch batch = new ReportCounters.Batch();
            for (Map<String, Object> row : rows) {
                batch.add(stored(row, dkim.getOrDefault((String) row.get("message_key"), List.of())));
            }
            ReportCounters.upsert(c, kind, batch, (short) 0);
            read += keys.size();
            after = keys.get(keys.size() - 1);
        }
    }

    private static ReportCounters.StoredMessage stored(Map<String, Object> r, List<ReportCounters.StoredDkim> dkim) {
        Object pct = r.get("pub_pct");
        return new ReportCounters.StoredMessage(((Number) r.get("received_at")).longValue(), s(r, "policy_domain"),
                bool(r.get("has_record")), s(r, "source_ip"), s(r, "header_from"), s(r, "envelope_from"),
                s(r, "envelope_to"), s(r, "discovery_mode"), s(r, "pub_p"), s(r, "pub_sp"), s(r, "pub_np"),
                s(r, "pub_psd"), r.get("pub_testing") == null ? null : bool(r.get("pub_testing")), s(r, "pub_adkim"),
                s(r, "pub_aspf"), s(r, "pub_fo"), s(r, "pub_rua"), s(r, "pub_ruf"),
                pct == null ? null : ((Number) pct).shortValue(), s(r, "dmarc_result"), s(r, "applied_policy"),
                s(r, "disposition"), s(r, "overrides"), s(r, "spf_domain"), s(r, "spf_scope"), s(r, "spf_result"),
                s(r, "spf_alignment"), dkim);
    }

    private static String s(Map<String, Object> r, String column) {
        return (String) r.get(column);
    }

    /** A BOOLEAN column: MariaDB's is a TINYINT(1), read as a number or a boolean depending on the driver. */
    private static boolean bool(Object v) {
        return v instanceof Boolean b ? b : ((Number) v).intValue() != 0;
    }
}
