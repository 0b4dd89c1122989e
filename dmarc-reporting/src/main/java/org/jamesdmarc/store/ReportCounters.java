package org.jamesdmarc.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jamesdmarc.check.EvaluationRecord;

/**
 * The report counters (migration V2): for each stored message, +1 on its RFC 9990 {@code <record>} row of its
 * slice and policy domain ({@code dmarc_report_row}), and the slice's published policy of the domain
 * ({@code dmarc_report_policy}, the tags of the latest message seen, with message and DMARC-pass counts). A slice is
 * the UTC hour for the counters written before V5 (by the writers, and by migration 3 for older messages); since V5
 * {@link ReportRollup} counts the messages the writers left pending, keyed by the start of their report period (the
 * UTC day by default; {@code slice_seconds} says which).
 *
 * <p>A batch is first aggregated in memory, then upserted in key order (policy rows, then report rows, each sorted
 * by their primary key): concurrent writers (threads, James nodes) take the row locks in the same order and do not
 * deadlock. Each table's counters go in one set-based statement per batch: PostgreSQL
 * {@code INSERT ... SELECT FROM unnest(arrays) ON CONFLICT ... DO UPDATE}, MariaDB a multi-row
 * {@code INSERT ... VALUES ... ON DUPLICATE KEY UPDATE} (chunked); H2 a batch of {@code MERGE ... USING}.
 *
 * <p>Only messages with a policy domain and a published record are counted: without a record there is no report
 * (RFC 9990 §2: a report per DMARC Policy Domain).
 */
final class ReportCounters {

    /** RFC 9990 §2.1.5 "DKIM Signatures in Aggregate Reports": no more than 100 signatures per row. */
    static final int MAX_DKIM = 100;
    /** The longest DKIM list text kept (fits MariaDB's row limits for any charset); lower-priority ones drop out. */
    static final int MAX_DKIM_TEXT = 16_000;
    static final long HOUR_MILLIS = 3_600_000L;
    /**
     * How many rows one counter may be split over: each writing transaction picks one shard at random, so concurrent
     * writers (threads, James nodes) seldom update the same row, which each holds locked until it commits. Measured:
     * with one row per counter, 8 writers of a Zipf-skewed domain mix all waited on the biggest domains' rows.
     */
    static final int SHARDS = 8;

    static final String ROW_COLUMNS = "period_hour, domain_key, policy_domain, row_key, shard, source_ip, disposition, dkim_aligned, "
            + "spf_aligned, overrides, header_from, envelope_from, envelope_to, spf_domain, spf_scope, spf_result, "
            + "dkim_results, messages";
    static final String POLICY_COLUMNS = "period_hour, domain_key, policy_domain, shard, seen_at, discovery_mode, pub_p, pub_sp, pub_np, "
            + "pub_psd, pub_testing, pub_adkim, pub_aspf, pub_fo, pub_rua, pub_ruf, pub_pct, messages, dmarc_pass";
    /** The SQL types of {@link #ROW_COLUMNS} (H2's MERGE source needs them). */
    private static final String[] ROW_TYPES = {"BIGINT", "VARCHAR(32)", "VARCHAR(253)", "VARCHAR(32)", "SMALLINT", "VARCHAR(45)", "VARCHAR(10)",
        "VARCHAR(4)", "VARCHAR(4)", "VARCHAR(200)", "VARCHAR(253)", "VARCHAR(253)", "VARCHAR(4000)", "VARCHAR(253)",
        "VARCHAR(5)", "VARCHAR(10)", "VARCHAR(16000)", "BIGINT"};
    private static final String[] POLICY_TYPES = {"BIGINT", "VARCHAR(32)", "VARCHAR(253)", "SMALLINT", "BIGINT", "VARCHAR(8)", "VARCHAR(10)",
        "VARCHAR(10)", "VARCHAR(10)", "CHAR(1)", "BOOLEAN", "CHAR(1)", "CHAR(1)", "VARCHAR(16)", "VARCHAR(2000)",
        "VARCHAR(2000)", "SMALLINT", "BIGINT", "BIGINT"};

    private ReportCounters() {
    }

    /** One stored DKIM signature as its column texts. */
    record StoredDkim(String domain, String selector, String result, String alignment) {
    }

