package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The sources that failed DMARC most over a window of slices, over every policy domain, from
 * {@code dmarc_report_failing_source} (V11: per slice and source) without summing every source of the window: a
 * {@link SliceTop} over that table (each slice's biggest sources from its {@code (period_hour, messages)} index, exact
 * totals of the candidates, stop at the threshold; the whole window grouped when it does not stop soon).
 */
final class FailingSourceTop {

    /** A source and its failing messages in the window. */
    record Total(String sourceIp, long messages) {
    }

    static final int MAX_SLICES = SliceTop.MAX_SLICES;
    static final int MAX_CANDIDATES = SliceTop.MAX_CANDIDATES;

    private static final SliceTop SOURCES = new SliceTop("dmarc_report_failing_source", "source_ip", List.of());

    private FailingSourceTop() {
    }

    /** The slice starts in [{@code from}, {@code to}) that have failing sources, by index probes (a loose scan). */
    static List<Long> slices(Connection c, long from, long to) throws SQLException {
        return SOURCES.slices(c, from, to);
    }

    /** The {@code top} sources with the most failing messages in {@code slices} (from {@link #slices}). */
    static List<Total> top(Connection c, List<Long> slices, int top) throws SQLException {
        return SOURCES.top(c, slices, top).stream().map(t -> new Total(t.key(), t.messages())).toList();
    }
}
