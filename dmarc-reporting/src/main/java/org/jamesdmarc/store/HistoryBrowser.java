package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import org.jamesdmarc.dns.DomainName;

/**
 * Read-only views of the evaluation history for WebAdmin and the dashboard: one page of evaluated messages with
 * filters, and the summary of our own verdicts over time (per UTC day, per policy domain, the top failing sources).
 * The page reads {@code dmarc_message} through its time and (policy domain, time) indexes; the summary reads the
 * report counters ({@code dmarc_report_policy}) for one domain, the history totals ({@code dmarc_report_slice_total},
 * {@code dmarc_report_domain_total}, V12) over every domain, and the failing-source sums ({@code dmarc_report_failing},
 * {@code dmarc_report_failing_source}, V11), which the roll-up keeps (every minute inside James), so it lags the
 * history by the roll-up's interval at most.
 */
public final class HistoryBrowser {

    /** DMARC results a page may be filtered by (the stored keywords of {@code dmarc_result}). */
    public static final List<String> RESULTS = List.of("pass", "fail", "none", "temperror", "permerror");

    private static final long DAY = 86_400;
    private static final SliceTop DOMAINS = new SliceTop("dmarc_report_domain_total", "policy_domain",
            List.of("dmarc_pass"));

    private final JdbcHistoryStore store;

