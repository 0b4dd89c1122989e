package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.jamesdmarc.policy.PolicyOverride;

/**
 * The inbound roll-up of one report being stored (migration V10): its records' sums per source IP, kept in memory
 * (at most {@link #MAX_SOURCES} sources, then upserted and cleared) and upserted into {@code dmarc_inbound_source},
 * {@code dmarc_inbound_source_org} and {@code dmarc_inbound_day} on the report's own connection, in its transaction:
 * a report that is rolled back adds nothing. A report has one policy domain, one UTC day and one reporter, so a
 * source IP is the whole key. Rows are upserted in key order (two reports of one domain and day lock them in the same
 * order) and sums saturate at 2^63-1.
 */
final class InboundRollup {

    /** Sources kept in memory before an upsert (a report with more sources is upserted in several steps). */
    static final int MAX_SOURCES = 10_000;

    /** The counted columns of {@code dmarc_inbound_source}, in {@link Sums} order; the day table has the first 8. */
    static final List<String> SOURCE_COLUMNS = List.of("messages", "dmarc_pass", "dkim_pass", "spf_pass", "disp_none",
            "disp_pass", "disp_quarantine", "disp_reject", "ovr_forwarded", "ovr_sampled_out", "ovr_trusted_forwarder",
            "ovr_mailing_list", "ovr_local_policy", "ovr_other", "ovr_policy_test_mode");
    static final List<String> DAY_COLUMNS = SOURCE_COLUMNS.subList(0, 8);
    /** The column of each disposition and override type, by name (never by the enums' order). */
    private static final Map<ReportDisposition, Integer> DISPOSITION_COLUMN = new java.util.EnumMap<>(ReportDisposition.class);
    private static final Map<PolicyOverride, Integer> OVERRIDE_COLUMN = new java.util.EnumMap<>(PolicyOverride.class);

    static {
        for (ReportDisposition d : ReportDisposition.values()) {
            DISPOSITION_COLUMN.put(d, column("disp_" + d.keyword()));
        }
        for (PolicyOverride o : PolicyOverride.values()) {
            OVERRIDE_COLUMN.put(o, column("ovr_" + o.reportValue()));
        }
    }

    private final DatabaseKind kind;
    private final String domain;
    private final long day;
    private final String org;
    private final TreeMap<String, long[]> sources = new TreeMap<>();
    private final long[] dayTotals = new long[DAY_COLUMNS.size()];