    /**
     * The columns of one stored {@code dmarc_message} row that the counters read, as the store writes them
     * ({@link JdbcHistoryStore#writeMessage}); from a record being written or from a row read back (the backfill).
     */
    record StoredMessage(long receivedAt, String policyDomain, boolean hasRecord, String sourceIp, String headerFrom,
                         String envelopeFrom, String envelopeTo, String discoveryMode, String pubP, String pubSp,
                         String pubNp, String pubPsd, Boolean pubTesting, String pubAdkim, String pubAspf, String pubFo,
                         String pubRua, String pubRuf, Short pubPct, String dmarcResult, String appliedPolicy,
                         String disposition, String overrides, String spfDomain, String spfScope, String spfResult,
                         String spfAlignment, List<StoredDkim> dkim, String overrideComment) {

        /** A message stored before V9 (no ARC sealer column): no override comment. */
        StoredMessage(long receivedAt, String policyDomain, boolean hasRecord, String sourceIp, String headerFrom,
                      String envelopeFrom, String envelopeTo, String discoveryMode, String pubP, String pubSp,
                      String pubNp, String pubPsd, Boolean pubTesting, String pubAdkim, String pubAspf, String pubFo,
                      String pubRua, String pubRuf, Short pubPct, String dmarcResult, String appliedPolicy,
                      String disposition, String overrides, String spfDomain, String spfScope, String spfResult,
                      String spfAlignment, List<StoredDkim> dkim) {
            this(receivedAt, policyDomain, hasRecord, sourceIp, headerFrom, envelopeFrom, envelopeTo, discoveryMode,
                    pubP, pubSp, pubNp, pubPsd, pubTesting, pubAdkim, pubAspf, pubFo, pubRua, pubRuf, pubPct, dmarcResult,
                    appliedPolicy, disposition, overrides, spfDomain, spfScope, spfResult, spfAlignment, dkim, null);
        }

        /** The columns {@link JdbcHistoryStore#writeMessage} and {@link JdbcHistoryStore#writeDkim} write for r. */
        static StoredMessage of(EvaluationRecord r) throws SQLException {
            Capture m = new Capture();
            JdbcHistoryStore.writeMessage(m, r);
            List<StoredDkim> dkim = new ArrayList<>(r.dkim().size());
            for (int i = 0; i < r.dkim().size(); i++) {
                Capture d = new Capture();
                JdbcHistoryStore.writeDkim(d, r, i);
                dkim.add(new StoredDkim((String) d.values.get(2), (String) d.values.get(3), (String) d.values.get(4),
                        (String) d.values.get(5)));
            }
            List<Object> v = m.values; // in the order of JdbcHistoryStore.MESSAGE_COLUMNS
            return new StoredMessage((Long) v.get(1), (String) v.get(6), (Boolean) v.get(9), (String) v.get(2),
                    (String) v.get(3), (String) v.get(4), (String) v.get(5), (String) v.get(7), (String) v.get(10),
                    (String) v.get(11), (String) v.get(12), (String) v.get(13), (Boolean) v.get(14), (String) v.get(15),
                    (String) v.get(16), (String) v.get(17), (String) v.get(18), (String) v.get(19), (Short) v.get(20),
                    (String) v.get(21), (String) v.get(23), (String) v.get(24), (String) v.get(26), (String) v.get(27),
                    (String) v.get(28), (String) v.get(29), (String) v.get(30), dkim,
                    arcOverrideComment((String) v.get(31), (Short) v.get(32)));
        }

        boolean counted() {
            return policyDomain != null && hasRecord;
        }

        /** Epoch seconds of the start of the UTC slice of {@code sliceSeconds} (dividing a day) it arrived in. */
        long sliceStart(long sliceSeconds) {
            long millis = sliceSeconds * 1000L;
            return Math.floorDiv(receivedAt, millis) * sliceSeconds;
        }
    }

    /**
     * The override comment of a message from its stored ARC sealer (V9 {@code arc_sealer}, {@code arc_instance}):
     * {@link EvaluationRecord.ArcSealer#comment()}; null when there is none or it does not validate.
     */
    static String arcOverrideComment(String arcSealer, Short arcInstance) {
        if (arcSealer == null || arcInstance == null || arcInstance < 1 || arcInstance > 50) {
            return null;
        }
        return org.jamesdmarc.dns.DomainName.parse(arcSealer)
                .map(d -> new EvaluationRecord.ArcSealer(d, arcInstance).comment()).orElse(null);
    }

    /** The column values {@link JdbcHistoryStore#writeMessage} writes, captured in order. */
    private static final class Capture implements JdbcHistoryStore.Columns {
        final List<Object> values = new ArrayList<>(JdbcHistoryStore.MESSAGE_COLUMN_COUNT);

        @Override
        public void text(String value) {
            values.add(value);
        }

        @Override
        public void bigint(long value) {
            values.add(value);
        }

        @Override
        public void smallint(Short value) {
            values.add(value);
        }

