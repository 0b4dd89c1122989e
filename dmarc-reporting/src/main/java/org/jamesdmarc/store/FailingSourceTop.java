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
 * The sources that failed DMARC most over a window of slices, over every policy domain, from
 * {@code dmarc_report_failing_source} (V11: per slice and source) without summing every source of the window.
 *
 * <p>Each slice's {@code k} biggest sources come from the {@code (period_hour, messages)} index; their exact totals
 * over the window are then summed. A source in no slice's list sent at most the k-th value of each full slice, so at
 * most their sum, the threshold: when the {@code top}-th candidate's total is above it, no other source can be in the
 * top, and the answer is exact (ties by address as in a full {@code GROUP BY}). Otherwise {@code k} grows; past
 * {@link #MAX_CANDIDATES} candidates, or {@link #MAX_SLICES} slices, the whole window is grouped.
 */
final class FailingSourceTop {

    /** A source and its failing messages in the window. */
    record Total(String sourceIp, long messages) {
    }

    static final int MAX_SLICES = 800;
    static final int MAX_CANDIDATES = 20_000;
    private static final int IN_CHUNK = 1000;

    private FailingSourceTop() {
    }

    /** The slice starts in [{@code from}, {@code to}) that have failing sources, by index probes (a loose scan). */
    static List<Long> slices(Connection c, long from, long to) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(period_hour) FROM dmarc_report_failing_source "
                + "WHERE period_hour >= ? AND period_hour < ?")) {
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

    /** The {@code top} sources with the most failing messages in {@code slices} (from {@link #slices}). */
    static List<Total> top(Connection c, List<Long> slices, int top) throws SQLException {
        if (slices.isEmpty()) {
            return List.of();
        }
        if (slices.size() > MAX_SLICES) {
            return grouped(c, slices.get(0), slices.get(slices.size() - 1) + 1, top);
        }
        for (int k = Math.max(4 * top, 40); (long) k * slices.size() <= MAX_CANDIDATES; k *= 4) {
            Set<String> candidates = new LinkedHashSet<>();
            long threshold = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, messages FROM "
                    + "dmarc_report_failing_source WHERE period_hour = ? ORDER BY messages DESC LIMIT ?")) {
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
                    if (rows == k) { // a full list: the sources left out sent at most its last value there
                        threshold = saturatedAdd(threshold, last);
                    }
                }
            }
            List<Total> totals = totals(c, slices, new ArrayList<>(candidates));
            if (totals.size() < top && threshold == 0) {
                return totals; // every slice listed whole: there are no more sources
            }
            if (totals.size() >= top && (threshold == 0 || totals.get(top - 1).messages() > threshold)) {
                return totals.subList(0, top);
            }
        }
        return grouped(c, slices.get(0), slices.get(slices.size() - 1) + 1, top);
    }

    /** Exact totals of {@code ips} over {@code slices}, biggest first, then by address. */
    private static List<Total> totals(Connection c, List<Long> slices, List<String> ips) throws SQLException {
        Map<String, Long> sums = new LinkedHashMap<>();
        String in = String.join(", ", Collections.nCopies(slices.size(), "?"));
        for (int from = 0; from < ips.size(); from += IN_CHUNK) {
            List<String> chunk = ips.subList(from, Math.min(ips.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, SUM(messages) FROM "
                    + "dmarc_report_failing_source WHERE period_hour IN (" + in + ") AND source_ip IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ") GROUP BY source_ip")) {
                int i = 1;
                for (long s : slices) {
                    ps.setLong(i++, s);
                }
                for (String ip : chunk) {
                    ps.setString(i++, ip);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sums.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        List<Total> out = new ArrayList<>();
        sums.forEach((ip, n) -> out.add(new Total(ip, n)));
        out.sort(Comparator.comparingLong(Total::messages).reversed().thenComparing(Total::sourceIp));
        return out;
    }

    /** The plain way: every source of the window grouped. */
    private static List<Total> grouped(Connection c, long from, long to, int top) throws SQLException {
        List<Total> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, SUM(messages) AS m FROM "
                + "dmarc_report_failing_source WHERE period_hour >= ? AND period_hour < ? GROUP BY source_ip "
                + "ORDER BY m DESC, source_ip LIMIT " + top)) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Total(rs.getString(1), rs.getLong(2)));
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
