package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys with the most messages over a window of slices, from a table of per-(slice, key) sums that has an index on
 * {@code (period_hour, messages)}, without summing every key of the window: the failing sources of V11
 * ({@code dmarc_report_failing_source}, {@link FailingSourceTop}) and the policy domains of V12
 * ({@code dmarc_report_domain_total}).
 *
 * <p>Each slice's {@code k} biggest keys come from the {@code (period_hour, messages)} index; their exact totals over
 * the window are then summed. A key in no slice's list has at most the k-th value of each full slice, so at most
 * their sum, the threshold: when the {@code top}-th candidate's total is above it, no other key can be in the top, and
 * the answer is exact (ties by key as in a full {@code GROUP BY ... ORDER BY m DESC, key}). Otherwise {@code k} grows;
 * past {@link #MAX_CANDIDATES} candidates, or {@link #MAX_SLICES} slices, the whole window is grouped.
 *
 * @param table  the per-(slice, key) table
 * @param key    its key column besides {@code period_hour}
 * @param others further columns summed with {@code messages} (e.g. {@code dmarc_pass})
 */
record SliceTop(String table, String key, List<String> others) {

    /** A key, its messages in the window and the sums of {@link #others}, in their order. */
    record Total(String key, long messages, List<Long> others) {
        Total {
            others = List.copyOf(others);
        }
    }

    static final int MAX_SLICES = 800;
    static final int MAX_CANDIDATES = 20_000;
    private static final int IN_CHUNK = 1000;

    SliceTop {
        others = List.copyOf(others);
    }

    /** The slice starts in [{@code from}, {@code to}) that have rows, by index probes (a loose scan). */
    List<Long> slices(Connection c, long from, long to) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(period_hour) FROM " + table
                + " WHERE period_hour >= ? AND period_hour < ?")) {
            long next = from;
            while (out.size() <= MAX_SLICES) {
                ps.setLong(1, next);
                ps.setLong(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    long p = rs.next() ? rs.getLong(1) : 0;
                    if (rs.wasNull() || p < next) {
                        return out;
                    }
                    out.add(p);
                    next = p + 1;
                }
            }
        }
        return out;
    }

    /** The {@code top} keys with the most messages in {@code slices} (from {@link #slices}). */
    List<Total> top(Connection c, List<Long> slices, int top) throws SQLException {
        if (slices.isEmpty()) {
            return List.of();
        }
        if (slices.size() > MAX_SLICES) {
            return grouped(c, slices.get(0), slices.get(slices.size() - 1) + 1, top);
        }
        for (int k = Math.max(4 * top, 40); (long) k * slices.size() <= MAX_CANDIDATES; k *= 4) {
            Set<String> candidates = new LinkedHashSet<>();
            long threshold = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + key + ", messages FROM " + table
                    + " WHERE period_hour = ? ORDER BY messages DESC LIMIT ?")) {
                for (long slice : slices) {
                    ps.setLong(1, slice);
                    ps.setInt(2, k);
                    int rows = 0;
                    long last = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            candidates.add(rs.getString(1));
                            last = rs.getLong(2);
                            rows++;
                        }
                    }
                    if (rows == k) { // a full list: the keys left out have at most its last value there
                        threshold = saturatedAdd(threshold, last);
                    }
                }
            }
            List<Total> totals = totals(c, slices, new ArrayList<>(candidates));
            if (totals.size() < top && threshold == 0) {
                return totals; // every slice listed whole: there are no more keys
            }
            if (totals.size() >= top && (threshold == 0 || totals.get(top - 1).messages() > threshold)) {
                return totals.subList(0, top);
            }
        }
        return grouped(c, slices.get(0), slices.get(slices.size() - 1) + 1, top);
    }

    private String sums() {
        StringBuilder b = new StringBuilder("SUM(messages)");
        others.forEach(o -> b.append(", SUM(").append(o).append(')'));
        return b.toString();
    }

    private Total total(ResultSet rs) throws SQLException {
        List<Long> sums = new ArrayList<>(others.size());
        for (int i = 0; i < others.size(); i++) {
            sums.add(rs.getLong(3 + i));
        }
        return new Total(rs.getString(1), rs.getLong(2), sums);
    }

    /** Exact totals of {@code keys} over {@code slices}, biggest first, then by key. */
    private List<Total> totals(Connection c, List<Long> slices, List<String> keys) throws SQLException {
        Map<String, Total> sums = new LinkedHashMap<>();
        String in = String.join(", ", Collections.nCopies(slices.size(), "?"));
        for (int from = 0; from < keys.size(); from += IN_CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + key + ", " + sums() + " FROM " + table
                    + " WHERE period_hour IN (" + in + ") AND " + key + " IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ") GROUP BY " + key)) {
                int i = 1;
                for (long s : slices) {
                    ps.setLong(i++, s);
                }
                for (String k : chunk) {
                    ps.setString(i++, k);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Total t = total(rs);
                        sums.put(t.key(), t);
                    }
                }
            }
        }
        List<Total> out = new ArrayList<>(sums.values());
        out.sort(Comparator.comparingLong(Total::messages).reversed().thenComparing(Total::key));
        return out;
    }

    /** The plain way: every key of the window grouped. */
    private List<Total> grouped(Connection c, long from, long to, int top) throws SQLException {
        List<Total> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + key + ", " + sums() + " FROM " + table
                + " WHERE period_hour >= ? AND period_hour < ? GROUP BY " + key + " ORDER BY SUM(messages) DESC, "
                + key + " LIMIT " + top)) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(total(rs));
                }
            }
        }
        return out;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
