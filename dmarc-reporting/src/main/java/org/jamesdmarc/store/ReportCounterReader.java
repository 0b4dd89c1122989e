package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.policy.PsdFlag;

/**
 * Reads the report counters ({@code dmarc_report_row}, {@code dmarc_report_policy}) of a period as streams whose
 * memory does not grow with the number of rows: each hour's rows come in key order (hex keys, the same order under
 * every collation) and are merged here, summing a row's counts over the hours. On PostgreSQL and H2 one cursor per
 * hour reads the primary key's order (no sort in the database); on MariaDB, which streams one result set per
 * connection, one statement ordered by the key does. Fetches {@value #FETCH} rows at a time (PostgreSQL: a cursor,
 * autocommit off; MariaDB: a streaming result set).
 *
 * <p>Each open {@link Cursor} holds one connection of the store's pool until closed.
 */
public final class ReportCounterReader {

    static final int FETCH = 2_000;
    private static final long HOUR = 3600L;
    private static final String ROW_SELECT = "SELECT domain_key, row_key, policy_domain, source_ip, disposition, "
            + "dkim_aligned, spf_aligned, overrides, header_from, envelope_from, envelope_to, spf_domain, spf_scope, "
            + "spf_result, dkim_results, messages, override_comment FROM dmarc_report_row";
    private static final String POLICY_SELECT = "SELECT domain_key, seen_at, policy_domain, discovery_mode, pub_p, "
            + "pub_sp, pub_np, pub_psd, pub_testing, pub_adkim, pub_aspf, pub_fo, pub_rua, pub_ruf, pub_pct, messages, "
            + "dmarc_pass FROM dmarc_report_policy";

    private final JdbcHistoryStore store;

    public ReportCounterReader(JdbcHistoryStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** How many connections the store's pool opens at most (each open {@link Cursor} holds one). */
    public int connections() {
        return store.config().poolSize();
    }

    /**
     * A range of domain keys, {@code from} inclusive, {@code to} exclusive, "" for no bound: hex prefixes, so that
     * several builders can read disjoint parts of a period (each domain in exactly one range).
     */
    public record KeyRange(String from, String to) {
        public static final KeyRange ALL = new KeyRange("", "");

        public KeyRange {
            if (!from.matches("[0-9a-f]{0,32}") || !to.matches("[0-9a-f]{0,32}")) {
                throw new IllegalArgumentException("a key range is bounded by lower-case hex digits: " + from + ", " + to);
            }
        }

        /** {@code n} ranges (1 to 4,096) covering every key, split evenly on the first hex digits. */
        public static List<KeyRange> split(int n) {
            if (n < 1 || n > 4096) {
                throw new IllegalArgumentException("between 1 and 4096 key ranges: " + n);
            }
            List<KeyRange> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new KeyRange(i == 0 ? "" : bound(i, n), i == n - 1 ? "" : bound(i + 1, n)));
            }
            return out;
        }

        private static String bound(int i, int n) {
            return String.format(java.util.Locale.ROOT, "%04x", (int) ((long) i * 65_536 / n));
        }