    public HistoryBrowser(JdbcHistoryStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Which messages a page shows.
     *
     * @param domain the messages whose policy domain or Author Domain is this one; empty: all
     * @param result one of {@link #RESULTS}; empty: all
     * @param since  evaluated at or after; empty: from the start
     * @param until  evaluated before (exclusive); empty: up to now
     */
    public record Filter(Optional<DomainName> domain, Optional<String> result, Optional<Instant> since,
                         Optional<Instant> until) {
        public Filter {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(until, "until");
            if (result.isPresent() && !RESULTS.contains(result.get())) {
                throw new IllegalArgumentException("result must be one of " + RESULTS + ": " + result.get());
            }
        }
    }

    /** One evaluated message as the history holds it (its DKIM signatures left out). */
    public record Message(String key, Instant receivedAt, String sourceIp, Optional<String> headerFrom,
                          Optional<String> envelopeFrom, Optional<String> policyDomain, Optional<String> publishedPolicy,
                          String result, String disposition, String action, String overrides,
                          Optional<String> spfDomain, String spfResult, String spfAlignment) {
    }

    /** A page of messages, newest first, and whether more follow. */
    public record Page(List<Message> messages, boolean more) {
        public Page {
            messages = List.copyOf(messages);
        }
    }

    /**
     * The messages matching {@code filter}, newest first (then by key), skipping {@code offset}.
     *
     * @throws IllegalArgumentException for a negative offset or a limit outside 1..10,000
     */
    public Page page(Filter filter, long offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be within 1..10000: " + limit);
        }
        StringBuilder sql = new StringBuilder("SELECT message_key, received_at, source_ip, header_from, envelope_from, "
                + "policy_domain, pub_p, dmarc_result, disposition, action_taken, overrides, spf_domain, spf_result, "
                + "spf_alignment FROM dmarc_message WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter.domain().ifPresent(d -> {
            sql.append(" AND (policy_domain = ? OR header_from = ?)");
            args.add(d.name());
            args.add(d.name());
        });
        filter.result().ifPresent(r -> {
            sql.append(" AND dmarc_result = ?");
            args.add(r);
        });
        filter.since().ifPresent(s -> {
            sql.append(" AND received_at >= ?");
            args.add(s.toEpochMilli());
        });
        filter.until().ifPresent(u -> {
            sql.append(" AND received_at < ?");
            args.add(u.toEpochMilli());
        });
        sql.append(" ORDER BY received_at DESC, message_key DESC LIMIT ").append(limit + 1)
                .append(" OFFSET ").append(offset);
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, args);
            List<Message> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Message(rs.getString(1).strip(), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            Optional.ofNullable(rs.getString(4)), Optional.ofNullable(rs.getString(5)),
                            Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)),
                            rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                            Optional.ofNullable(rs.getString(12)), rs.getString(13), rs.getString(14)));
                }
            }
            boolean more = out.size() > limit;
            return new Page(more ? out.subList(0, limit) : out, more);
        } catch (SQLException e) {
            throw DatabaseErrors.failed("reading a page of the history", store.config(), e);
        }
    }

    /** One UTC day of a summary: messages counted and how many of them passed DMARC. */
    public record Day(Instant day, long messages, long pass) {
    }

    /** One policy domain of a summary. */
    public record DomainTotal(String policyDomain, long messages, long pass) {
    }

    /**
     * A source address whose mail failed DMARC (neither SPF nor DKIM aligned and passing) in the window.
     *
     * @param overrides how many of those messages carried each override reason (e.g. {@code mailing_list})
     */
    public record FailingSource(String sourceIp, long messages, java.util.Map<String, Long> dispositions,
                                java.util.Map<String, Long> overrides) {
    }

    /** Our own verdicts in a window, from the report counters. */
    public record Summary(Instant since, Instant until, long messages, long pass, List<Day> days,
                          List<DomainTotal> domains, List<FailingSource> topFailingSources) {
        public Summary {
            days = List.copyOf(days);
            domains = List.copyOf(domains);
            topFailingSources = List.copyOf(topFailingSources);
        }
    }

    /**
     * Our verdicts on the mail received in [{@code since}, {@code until}) (counter periods that start in it), per UTC
     * day, for the {@code top} biggest policy domains and the {@code top} sources that failed most.
     *
     * @param domain one policy domain; empty: all
     */
    public Summary summary(Optional<DomainName> domain, Instant since, Instant until, int top) {
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("since must be before until");
        }
        if (top < 1 || top > 1000) {
            throw new IllegalArgumentException("top must be within 1..1000: " + top);
        }
        long from = since.getEpochSecond();
        long to = until.getEpochSecond();
        String domainCondition = domain.isPresent() ? " AND domain_key = ?" : "";
        try (Connection c = store.dataSource().getConnection()) {
            TreeMap<Long, long[]> byDay = new TreeMap<>();
            // Over every domain, the slices' totals (V12: one row per slice); for one domain, its counter rows.
            try (PreparedStatement ps = c.prepareStatement(domain.isPresent()
                    ? "SELECT period_hour, SUM(messages), SUM(dmarc_pass) FROM dmarc_report_policy WHERE period_hour >= ? "
                            + "AND period_hour < ?" + domainCondition + " GROUP BY period_hour"
                    : "SELECT period_hour, messages, dmarc_pass FROM dmarc_report_slice_total WHERE period_hour >= ? "
                            + "AND period_hour < ?")) {
                bindWindow(ps, from, to, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long day = Math.floorDiv(rs.getLong(1), DAY) * DAY;
                        long[] sums = byDay.computeIfAbsent(day, d -> new long[2]);
                        sums[0] += rs.getLong(2);
                        sums[1] += rs.getLong(3);
                    }
                }
            }
            List<Day> days = new ArrayList<>();
            long messages = 0;
            long pass = 0;
            for (var e : byDay.entrySet()) {
                days.add(new Day(Instant.ofEpochSecond(e.getKey()), e.getValue()[0], e.getValue()[1]));
                messages += e.getValue()[0];
                pass += e.getValue()[1];
            }
            List<DomainTotal> domains = new ArrayList<>();
            if (domain.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT policy_domain, SUM(messages) AS m, "
                        + "SUM(dmarc_pass) FROM dmarc_report_policy WHERE period_hour >= ? AND period_hour < ?"
                        + domainCondition + " GROUP BY policy_domain ORDER BY m DESC, policy_domain LIMIT " + top)) {
                    bindWindow(ps, from, to, domain);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            domains.add(new DomainTotal(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                        }
                    }
                }
            } else {
                // The top domains from each slice's biggest (V12's per-slice domain totals, SliceTop: exact).
                for (SliceTop.Total t : DOMAINS.top(c, DOMAINS.slices(c, from, to), top)) {
                    domains.add(new DomainTotal(t.key(), t.messages(), t.others().get(0)));
                }
            }
            return new Summary(since, until, messages, pass, days, domains, failingSources(c, from, to, domain, top));
        } catch (SQLException e) {
            throw DatabaseErrors.failed("summarizing the history", store.config(), e);
        }
    }

    // RFC 9989 §4.4: DMARC passes when SPF or DKIM is aligned and passing, so a counter row with both policy-evaluated
    // results 'fail' counts DMARC failures (none, temperror and permerror rows carry 'fail' too: no usable policy).
    // The roll-up keeps those rows' sums per domain and per slice (V11, dmarc_report_failing and _source): one
    // domain's window is one range of dmarc_report_failing; over every domain, FailingSourceTop finds the top from
    // each slice's biggest sources.
    private List<FailingSource> failingSources(Connection c, long from, long to, Optional<DomainName> domain, int top)
            throws SQLException {
        List<String> ips = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        List<Long> slices = List.of();
        if (domain.isPresent()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, SUM(messages) AS m FROM "
                    + "dmarc_report_failing WHERE domain_key = ? AND period_hour >= ? AND period_hour < ? "
                    + "GROUP BY source_ip ORDER BY m DESC, source_ip LIMIT " + top)) {
                ps.setString(1, ReportCounters.domainKey(domain.get().name()));
                ps.setLong(2, from);
                ps.setLong(3, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ips.add(rs.getString(1));
                        totals.add(rs.getLong(2));
                    }
                }
            }
        } else {
            slices = FailingSourceTop.slices(c, from, to);
            for (FailingSourceTop.Total t : FailingSourceTop.top(c, slices, top)) {
                ips.add(t.sourceIp());
                totals.add(t.messages());
            }
        }
        if (ips.isEmpty()) {
            return List.of();
        }
        // One grouped read for every top source (not one read of the window per source).
        java.util.Map<String, java.util.Map<String, Long>> dispositions = new java.util.HashMap<>();
        java.util.Map<String, java.util.Map<String, Long>> overrides = new java.util.HashMap<>();
        String inIps = String.join(", ", java.util.Collections.nCopies(ips.size(), "?"));
        String sql = domain.isPresent()
                ? "SELECT source_ip, disposition, overrides, SUM(messages) FROM dmarc_report_failing WHERE domain_key = ? "
                        + "AND period_hour >= ? AND period_hour < ? AND source_ip IN (" + inIps + ") "
                        + "GROUP BY source_ip, disposition, overrides"
                // the (period_hour, source_ip) index, probed for each slice and source
                : "SELECT source_ip, disposition, overrides, SUM(messages) FROM dmarc_report_failing WHERE period_hour IN ("
                        + String.join(", ", java.util.Collections.nCopies(slices.size(), "?")) + ") AND source_ip IN ("
                        + inIps + ") GROUP BY source_ip, disposition, overrides";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int next = 1;
            if (domain.isPresent()) {
                ps.setString(next++, ReportCounters.domainKey(domain.get().name()));
                ps.setLong(next++, from);
                ps.setLong(next++, to);
            } else {
                for (long slice : slices) {
                    ps.setLong(next++, slice);
                }
            }
            for (String ip : ips) {
                ps.setString(next++, ip);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String ip = rs.getString(1);
                    long n = rs.getLong(4);
                    dispositions.computeIfAbsent(ip, k -> new TreeMap<>()).merge(rs.getString(2), n, Long::sum);
                    for (String o : rs.getString(3).split(",")) {
                        if (!o.isBlank()) {
                            overrides.computeIfAbsent(ip, k -> new TreeMap<>())
                                    .merge(o.strip().toLowerCase(Locale.ROOT), n, Long::sum);
                        }
                    }
                }
            }
        }
        List<FailingSource> out = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            out.add(new FailingSource(ips.get(i), totals.get(i), dispositions.getOrDefault(ips.get(i), new TreeMap<>()),
                    overrides.getOrDefault(ips.get(i), new TreeMap<>())));
        }
        return out;
    }

    private static int bindWindow(PreparedStatement ps, long from, long to, Optional<DomainName> domain)
            throws SQLException {
        ps.setLong(1, from);
        ps.setLong(2, to);
        if (domain.isPresent()) {
            ps.setString(3, ReportCounters.domainKey(domain.get().name()));
            return 4;
        }
        return 3;
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }
}