    InboundRollup(DatabaseKind kind, InboundReport report) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.domain = report.policyDomain();
        this.day = report.dayStart();
        this.org = report.orgName();
    }

    /** Adds a record; true when {@link #MAX_SOURCES} sources are held and {@link #flush} should run. */
    boolean add(InboundRecord r) {
        long[] s = sources.computeIfAbsent(r.sourceIp(), k -> new long[SOURCE_COLUMNS.size()]);
        long n = r.count();
        add(s, dayTotals, 0, n);
        // RFC 9990 §2.1.4: DMARC passes when DKIM or SPF passes after alignment (policy_evaluated).
        if (r.dmarcPass()) {
            add(s, dayTotals, 1, n);
        }
        if (r.dkimPass()) {
            add(s, dayTotals, 2, n);
        }
        if (r.spfPass()) {
            add(s, dayTotals, 3, n);
        }
        add(s, dayTotals, DISPOSITION_COLUMN.get(r.disposition()), n);
        Set<PolicyOverride> types = EnumSet.noneOf(PolicyOverride.class);
        r.reasons().forEach(x -> types.add(x.type()));
        for (PolicyOverride t : types) {
            int i = OVERRIDE_COLUMN.get(t);
            s[i] = saturatedAdd(s[i], n);
        }
        return sources.size() >= MAX_SOURCES;
    }

    /** Upserts the sources held and clears them. */
    void flush(Connection c) throws SQLException {
        if (sources.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(upsert("dmarc_inbound_source",
                List.of("policy_domain", "day_start", "source_ip"), SOURCE_COLUMNS))) {
            for (Map.Entry<String, long[]> e : sources.entrySet()) {
                ps.setString(1, domain);
                ps.setLong(2, day);
                ps.setString(3, e.getKey());
                bindCounts(ps, 4, e.getValue(), SOURCE_COLUMNS.size());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement(upsert("dmarc_inbound_source_org",
                List.of("policy_domain", "day_start", "source_ip", "org_name"), List.of("messages")))) {
            for (Map.Entry<String, long[]> e : sources.entrySet()) {
                ps.setString(1, domain);
                ps.setLong(2, day);
                ps.setString(3, e.getKey());
                ps.setString(4, org);
                ps.setLong(5, e.getValue()[0]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        sources.clear();
    }

    /** Upserts what is left and the report's day totals; the end of the report's records. */
    void finish(Connection c) throws SQLException {
        flush(c);
        try (PreparedStatement ps = c.prepareStatement(upsert("dmarc_inbound_day",
                List.of("policy_domain", "day_start"), DAY_COLUMNS))) {
            ps.setString(1, domain);
            ps.setLong(2, day);
            bindCounts(ps, 3, dayTotals, DAY_COLUMNS.size());
            ps.executeUpdate();
        }
    }

    private static int column(String name) {
        int i = SOURCE_COLUMNS.indexOf(name);
        if (i < 0) {
            throw new IllegalStateException("no roll-up column " + name);
        }
        return i;
    }

    private static void add(long[] source, long[] day, int column, long n) {
        source[column] = saturatedAdd(source[column], n);
        day[column] = saturatedAdd(day[column], n);
    }

    private static void bindCounts(PreparedStatement ps, int from, long[] counts, int n) throws SQLException {
        for (int i = 0; i < n; i++) {
            ps.setLong(from + i, counts[i]);
        }
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** An insert that adds its counts to the row with the same key, saturating at 2^63-1. */
    private String upsert(String table, List<String> keys, List<String> counts) {
        List<String> all = new ArrayList<>(keys);
        all.addAll(counts);
        String columns = String.join(", ", all);
        String marks = String.join(", ", java.util.Collections.nCopies(all.size(), "?"));
        return switch (kind) {
            case POSTGRESQL -> "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ") ON CONFLICT ("
                    + String.join(", ", keys) + ") DO UPDATE SET " + assignments(counts, table + ".", "EXCLUDED.", "");
            case MARIADB -> "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ") ON DUPLICATE KEY UPDATE "
                    + assignments(counts, "", "VALUES(", ")");
            case H2 -> "MERGE INTO " + table + " t USING (VALUES (" + h2Casts(keys, counts) + ")) s (" + columns
                    + ") ON " + String.join(" AND ", keys.stream().map(k -> "t." + k + " = s." + k).toList())
                    + " WHEN MATCHED THEN UPDATE SET " + assignments(counts, "t.", "s.", "")
                    + " WHEN NOT MATCHED THEN INSERT (" + columns + ") VALUES ("
                    + String.join(", ", all.stream().map(a -> "s." + a).toList()) + ")";
        };
    }

    private static String assignments(List<String> counts, String old, String newBefore, String newAfter) {
        List<String> out = new ArrayList<>();
        for (String c : counts) {
            String added = newBefore + c + newAfter;
            out.add(c + " = CASE WHEN " + old + c + " > " + Long.MAX_VALUE + " - " + added + " THEN " + Long.MAX_VALUE
                    + " ELSE " + old + c + " + " + added + " END");
        }
        return String.join(", ", out);
    }

    private static String h2Casts(List<String> keys, List<String> counts) {
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            out.add(switch (k) {
                case "day_start" -> "CAST(? AS BIGINT)";
                case "source_ip" -> "CAST(? AS VARCHAR(45))";
                case "org_name" -> "CAST(? AS VARCHAR(256))";
                default -> "CAST(? AS VARCHAR(253))";
            });
        }
        counts.forEach(c -> out.add("CAST(? AS BIGINT)"));
        return String.join(", ", out);
    }
}