        /** The SQL condition (keys are hex digits: the literals are safe), starting with AND; "" for all. */
        String condition() {
            return (from.isEmpty() ? "" : " AND domain_key >= '" + from + "'")
                    + (to.isEmpty() ? "" : " AND domain_key < '" + to + "'");
        }
    }

    /** A stream of items in key order; {@link #next} is empty at the end. Holds a connection until closed. */
    public interface Cursor<T> extends AutoCloseable {
        Optional<T> next();

        @Override
        void close();
    }

    /**
     * The policy domains with counters in [{@code begin}, {@code end}) (whole UTC hours, or minutes), each once, with the
     * published policy of the latest message and the period's counts; in an order of their own (a key's order), the
     * same as {@link #rows(Instant, Instant)}'s.
     */
    public Cursor<ReportPolicy> policies(Instant begin, Instant end) {
        return policies(begin, end, KeyRange.ALL);
    }

    /** {@link #policies(Instant, Instant)} of the domains whose keys are in {@code range}. */
    public Cursor<ReportPolicy> policies(Instant begin, Instant end, KeyRange range) {
        List<Long> hours = hours(begin, end);
        String keys = range.condition();
        if (store.kind() == DatabaseKind.MARIADB) {
            return open(c -> List.of(c.prepareStatement(POLICY_SELECT + " WHERE period_hour >= " + hours.get(0)
                    + " AND period_hour <= " + hours.get(hours.size() - 1) + keys + " ORDER BY domain_key")),
                    ReportCounterReader::policyOf, ReportCounterReader::mergePolicies);
        }
        // period_hour leads the ORDER BY (one value per statement): H2 then reads the primary key's order instead of
        // sorting the whole result into a temporary store first (it does not infer that from the equality).
        return open(c -> perHour(c, hours, POLICY_SELECT + " WHERE period_hour = ?" + keys
                        + " ORDER BY period_hour, domain_key"),
                ReportCounterReader::policyOf, ReportCounterReader::mergePolicies);
    }

    /** {@code domain}'s published policy and counts in the period, when it has counters there. */
    public Optional<ReportPolicy> policy(DomainName domain, Instant begin, Instant end) {
        try (Cursor<ReportPolicy> cursor = open(c -> List.of(c.prepareStatement(POLICY_SELECT + " WHERE period_hour IN ("
                        + inList(hours(begin, end)) + ") AND domain_key = '" + ReportCounters.domainKey(domain.name())
                        + "'")),
                ReportCounterReader::policyOf, ReportCounterReader::mergePolicies)) {
            return cursor.next();
        }
    }

    /** Every report row of the period, all domains, in {@link #policies}' domain order. */
    public Cursor<ReportRow> rows(Instant begin, Instant end) {
        return rows(begin, end, KeyRange.ALL);
    }

    /** {@link #rows(Instant, Instant)} of the domains whose keys are in {@code range}. */
    public Cursor<ReportRow> rows(Instant begin, Instant end, KeyRange range) {
        List<Long> hours = hours(begin, end);
        String keys = range.condition();
        if (store.kind() == DatabaseKind.MARIADB) {
            return open(c -> List.of(c.prepareStatement(ROW_SELECT + " WHERE period_hour >= " + hours.get(0)
                    + " AND period_hour <= " + hours.get(hours.size() - 1) + keys + " ORDER BY domain_key, row_key")),
                    ReportCounterReader::rowOf, ReportCounterReader::mergeRows);
        }
        return open(c -> perHour(c, hours, ROW_SELECT + " WHERE period_hour = ?" + keys
                        + " ORDER BY period_hour, domain_key, row_key"), ReportCounterReader::rowOf, ReportCounterReader::mergeRows);
    }

    /** The report rows of {@code domain} in the period. */
    public Cursor<ReportRow> rows(DomainName domain, Instant begin, Instant end) {
        // One statement: an index probe per hour of (period_hour, domain_key), the domain's rows sorted by the database.
        String sql = ROW_SELECT + " WHERE period_hour IN (" + inList(hours(begin, end)) + ") AND domain_key = '"
                + ReportCounters.domainKey(domain.name()) + "' ORDER BY domain_key, row_key";
        return open(c -> List.of(c.prepareStatement(sql)), ReportCounterReader::rowOf, ReportCounterReader::mergeRows);
    }

    /**
     * The counter buckets of [begin, end) as epoch seconds: its UTC hours for a period of whole hours; for a period
     * of minutes (tests: {@code report.period} under an hour), buckets of the greatest length dividing both the
     * period and an hour, which is what the store writes for such a period ({@link StoreConfig#counterBucketSeconds}).
     */
    static List<Long> hours(Instant begin, Instant end) {
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        long b = begin.getEpochSecond();
        long e = end.getEpochSecond();
        long step = e > b ? StoreConfig.bucketFor(e - b) : 0;
        if (begin.getNano() != 0 || end.getNano() != 0 || e <= b || step % 60 != 0 || b % step != 0) {
            throw new IllegalArgumentException("a report period is whole UTC hours or minutes, end after begin: ["
                    + begin + ", " + end + ")");
        }
        if ((e - b) / HOUR > 24L * 366) {
            throw new IllegalArgumentException("a report period is at most a year: [" + begin + ", " + end + ")");
        }
        List<Long> hours = new ArrayList<>();
        for (long h = b; h < e; h += step) {
            hours.add(h);
        }
        return hours;
    }

    private static String inList(List<Long> hours) {
        return String.join(", ", hours.stream().map(String::valueOf).toList());
    }

    private static List<PreparedStatement> perHour(Connection c, List<Long> hours, String sql) throws SQLException {
        List<PreparedStatement> statements = new ArrayList<>();
        for (long hour : hours) {
            PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            statements.add(ps);
            ps.setLong(1, hour);
        }
        return statements;
    }

    @FunctionalInterface
    private interface Statements {
        List<PreparedStatement> prepare(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Parser<T> {
        Keyed<T> parse(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface Merger<T> {
        Keyed<T> merge(Keyed<T> a, Keyed<T> b);
    }

    /** An item with its sort key (hex: domain key, row key) and, for policies, when its tags were seen. */
    private record Keyed<T>(String key, long seenAt, T item) {
    }

    private <T> Cursor<T> open(Statements statements, Parser<T> parser, Merger<T> merger) {
        Connection c = null;
        List<PreparedStatement> prepared = List.of();
        try {
            c = store.dataSource().getConnection();
            c.setAutoCommit(false); // PostgreSQL streams through a cursor only inside a transaction
            if (store.kind() == DatabaseKind.H2) {
                lazy(c, true);
            }
            prepared = statements.prepare(c);
            List<Source<T>> sources = new ArrayList<>();
            for (PreparedStatement ps : prepared) {
                ps.setFetchSize(FETCH);
                sources.add(new Source<>(ps.executeQuery(), parser));
            }
            return new MergingCursor<>(c, prepared, sources, merger);
        } catch (SQLException e) {
            closeQuietly(c, prepared, store.kind() == DatabaseKind.H2);
            throw DatabaseErrors.failed("reading report counters", storeConfig(), e);
        }
    }

    /**
     * H2 computes a whole result before returning its first row (into a temporary store past a few thousand rows)
     * unless the session executes lazily; set on the cursor's connection only and reset when it goes back to the pool.
     */
    private static void lazy(Connection c, boolean on) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET LAZY_QUERY_EXECUTION " + (on ? "TRUE" : "FALSE"));
        }
    }

    private StoreConfig storeConfig() {
        return store.config();
    }

    private static void closeQuietly(Connection c, List<PreparedStatement> statements, boolean h2) {
        for (PreparedStatement ps : statements) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        if (c != null) {
            try {
                c.rollback();
                if (h2) {
                    lazy(c, false);
                }
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the pool checks the connection before its next use
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
        }
    }

    /** One result set and its current item. */
    private static final class Source<T> {
        final ResultSet rs;
        final Parser<T> parser;
        Keyed<T> current;

        Source(ResultSet rs, Parser<T> parser) throws SQLException {
            this.rs = rs;
            this.parser = parser;
            advance();
        }

        boolean advance() throws SQLException {
            current = rs.next() ? parser.parse(rs) : null;
            return current != null;
        }
    }

    /** A k-way merge of sources ordered by key; items of one key are merged into one. */
    private final class MergingCursor<T> implements Cursor<T> {
        private final Connection c;
        private final List<PreparedStatement> statements;
        private final PriorityQueue<Source<T>> heap = new PriorityQueue<>(
                Comparator.comparing((Source<T> s) -> s.current.key()));
        private final Merger<T> merger;
        private boolean closed;

        MergingCursor(Connection c, List<PreparedStatement> statements, List<Source<T>> sources, Merger<T> merger) {
            this.c = c;
            this.statements = statements;
            this.merger = merger;
            for (Source<T> s : sources) {
                if (s.current != null) {
                    heap.add(s);
                }
            }
        }

        @Override
        public Optional<T> next() {
            if (closed) {
                throw new IllegalStateException("cursor closed");
            }
            try {
                Keyed<T> merged = null;
                while (!heap.isEmpty() && (merged == null || heap.peek().current.key().equals(merged.key()))) {
                    Source<T> s = heap.poll();
                    merged = merged == null ? s.current : merger.merge(merged, s.current);
                    if (s.advance()) {
                        heap.add(s);
                    }
                }
                return merged == null ? Optional.empty() : Optional.of(merged.item());
            } catch (SQLException e) {
                close();
                throw DatabaseErrors.failed("reading report counters", storeConfig(), e);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                closeQuietly(c, statements, store.kind() == DatabaseKind.H2);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- parsing ---

    private static Keyed<ReportRow> rowOf(ResultSet rs) throws SQLException {
        String key = rs.getString(1) + rs.getString(2);
        List<PolicyOverride> overrides = new ArrayList<>();
        for (String o : split(rs.getString(8), ',')) {
            overrides.add(Codes.parse(PolicyOverride.class, Codes::of, o));
        }
        List<ReportRow.DkimAuth> dkim = new ArrayList<>();
        for (String line : split(rs.getString(15), '\n')) {
            String[] f = line.split("\t", 3);
            dkim.add(new ReportRow.DkimAuth(f[1].isEmpty() ? Optional.empty() : Optional.of(f[1]),
                    f.length > 2 ? f[2] : "", Codes.parse(DkimResult.class, Codes::of, f[0])));
        }
        ReportRow row = new ReportRow(rs.getString(3), rs.getString(4), ReportDisposition.parse(rs.getString(5)),
                "pass".equals(rs.getString(6)), "pass".equals(rs.getString(7)), overrides,
                Optional.ofNullable(rs.getString(9)), Optional.ofNullable(rs.getString(10)),
                split(rs.getString(11), ' '), Optional.ofNullable(rs.getString(12)),
                Codes.parse(SpfScope.class, Codes::of, rs.getString(13)),
                Codes.parse(SpfResult.class, Codes::of, rs.getString(14)), dkim, rs.getLong(16),
                Optional.ofNullable(rs.getString(17)));
        return new Keyed<>(key, 0, row);
    }

    /** {@code joined} split at {@code separator} (none for null or ""); no regular expression: millions of rows. */
    static List<String> split(String joined, char separator) {
        if (joined == null || joined.isEmpty()) {
            return List.of();
        }
        List<String> parts = new ArrayList<>(4);
        int from = 0;
        for (int i = joined.indexOf(separator); i >= 0; i = joined.indexOf(separator, from)) {
            parts.add(joined.substring(from, i));
            from = i + 1;
        }
        parts.add(joined.substring(from));
        return parts;
    }

    private static Keyed<ReportRow> mergeRows(Keyed<ReportRow> a, Keyed<ReportRow> b) {
        return new Keyed<>(a.key(), 0, a.item().withMessages(a.item().messages() + b.item().messages()));
    }

    private static Keyed<ReportPolicy> policyOf(ResultSet rs) throws SQLException {
        short pct = rs.getShort(15);
        OptionalInt pctValue = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(pct);
        String psd = rs.getString(8);
        String adkim = rs.getString(10);
        String aspf = rs.getString(11);
        boolean testing = rs.getBoolean(9);
        EvaluationRecord.PublishedPolicy published = new EvaluationRecord.PublishedPolicy(
                policy(rs.getString(5)), policy(rs.getString(6)), policy(rs.getString(7)),
                psd == null ? PsdFlag.UNSPECIFIED : Codes.parse(PsdFlag.class, Codes::of, psd.strip()),
                testing,
                adkim == null ? AlignmentMode.RELAXED : Codes.parse(AlignmentMode.class, Codes::of, adkim.strip()),
                aspf == null ? AlignmentMode.RELAXED : Codes.parse(AlignmentMode.class, Codes::of, aspf.strip()),
                Text.split(rs.getString(12), ":"), Text.split(rs.getString(13), " "), Text.split(rs.getString(14), " "),
                pctValue);
        ReportPolicy policy = new ReportPolicy(DomainName.of(rs.getString(3)),
                Codes.parse(DiscoveryMode.class, Codes::of, rs.getString(4)), published, rs.getLong(16),
                rs.getLong(17));
        return new Keyed<>(rs.getString(1), rs.getLong(2), policy);
    }

    private static Optional<Policy> policy(String code) {
        return code == null ? Optional.empty() : Optional.of(Codes.parse(Policy.class, Codes::of, code));
    }

    /** The tags of the later one, the counts of both. */
    private static Keyed<ReportPolicy> mergePolicies(Keyed<ReportPolicy> a, Keyed<ReportPolicy> b) {
        Keyed<ReportPolicy> later = b.seenAt() >= a.seenAt() ? b : a;
        ReportPolicy p = later.item();
        return new Keyed<>(a.key(), later.seenAt(), new ReportPolicy(p.policyDomain(), p.discoveryMode(), p.published(),
                a.item().messages() + b.item().messages(), a.item().dmarcPass() + b.item().dmarcPass()));
    }
}