        @Override
        public void bool(Boolean value) {
            values.add(value);
        }
    }

    /** The primary key of a report row (hour, domain key, identity hash) and its policy domain. */
    record RowKey(long periodHour, String domainKey, String rowKey, String policyDomain) implements Comparable<RowKey> {
        private static final Comparator<RowKey> ORDER = Comparator.comparingLong(RowKey::periodHour)
                .thenComparing(RowKey::domainKey).thenComparing(RowKey::rowKey);

        @Override
        public int compareTo(RowKey o) {
            return ORDER.compare(this, o);
        }
    }

    /**
     * What distinguishes one RFC 9990 {@code <record>} from another (RFC 9990 §2.1: row, identifiers, auth_results),
     * the override's comment included ({@code reason/comment}; null for none).
     */
    record Identity(String sourceIp, String disposition, String dkimAligned, String spfAligned, String overrides,
                    String headerFrom, String envelopeFrom, String envelopeTo, String spfDomain, String spfScope,
                    String spfResult, String dkimResults, String overrideComment) {

        static Identity of(StoredMessage m) {
            return new Identity(m.sourceIp(), ReportCounters.disposition(m), ReportCounters.dkimAligned(m.dkim()),
                    ReportCounters.spfAligned(m), m.overrides(),
                    m.headerFrom(), m.envelopeFrom(), m.envelopeTo(), m.spfDomain(), m.spfScope(), m.spfResult(),
                    dkimText(m.headerFrom(), m.dkim()), m.overrideComment());
        }

        /** 32 hex digits: the first 128 bits of SHA-256 over the identity's fields. */
        String key() {
            MessageDigest sha = sha256();
            for (String field : new String[] {sourceIp, disposition, dkimAligned, spfAligned, overrides, headerFrom,
                envelopeFrom, envelopeTo, spfDomain, spfScope, spfResult, dkimResults}) {
                // Control characters never occur in a stored text (Text.clean replaces them): US (0x1F) ends a field,
                // RS (0x1E) before it marks a null apart from "". SQL can compute the same (the scale harness does).
                sha.update(field == null ? "\u001e\u001f".getBytes(StandardCharsets.UTF_8)
                        : (field + "\u001f").getBytes(StandardCharsets.UTF_8));
            }
            if (overrideComment != null) {
                // V9: hashed only when present, so a row without a comment keeps the key it had before V9.
                sha.update((overrideComment + "\u001f").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        }
    }

    /**
     * The key of a policy domain: 32 hex digits, the first 128 bits of SHA-256 over its name (UTF-8). Hex digits of
     * one length sort alike under every collation: the readers merge streams ordered by it.
     */
    static String domainKey(String policyDomain) {
        return HexFormat.of().formatHex(sha256().digest(policyDomain.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * RFC 9990 ActionDispositionType: {@code pass} for a message that passed DMARC under an enforcing policy (the
     * schema's "No action, passing DMARC w/enforcing policy"), otherwise the disposition.
     */
    static String disposition(StoredMessage m) {
        if ("none".equals(m.disposition()) && "pass".equals(m.dmarcResult())
                && ("quarantine".equals(m.appliedPolicy()) || "reject".equals(m.appliedPolicy()))) {
            return "pass";
        }
        return m.disposition();
    }

    /** RFC 9990 policy_evaluated/dkim: pass when a signature passed and is aligned. */
    static String dkimAligned(List<StoredDkim> dkim) {
        for (StoredDkim d : dkim) {
            if ("pass".equals(d.result()) && "aligned".equals(d.alignment())) {
                return "pass";
            }
        }
        return "fail";
    }

    /** RFC 9990 policy_evaluated/spf: pass when SPF passed and is aligned. */
    static String spfAligned(StoredMessage m) {
        return "pass".equals(m.spfResult()) && "aligned".equals(m.spfAlignment()) ? "pass" : "fail";
    }

    /**
     * The DKIM results as report lines {@code result TAB domain TAB selector}, in RFC 9990 §2.1.5's priority order
     * (passing in strict alignment with the From domain, passing in relaxed alignment, other passing, not passing;
     * message order within each), at most {@value #MAX_DKIM} and {@value #MAX_DKIM_TEXT} characters.
     */
    static String dkimText(String headerFrom, List<StoredDkim> dkim) {
        List<StoredDkim> ordered = new ArrayList<>(dkim);
        ordered.sort(Comparator.comparingInt(d -> priority(headerFrom, d))); // stable: message order within a class
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (StoredDkim d : ordered) {
            if (n == MAX_DKIM) {
                break;
            }
            String line = d.result() + '\t' + (d.domain() == null ? "" : d.domain()) + '\t' + d.selector();
            int extra = (b.length() == 0 ? 0 : 1) + line.length();
            if (b.length() + extra > MAX_DKIM_TEXT) {
                break;
            }
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(line);
            n++;
        }
        return b.toString();
    }

    private static int priority(String headerFrom, StoredDkim d) {
        if (!"pass".equals(d.result())) {
            return 4;
        }
        if (d.domain() != null && d.domain().equalsIgnoreCase(headerFrom)) {
            return 1;
        }
        return "aligned".equals(d.alignment()) ? 2 : 3;
    }

    /** A report row being counted. */
    static final class RowCount {
        final Identity identity;
        long messages;

        RowCount(Identity identity) {
            this.identity = identity;
        }
    }

    /** A policy row being counted: the latest message's tags, the counts. */
    static final class PolicyCount {
        StoredMessage latest;
        long messages;
        long dmarcPass;
    }

    /** The counters of a batch, in key order. */
    static final class Batch {
        final TreeMap<RowKey, RowCount> rows = new TreeMap<>();
        final TreeMap<RowKey, PolicyCount> policies = new TreeMap<>();
        private final Map<String, String> domainKeys = new java.util.HashMap<>();
        /** The slice length in seconds; 0 for the hourly counters of migration 3 (no slice_seconds column yet). */
        final long sliceSeconds;

        /** Hourly counters for the tables of before V5 (migration 3). */
        Batch() {
            this.sliceSeconds = 0;
        }

        /**
         * Counters keyed by slices of {@code sliceSeconds} (the report period: whole hours dividing a day, or whole
         * minutes dividing a day for the end-to-end tests' short periods), V5 tables.
         */
        Batch(long sliceSeconds) {
            if (sliceSeconds < 60 || sliceSeconds % 60 != 0 || 86_400 % sliceSeconds != 0) {
                throw new IllegalArgumentException("a counter slice is whole minutes dividing a day: " + sliceSeconds
                        + " s");
            }
            this.sliceSeconds = sliceSeconds;
        }

        boolean sliced() {
            return sliceSeconds > 0;
        }

        void add(StoredMessage m) {
            if (!m.counted()) {
                return;
            }
            long hour = m.sliceStart(sliced() ? sliceSeconds : 3600);
            Identity identity = Identity.of(m);
            String domainKey = domainKeys.computeIfAbsent(m.policyDomain(), ReportCounters::domainKey);
            rows.computeIfAbsent(new RowKey(hour, domainKey, identity.key(), m.policyDomain()),
                    k -> new RowCount(identity)).messages++;
            PolicyCount p = policies.computeIfAbsent(new RowKey(hour, domainKey, "", m.policyDomain()),
                    k -> new PolicyCount());
            if (p.latest == null || m.receivedAt() >= p.latest.receivedAt()) {
                p.latest = m;
            }
            p.messages++;
            if ("pass".equals(m.dmarcResult())) {
                p.dmarcPass++;
            }
        }

        boolean isEmpty() {
            return rows.isEmpty();
        }
    }

    /**
     * Adds the counters of {@code batch} to {@code shard} in key order: policy rows first, then report rows, each
     * table in one set-based statement (a few on MariaDB, chunked) rather than one upsert per counter.
     */
    static void upsert(Connection c, DatabaseKind kind, Batch batch, short shard) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        boolean sliced = batch.sliced();
        List<Object[]> policies = new ArrayList<>(batch.policies.size());
        for (Map.Entry<RowKey, PolicyCount> e : batch.policies.entrySet()) {
            StoredMessage m = e.getValue().latest;
            policies.add(sliced(sliced, batch.sliceSeconds, new Object[] {e.getKey().periodHour(), e.getKey().domainKey(),
                e.getKey().policyDomain(), shard, m.receivedAt(), m.discoveryMode(), m.pubP(), m.pubSp(), m.pubNp(),
                m.pubPsd(), m.pubTesting(), m.pubAdkim(), m.pubAspf(), m.pubFo(), m.pubRua(), m.pubRuf(), m.pubPct(),
                e.getValue().messages, e.getValue().dmarcPass}));
        }
        List<Object[]> rows = new ArrayList<>(batch.rows.size());
        for (Map.Entry<RowKey, RowCount> e : batch.rows.entrySet()) {
            Identity id = e.getValue().identity;
            rows.add(sliced(sliced, batch.sliceSeconds, new Object[] {e.getKey().periodHour(), e.getKey().domainKey(),
                e.getKey().policyDomain(), e.getKey().rowKey(), shard, id.sourceIp(), id.disposition(), id.dkimAligned(),
                id.spfAligned(), id.overrides(), id.headerFrom(), id.envelopeFrom(), id.envelopeTo(), id.spfDomain(),
                id.spfScope(), id.spfResult(), id.dkimResults(), e.getValue().messages, id.overrideComment()}));
        }
        if (!sliced) {
            // Migration 3 writes the V2 table, before V9's override_comment exists (and counts no override comment).
            rows.replaceAll(r -> java.util.Arrays.copyOf(r, r.length - 1));
        }
        write(c, kind, sliced ? POLICY_SLICED : POLICY, policies);
        write(c, kind, sliced ? ROW_SLICED : ROW, rows);
        if (sliced) { // the V11 and V12 tables; migration 3 (unsliced) runs before they exist, and they backfill it
            writeFailing(c, kind, batch);
            writeTotals(c, kind, batch);
        }
    }

    /** Adds the batch's policy counts to the history totals of V12: per slice, and per (slice, policy domain). */
    private static void writeTotals(Connection c, DatabaseKind kind, Batch batch) throws SQLException {
        TreeMap<Long, Object[]> bySlice = new TreeMap<>();
        TreeMap<String, Object[]> byDomain = new TreeMap<>();
        int slice = (int) batch.sliceSeconds;
        for (Map.Entry<RowKey, PolicyCount> e : batch.policies.entrySet()) {
            long period = e.getKey().periodHour();
            long n = e.getValue().messages;
            long pass = e.getValue().dmarcPass;
            bySlice.merge(period, new Object[] {period, n, pass, slice}, ReportCounters::addTotals);
            // the period as 20 digits first: the string order is the key order
            byDomain.merge(String.format(java.util.Locale.ROOT, "%020d\u001f%s", period, e.getKey().policyDomain()),
                    new Object[] {period, e.getKey().policyDomain(), n, pass, slice}, ReportCounters::addTotals);
        }
        write(c, kind, SLICE_TOTAL, new ArrayList<>(bySlice.values()));
        write(c, kind, DOMAIN_TOTAL, new ArrayList<>(byDomain.values()));
    }

    /** Merges two total rows of one key: messages and DMARC passes (the two columns before slice_seconds) add up. */
    private static Object[] addTotals(Object[] a, Object[] b) {
        int m = a.length - 3;
        a[m] = (Long) a[m] + (Long) b[m];
        a[m + 1] = (Long) a[m + 1] + (Long) b[m + 1];
        return a;
    }

    /**
     * Adds the batch's rows that failed DMARC (RFC 9989 §4.4: neither DKIM nor SPF aligned and passing) to the
     * failing-source sums of V11: per (domain, slice, source, disposition, overrides) and per (slice, source).
     */
    private static void writeFailing(Connection c, DatabaseKind kind, Batch batch) throws SQLException {
        TreeMap<String, Object[]> byDomain = new TreeMap<>();
        TreeMap<String, Object[]> bySource = new TreeMap<>();
        int slice = (int) batch.sliceSeconds;
        for (Map.Entry<RowKey, RowCount> e : batch.rows.entrySet()) {
            Identity id = e.getValue().identity;
            if (!"fail".equals(id.dkimAligned()) || !"fail".equals(id.spfAligned())) {
                continue;
            }
            long period = e.getKey().periodHour();
            long n = e.getValue().messages;
            byDomain.merge(String.join("\u001f", e.getKey().domainKey(), Long.toString(period), id.sourceIp(),
                    id.disposition(), id.overrides()), new Object[] {e.getKey().domainKey(), period, id.sourceIp(),
                        id.disposition(), id.overrides(), n, slice}, ReportCounters::addMessages);
            bySource.merge(period + "\u001f" + id.sourceIp(), new Object[] {period, id.sourceIp(), n, slice},
                    ReportCounters::addMessages);
        }
        write(c, kind, FAILING, new ArrayList<>(byDomain.values()));
        write(c, kind, FAILING_SOURCE, new ArrayList<>(bySource.values()));
    }

    /** Merges two failing rows of one key: their messages (the column before slice_seconds) add up. */
    private static Object[] addMessages(Object[] a, Object[] b) {
        int m = a.length - 2;
        a[m] = (Long) a[m] + (Long) b[m];
        return a;
    }

    /** The values with {@code slice_seconds} appended when the batch is sliced (the V5 tables). */
    private static Object[] sliced(boolean sliced, long sliceSeconds, Object[] values) {
        if (!sliced) {
            return values;
        }
        Object[] out = java.util.Arrays.copyOf(values, values.length + 1);
        out[values.length] = (int) sliceSeconds;
        return out;
    }

    /** The SQL type of a counter column, as bound. */
    enum ColumnType {
        BIGINT("bigint", "int8", Types.BIGINT),
        INTEGER("integer", "int4", Types.INTEGER),
        SMALLINT("smallint", "int2", Types.SMALLINT),
        BOOLEAN("boolean", "bool", Types.BOOLEAN),
        TEXT("varchar", "varchar", Types.VARCHAR);

        final String pgCast;
        final String pgArrayType;
        final int jdbcType;

        ColumnType(String pgCast, String pgArrayType, int jdbcType) {
            this.pgCast = pgCast;
            this.pgArrayType = pgArrayType;
            this.jdbcType = jdbcType;
        }
    }

    /** One counter table: its columns, their H2 and bound types, its key, and how a stored row takes new counts. */
    record Table(String name, String columns, String[] h2Types, List<String> key, List<String> latest,
                 List<String> sums, List<String> maxima) {

        /** This table with one more column, {@code name} of H2 type {@code type}, last (its value is a new row's). */
        Table with(String name, String type) {
            String[] types = java.util.Arrays.copyOf(h2Types, h2Types.length + 1);
            types[h2Types.length] = type;
            return new Table(this.name, columns + ", " + name, types, key, latest, sums, maxima);
        }

        /** This table with {@code slice_seconds} (V5) as the last column, the larger slice kept on a conflict. */
        Table sliced() {
            String[] types = java.util.Arrays.copyOf(h2Types, h2Types.length + 1);
            types[h2Types.length] = "INTEGER";
            return new Table(name, columns + ", slice_seconds", types, key, latest, sums, List.of("slice_seconds"));
        }

        List<String> columnList() {
            return List.of(columns.split(", "));
        }

        ColumnType type(int i) {
            String t = h2Types[i];
            if (t.equals("BIGINT")) {
                return ColumnType.BIGINT;
            }
            if (t.equals("SMALLINT")) {
                return ColumnType.SMALLINT;
            }
            if (t.equals("INTEGER")) {
                return ColumnType.INTEGER;
            }
            return t.equals("BOOLEAN") ? ColumnType.BOOLEAN : ColumnType.TEXT;
        }
    }

    static final Table ROW = new Table("dmarc_report_row", ROW_COLUMNS, ROW_TYPES,
            List.of("period_hour", "domain_key", "row_key", "shard"), List.of(), List.of("messages"), List.of());
    static final Table POLICY = new Table("dmarc_report_policy", POLICY_COLUMNS, POLICY_TYPES,
            List.of("period_hour", "domain_key", "shard"), List.of("discovery_mode", "pub_p", "pub_sp", "pub_np",
                "pub_psd", "pub_testing", "pub_adkim", "pub_aspf", "pub_fo", "pub_rua", "pub_ruf", "pub_pct"),
            List.of("messages", "dmarc_pass"), List.of());
    static final Table FAILING = new Table("dmarc_report_failing", "domain_key, period_hour, source_ip, disposition, "
            + "overrides, messages", new String[] {"VARCHAR(32)", "BIGINT", "VARCHAR(45)", "VARCHAR(10)", "VARCHAR(200)",
                "BIGINT"}, List.of("domain_key", "period_hour", "source_ip", "disposition", "overrides"), List.of(),
            List.of("messages"), List.of()).sliced();
    static final Table FAILING_SOURCE = new Table("dmarc_report_failing_source", "period_hour, source_ip, messages",
            new String[] {"BIGINT", "VARCHAR(45)", "BIGINT"}, List.of("period_hour", "source_ip"), List.of(),
            List.of("messages"), List.of()).sliced();
    static final Table SLICE_TOTAL = new Table("dmarc_report_slice_total", "period_hour, messages, dmarc_pass",
            new String[] {"BIGINT", "BIGINT", "BIGINT"}, List.of("period_hour"), List.of(),
            List.of("messages", "dmarc_pass"), List.of()).sliced();
    static final Table DOMAIN_TOTAL = new Table("dmarc_report_domain_total", "period_hour, policy_domain, messages, "
            + "dmarc_pass", new String[] {"BIGINT", "VARCHAR(253)", "BIGINT", "BIGINT"},
            List.of("period_hour", "policy_domain"), List.of(), List.of("messages", "dmarc_pass"), List.of()).sliced();
    /** The report rows since V9: the override's comment after {@code messages}, then V5's {@code slice_seconds}. */
    static final Table ROW_SLICED = ROW.with("override_comment", "VARCHAR(300)").sliced();
    static final Table POLICY_SLICED = POLICY.sliced();

    /** MariaDB: at most this many rows per multi-row INSERT (18 columns: far below the 65,535 placeholders). */
    static final int MARIADB_MAX_ROWS = 1_000;
    /** MariaDB: at most about this many characters of bound text per statement (max_allowed_packet is 16 MB). */
    static final int MARIADB_MAX_CHARS = 2_000_000;

    /** Upserts {@code rows} (distinct keys, in key order) into {@code table}. */
    private static void write(Connection c, DatabaseKind kind, Table table, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        switch (kind) {
            case POSTGRESQL -> writePostgresql(c, table, rows);
            case MARIADB -> {
                int from = 0;
                while (from < rows.size()) {
                    int to = from;
                    long chars = 0;
                    while (to < rows.size() && to - from < MARIADB_MAX_ROWS && (to == from || chars < MARIADB_MAX_CHARS)) {
                        chars += textLength(rows.get(to));
                        to++;
                    }
                    writeValues(c, table, rows.subList(from, to));
                    from = to;
                }
            }
            case H2 -> {
                try (PreparedStatement ps = c.prepareStatement(upsert(DatabaseKind.H2, table, 1))) {
                    for (Object[] row : rows) {
                        bind(ps, 1, table, row);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            default -> throw new IllegalArgumentException(Objects.toString(kind));
        }
    }

    /** PostgreSQL: one {@code INSERT ... SELECT FROM unnest(arrays)}, one array per column. */
    private static void writePostgresql(Connection c, Table table, List<Object[]> rows) throws SQLException {
        int n = table.columnList().size();
        try (PreparedStatement ps = c.prepareStatement(upsert(DatabaseKind.POSTGRESQL, table, rows.size()))) {
            for (int col = 0; col < n; col++) {
                ColumnType type = table.type(col);
                Object[] values = switch (type) {
                    case BIGINT -> new Long[rows.size()];
                    case INTEGER -> new Integer[rows.size()];
                    case SMALLINT -> new Short[rows.size()];
                    case BOOLEAN -> new Boolean[rows.size()];
                    case TEXT -> new String[rows.size()];
                };
                for (int r = 0; r < rows.size(); r++) {
                    values[r] = rows.get(r)[col];
                }
                ps.setArray(col + 1, c.createArrayOf(type.pgArrayType, values));
            }
            ps.executeUpdate();
        }
    }

    /** MariaDB: one multi-row {@code INSERT ... VALUES (...), (...) ON DUPLICATE KEY UPDATE}. */
    private static void writeValues(Connection c, Table table, List<Object[]> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(upsert(DatabaseKind.MARIADB, table, rows.size()))) {
            int i = 1;
            for (Object[] row : rows) {
                i = bind(ps, i, table, row);
            }
            ps.executeUpdate();
        }
    }

    private static long textLength(Object[] row) {
        long n = 0;
        for (Object v : row) {
            n += v instanceof String s ? s.length() + 8 : 8;
        }
        return n;
    }

    /** Binds one row's values from parameter {@code i}; returns the next parameter index. */
    private static int bind(PreparedStatement ps, int i, Table table, Object[] row) throws SQLException {
        for (int col = 0; col < row.length; col++) {
            Object v = row[col];
            ColumnType type = table.type(col);
            if (v == null) {
                ps.setNull(i++, type.jdbcType);
            } else {
                switch (type) {
                    case BIGINT -> ps.setLong(i++, (Long) v);
                    case INTEGER -> ps.setInt(i++, (Integer) v);
                    case SMALLINT -> ps.setShort(i++, (Short) v);
                    case BOOLEAN -> ps.setBoolean(i++, (Boolean) v);
                    case TEXT -> ps.setString(i++, (String) v);
                }
            }
        }
        return i;
    }

    /**
     * Deletes the counters of every slice that ended by {@code beforeMillis} (retention), one slice start per
     * transaction: a slice (an hour, or a report period since V5) partly after the cutoff stays until it ends.
     */
    static void expire(Connection c, long beforeMillis) throws SQLException {
        long lastHour = Math.floorDiv(beforeMillis, HOUR_MILLIS) * 3600L - 3600L;
        List<Long> hours = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT period_hour FROM dmarc_report_policy "
                + "WHERE period_hour <= ? ORDER BY period_hour")) {
            ps.setLong(1, lastHour);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hours.add(rs.getLong(1));
                }
            }
        }
        c.setAutoCommit(false);
        try {
            for (long hour : hours) {
                for (String table : new String[] {"dmarc_report_policy", "dmarc_report_row", "dmarc_report_failing",
                    "dmarc_report_failing_source", "dmarc_report_slice_total", "dmarc_report_domain_total"}) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE period_hour = ? "
                            + "AND period_hour + slice_seconds <= ?")) {
                        ps.setLong(1, hour);
                        ps.setLong(2, Math.floorDiv(beforeMillis, 1000L));
                        ps.executeUpdate();
                    }
                }
                c.commit();
            }
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    /**
     * An upsert of {@code rows} rows of {@code t} (PostgreSQL: any number, as arrays; H2: one): on a stored key,
     * the {@code sums} columns add up, the {@code latest} columns take the new values when the new {@code seen_at} is
     * not older, and {@code seen_at} keeps the latest. The rows must have distinct keys (PostgreSQL refuses to
     * update a row twice in one statement) and come in key order (each writer locks rows in the same order).
     */
    private static String upsert(DatabaseKind kind, Table t, int rows) {
        String table = t.name();
        String columns = t.columns();
        String[] types = t.h2Types();
        List<String> key = t.key();
        List<String> latest = t.latest();
        List<String> sums = t.sums();
        List<String> maxima = t.maxima();
        List<String> cols = t.columnList();
        String placeholders = String.join(", ", java.util.Collections.nCopies(cols.size(), "?"));
        List<String> set = new ArrayList<>();
        switch (kind) {
            case POSTGRESQL -> {
                for (String l : latest) {
                    set.add(l + " = CASE WHEN EXCLUDED.seen_at >= " + table + ".seen_at THEN EXCLUDED." + l + " ELSE "
                            + table + "." + l + " END");
                }
                for (String s : sums) {
                    set.add(s + " = " + table + "." + s + " + EXCLUDED." + s);
                }
                for (String m : maxima) {
                    set.add(m + " = GREATEST(" + table + "." + m + ", EXCLUDED." + m + ")");
                }
                if (!latest.isEmpty()) {
                    set.add("seen_at = GREATEST(" + table + ".seen_at, EXCLUDED.seen_at)");
                }
                List<String> arrays = new ArrayList<>();
                for (int i = 0; i < cols.size(); i++) {
                    arrays.add("?::" + t.type(i).pgCast + "[]");
                }
                // unnest returns the rows in array order: the key order the batch was sorted in.
                return "INSERT INTO " + table + " (" + columns + ") SELECT * FROM unnest(" + String.join(", ", arrays)
                        + ") ON CONFLICT ("
                        + String.join(", ", key) + ") DO UPDATE SET " + String.join(", ", set);
            }
            case MARIADB -> {
                // Assignments run left to right on the updated row: seen_at last, after the columns that compare it.
                for (String l : latest) {
                    set.add(l + " = IF(VALUES(seen_at) >= seen_at, VALUES(" + l + "), " + l + ")");
                }
                for (String s : sums) {
                    set.add(s + " = " + s + " + VALUES(" + s + ")");
                }
                for (String m : maxima) {
                    set.add(m + " = GREATEST(" + m + ", VALUES(" + m + "))");
                }
                if (!latest.isEmpty()) {
                    set.add("seen_at = GREATEST(seen_at, VALUES(seen_at))");
                }
                String values = String.join(", ", java.util.Collections.nCopies(rows, "(" + placeholders + ")"));
                return "INSERT INTO " + table + " (" + columns + ") VALUES " + values + " ON DUPLICATE KEY UPDATE "
                        + String.join(", ", set);
            }
            case H2 -> {
                List<String> source = new ArrayList<>();
                for (int i = 0; i < cols.size(); i++) {
                    source.add("CAST(? AS " + types[i] + ") AS " + cols.get(i));
                }
                for (String l : latest) {
                    set.add(l + " = CASE WHEN s.seen_at >= t.seen_at THEN s." + l + " ELSE t." + l + " END");
                }
                for (String s : sums) {
                    set.add(s + " = t." + s + " + s." + s);
                }
                for (String m : maxima) {
                    set.add(m + " = GREATEST(t." + m + ", s." + m + ")");
                }
                if (!latest.isEmpty()) {
                    set.add("seen_at = GREATEST(t.seen_at, s.seen_at)");
                }
                List<String> on = key.stream().map(k -> "t." + k + " = s." + k).toList();
                return "MERGE INTO " + table + " t USING (SELECT " + String.join(", ", source) + ") s ON "
                        + String.join(" AND ", on) + " WHEN MATCHED THEN UPDATE SET " + String.join(", ", set)
                        + " WHEN NOT MATCHED THEN INSERT (" + columns + ") VALUES ("
                        + String.join(", ", cols.stream().map(k -> "s." + k).toList()) + ")";
            }
        }
        throw new IllegalArgumentException(Objects.toString(kind));
    }
}
