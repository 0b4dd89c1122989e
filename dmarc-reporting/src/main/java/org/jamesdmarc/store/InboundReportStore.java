package org.jamesdmarc.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.store.InboundStats.DayVolume;
import org.jamesdmarc.store.InboundStats.DomainSummary;
import org.jamesdmarc.store.InboundStats.Page;
import org.jamesdmarc.store.InboundStats.Rejection;
import org.jamesdmarc.store.InboundStats.ReportSummary;
import org.jamesdmarc.store.InboundStats.SourceRank;
import org.jamesdmarc.store.InboundStats.SourceSummary;
import org.jamesdmarc.store.InboundStats.StoredFailure;
import org.jamesdmarc.store.InboundStats.TimeRange;
import org.jamesdmarc.store.InboundStats.Totals;
import org.jamesdmarc.store.InboundStats.Volume;

/**
 * The reports other receivers send about our domains (migration V7): aggregate reports with their records, the
 * reports that could not be read (kept aside with the reason), and failure reports; and the aggregates the dashboard
 * and WebAdmin read, computed by the database.
 *
 * <p>Storing an aggregate report: {@link #begin} with its metadata (known before the first record in both formats)
 * either finds the report stored already ({@link Begin.Duplicate}: nothing is written) or opens one transaction
 * ({@link Begin.Started}) whose {@link ReportWriter} takes the records one at a time and writes them in chunks of at
 * most {@link #BATCH} ({@link InboundRecordInserts}: COPY on PostgreSQL, JDBC batches elsewhere; memory stays bounded
 * whatever the report's size); {@link ReportWriter#commit} adds the totals and the
 * XML and commits; closing a writer without committing stores nothing. The report's row is inserted first, so a
 * concurrent ingest of the same report waits on its key and then counts a duplicate.
 *
 * <p>The writer also adds the report's records to the inbound roll-up (migration V10, {@link InboundRollup}): sums per
 * (policy domain, UTC day) in {@code dmarc_inbound_day}, per (policy domain, UTC day, source IP) in
 * {@code dmarc_inbound_source} and per reporter in {@code dmarc_inbound_source_org}, in the report's transaction.
 * The dashboard's reads ({@link #volumeByDay}, {@link #domains}, {@link #topSources}, {@link #totals}) read the
 * roll-up, never the records: their cost follows the number of (domain, day, source) triples, not of records.
 *
 * <p>Retention ({@link #expireBefore}): whole UTC days of reports, their records and their roll-up rows, in short
 * transactions; refused and failure reports by the time they were received.
 */
public final class InboundReportStore {

    /** Records written per chunk at most (one COPY on PostgreSQL; JDBC batches of 1,000 on H2 and MariaDB). */
    public static final int BATCH = InboundRecordInserts.COPY_ROWS;
    /** A report's XML is kept when it compresses to at most this many bytes (MariaDB's default packet is 16 MB). */
    public static final int MAX_RAW_GZIP_BYTES = 8 * 1024 * 1024;
    /** A refused report's content is kept when it is at most this many bytes. */
    public static final int MAX_REJECTED_CONTENT = 1024 * 1024;

    private static final String REPORT_COLUMNS = "r.report_key, r.org_name, r.email, r.extra_contact, r.report_id, "
            + "r.policy_domain, r.begin_at, r.end_at, r.report_format, r.pub_p, r.pub_sp, r.pub_np, r.pub_adkim, "
            + "r.pub_aspf, r.pub_pct, r.pub_fo, r.pub_testing, r.pub_discovery, r.origin, r.origin_name, "
            + "r.received_at, r.record_count, r.message_count, r.pass_count, raw.xml_bytes";
    /** The volume's sums over roll-up rows (V10: {@code dmarc_inbound_day}, {@code dmarc_inbound_source}). */
    private static final String ROLLUP_VOLUME_SUMS = "SUM(messages), SUM(dmarc_pass), SUM(dkim_pass), SUM(spf_pass)";

    private final JdbcHistoryStore store;

    /**
     * What {@link #rankSources} reads of V14's ranking index after (domain, day, source): the sums of messages and
     * DMARC passes, and the largest count of each forwarding override (positive when any was given: counts are never
     * negative), which costs PostgreSQL less per group than a sum. Nothing else: each aggregate costs per row, and the
     * biggest domain has tens of thousands of rows in a window.
     */
    static final List<String> RANK_COLUMNS = List.of("SUM(messages)", "SUM(dmarc_pass)", "MAX(ovr_forwarded)",
            "MAX(ovr_trusted_forwarder)", "MAX(ovr_mailing_list)");

    public InboundReportStore(JdbcHistoryStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    // ---------------------------------------------------------------- writes

    /** What {@link #begin} found. */
    public sealed interface Begin {
        /** The report is new: write its records, then commit. */
        record Started(ReportWriter writer) implements Begin {
        }

        /** The same report (org, report id, policy domain, date range) is stored already: nothing written. */
        record Duplicate(String id) implements Begin {
        }
    }

    /** A report's XML, gzip'd, and its size before compression. */
    public record RawXml(byte[] gzip, long xmlBytes) {
        public RawXml {
            Objects.requireNonNull(gzip, "gzip");
            if (gzip.length > MAX_RAW_GZIP_BYTES) {
                throw new IllegalArgumentException("a report's XML is kept up to " + MAX_RAW_GZIP_BYTES
                        + " gzip'd bytes, not " + gzip.length);
            }
        }
    }

    /** A committed report: its id, how many records and messages. */
    public record Stored(String id, long records, long messages) {
    }

    /** Starts storing {@code report}, or finds it stored already. */
    public Begin begin(InboundReport report) {
        Objects.requireNonNull(report, "report");
        String key = report.key();
        Connection c = null;
        try {
            c = store.dataSource().getConnection();
            c.setAutoCommit(false);
            if (exists(c, key)) {
                c.rollback();
                close(c);
                return new Begin.Duplicate(key);
            }
            try {
                insertReport(c, key, report);
            } catch (SQLException e) {
                rollback(c);
                if (DatabaseErrors.isRace(e)) {
                    close(c); // another ingest stored it meanwhile
                    return new Begin.Duplicate(key);
                }
                throw e;
            }
            return new Begin.Started(new ReportWriter(c, key, report));
        } catch (SQLException e) {
            if (c != null) {
                rollback(c);
                close(c);
            }
            throw new StoreException("inbound reports: " + DatabaseErrors.firstLine(e), e);
        }
    }

    /**
     * The records of one report being stored, in one transaction on one connection. Not thread-safe. Closing it
     * without {@link #commit} rolls everything back.
     */
    public final class ReportWriter implements AutoCloseable {
        private final Connection c;
        private final String key;
        private final InboundReport report;
        private final InboundRecordInserts rows;
        private final InboundRollup rollup;
        private long records;
        private long messages;
        private long passing;
        private boolean done;

        private ReportWriter(Connection c, String key, InboundReport report) throws SQLException {
            this.c = c;
            this.key = key;
            this.report = report;
            this.rollup = new InboundRollup(store.kind(), report);
            this.rows = InboundRecordInserts.open(c, store.kind());
        }

        /** The report's id. */
        public String id() {
            return key;
        }

        /**
         * Adds one record (written with the next batch).
         *
         * @throws ArithmeticException when the report's messages would sum past 2^63-1 (the report is then refused)
         */
        public void add(InboundRecord r) {
            ensureOpen();
            long total = Math.addExact(messages, r.count());
            long pass = r.dmarcPass() ? Math.addExact(passing, r.count()) : passing;
            try {
                rows.add(key, records, report, r);
                // The roll-up, a step of its own after the records: same transaction, so a rollback undoes both.
                if (rollup.add(r)) {
                    rollup.flush(c);
                }
            } catch (SQLException e) {
                throw failed(e);
            }
            messages = total;
            passing = pass;
            records++;
        }

        /** Records added so far. */
        public long records() {
            return records;
        }

        /** Writes the last batch, the totals and the XML (when given), and commits. */
        public Stored commit(Optional<RawXml> raw) {
            ensureOpen();
            try {
                flush();
                rollup.finish(c);
                try (PreparedStatement ps = c.prepareStatement("UPDATE dmarc_inbound_report SET record_count = ?, "
                        + "message_count = ?, pass_count = ? WHERE report_key = ?")) {
                    ps.setLong(1, records);
                    ps.setLong(2, messages);
                    ps.setLong(3, passing);
                    ps.setString(4, key);
                    ps.executeUpdate();
                }
                if (raw.isPresent()) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_inbound_raw (report_key, "
                            + "xml_bytes, xml_gzip) VALUES (?, ?, ?)")) {
                        ps.setString(1, key);
                        ps.setLong(2, raw.get().xmlBytes());
                        ps.setBinaryStream(3, new ByteArrayInputStream(raw.get().gzip()), raw.get().gzip().length);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                done = true;
                return new Stored(key, records, messages);
            } catch (SQLException e) {
                throw failed(e);
            } finally {
                if (done) {
                    release();
                }
            }
        }

        /** Rolls back unless committed. */
        @Override
        public void close() {
            if (!done) {
                done = true;
                rollback(c);
                release();
            }
        }

        private void flush() throws SQLException {
            rows.flush();
        }

        private void ensureOpen() {
            if (done) {
                throw new IllegalStateException("the report " + key + " was committed or closed already");
            }
        }

        private StoreException failed(SQLException e) {
            return new StoreException("storing the inbound report " + key + ": " + DatabaseErrors.firstLine(e), e);
        }

        private void release() {
            rows.close();
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the pool resets it
            }
            InboundReportStore.close(c);
        }
    }

    /**
     * Refused content: its key (128 bits of SHA-256 over the bytes read, hex), its size, and the bytes when at most
     * {@link #MAX_REJECTED_CONTENT}.
     */
    public record RejectedContent(String key, long size, Optional<byte[]> kept) {
        public RejectedContent {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(kept, "kept");
            if (kept.isPresent() && kept.get().length > MAX_REJECTED_CONTENT) {
                kept = Optional.empty();
            }
        }

        /** All of {@code content}. */
        public static RejectedContent of(byte[] content) {
            return new RejectedContent(rejectedKey(content), content.length, Optional.of(content));
        }
    }

    /**
     * Keeps a report that could not be read aside with {@code reason}; false when the same content was kept already.
     * The content is kept when it is at most {@link #MAX_REJECTED_CONTENT} bytes.
     */
    public boolean reject(InboundOrigin origin, String reason, byte[] content, Instant receivedAt) {
        return reject(origin, reason, RejectedContent.of(Objects.requireNonNull(content, "content")), receivedAt);
    }

    /** {@link #reject(InboundOrigin, String, byte[], Instant)} for content read as a stream. */
    public boolean reject(InboundOrigin origin, String reason, RejectedContent content, Instant receivedAt) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(content, "content");
        String key = content.key();
        return transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM dmarc_inbound_rejected WHERE rejected_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_inbound_rejected (rejected_key, origin, "
                    + "origin_name, reason, received_at, content_bytes, content) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, key);
                ps.setString(2, origin.kind().code());
                ps.setString(3, origin.name());
                ps.setString(4, Text.clean(reason, 1000));
                ps.setLong(5, receivedAt.getEpochSecond());
                ps.setLong(6, content.size());
                if (content.kept().isPresent()) {
                    ps.setBytes(7, content.kept().get());
                } else {
                    ps.setNull(7, Types.VARBINARY);
                }
                ps.executeUpdate();
                return true;
            }
        }, true, false);
    }

    /** The key of refused content: 128 bits of SHA-256 over it. */
    public static String rejectedKey(byte[] content) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(d.digest(content), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@link #storeFailure} did. */
    public enum FailureOutcome {
        STORED, DUPLICATE
    }

    /** Stores a failure report, once (the same report mailed twice is a duplicate). */
    public FailureOutcome storeFailure(InboundFailureReport f) {
        Objects.requireNonNull(f, "f");
        String key = f.key();
        return transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM dmarc_inbound_failure WHERE failure_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return FailureOutcome.DUPLICATE;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_inbound_failure (failure_key, received_at, "
                    + "origin, origin_name, reporter, feedback_type, auth_failure, policy_domain, source_ip, "
                    + "arrival_date, original_mail_from, original_rcpt_to, delivery_result, identity_alignment, "
                    + "dkim_domain, dkim_selector, spf_dns, auth_results, header_from, subject, original_headers) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = 1;
                ps.setString(i++, key);
                ps.setLong(i++, f.receivedAt().getEpochSecond());
                ps.setString(i++, f.origin().kind().code());
                ps.setString(i++, f.origin().name());
                ps.setString(i++, f.reporter());
                ps.setString(i++, f.feedbackType());
                ps.setString(i++, f.authFailure());
                ps.setString(i++, f.policyDomain());
                ps.setString(i++, f.sourceIp());
                if (f.arrivalDate().isPresent()) {
                    ps.setLong(i++, f.arrivalDate().get().getEpochSecond());
                } else {
                    ps.setNull(i++, Types.BIGINT);
                }
                for (Optional<String> s : List.of(f.originalMailFrom(), f.originalRcptTo(), f.deliveryResult(),
                        f.identityAlignment(), f.dkimDomain(), f.dkimSelector(), f.spfDns(), f.authResults(),
                        f.headerFrom(), f.subject())) {
                    ps.setString(i++, s.orElse(null));
                }
                ps.setString(i, f.originalHeaders());
                ps.executeUpdate();
                return FailureOutcome.STORED;
            }
        }, true, FailureOutcome.DUPLICATE);
    }

    // ---------------------------------------------------------------- reads

    /**
     * Per policy domain (or only {@code domain}) and UTC day: the volume, by domain then day (the day roll-up), over
     * the same days as {@link #domains} (from the day that holds {@code range}'s start), so that a domain's days add
     * up to its total.
     */
    public List<DayVolume> volumeByDay(Optional<String> domain, TimeRange range) {
        return read(c -> {
            String sql = "SELECT policy_domain, day_start, messages, dmarc_pass, dkim_pass, spf_pass FROM "
                    + "dmarc_inbound_day WHERE " + domainFilter(domain) + "day_start >= ? AND day_start < ? "
                    + "ORDER BY policy_domain, day_start";
            List<DayVolume> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = bindDomain(ps, domain);
                bindRange(ps, i, dayRange(range));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DayVolume(rs.getString(1),
                                LocalDate.ofInstant(Instant.ofEpochSecond(rs.getLong(2)), ZoneOffset.UTC),
                                new Volume(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6))));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Per policy domain (or only {@code domain}): what the receivers did with its messages in {@code range} (messages
     * per RFC 9990 ActionDispositionType, left out when zero), summed over every source from the day roll-up, over
     * the same days as {@link #domains}.
     */
    public Map<String, Map<ReportDisposition, Long>> dispositions(Optional<String> domain, TimeRange range) {
        return read(c -> {
            ReportDisposition[] order = ReportDisposition.values();
            String sql = "SELECT policy_domain, " + java.util.Arrays.stream(order)
                    .map(x -> "SUM(disp_" + x.keyword() + ")").collect(Collectors.joining(", "))
                    + " FROM dmarc_inbound_day WHERE " + domainFilter(domain)
                    + "day_start >= ? AND day_start < ? GROUP BY policy_domain";
            Map<String, Map<ReportDisposition, Long>> out = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = bindDomain(ps, domain);
                bindRange(ps, i, dayRange(range));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<ReportDisposition, Long> d = new EnumMap<>(ReportDisposition.class);
                        for (int k = 0; k < order.length; k++) {
                            putPositive(d, order[k], sum(rs, 2 + k));
                        }
                        out.put(rs.getString(1), d);
                    }
                }
            }
            return out;
        });
    }

    /** Every policy domain with reports in {@code range}: reports, records, volume; by decreasing volume. */
    public List<DomainSummary> domains(TimeRange range) {
        return read(c -> {
            Map<String, long[]> reports = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT policy_domain, COUNT(*), SUM(record_count) FROM "
                    + "dmarc_inbound_report WHERE begin_at >= ? AND begin_at < ? GROUP BY policy_domain")) {
                bindRange(ps, 1, range);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reports.put(rs.getString(1), new long[] {rs.getLong(2), sum(rs, 3)});
                    }
                }
            }
            List<DomainSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT policy_domain, " + ROLLUP_VOLUME_SUMS + " FROM "
                    + "dmarc_inbound_day WHERE day_start >= ? AND day_start < ? GROUP BY policy_domain")) {
                bindRange(ps, 1, dayRange(range));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long[] r = reports.getOrDefault(rs.getString(1), new long[] {0, 0});
                        out.add(new DomainSummary(rs.getString(1), r[0], r[1], volume(rs, 2)));
                    }
                }
            }
            for (Map.Entry<String, long[]> e : reports.entrySet()) {
                if (out.stream().noneMatch(d -> d.policyDomain().equals(e.getKey()))) {
                    out.add(new DomainSummary(e.getKey(), e.getValue()[0], e.getValue()[1], Volume.ZERO));
                }
            }
            out.sort(Comparator.comparingLong((DomainSummary d) -> d.volume().messages()).reversed()
                    .thenComparing(DomainSummary::policyDomain));
            return out;
        });
    }

    /**
     * The {@code limit} source IPs that sent the most messages as {@code domain} in {@code range} (ties by IP), each
     * with its volume, dispositions, override reasons and reporters; from the source roll-up (V10): the ranking of
     * {@link #rankSources}, then the full sums of the listed sources ({@link #sources}).
     */
    public List<SourceSummary> topSources(String domain, TimeRange range, int limit) {
        return sources(domain, range, rankSources(domain, range, limit).stream().map(SourceRank::sourceIp).toList());
    }

    /**
     * The {@code limit} source IPs that sent the most messages as {@code domain} in {@code range} (ties by IP), with
     * what the "ready for p=reject?" hint needs: one range of V14's index {@code dmarc_inbound_source_ranking}, which
     * holds these columns (no read of the table on PostgreSQL once vacuumed).
     */
    public List<SourceRank> rankSources(String domain, TimeRange range, int limit) {
        Objects.requireNonNull(domain, "domain");
        if (limit < 1 || limit > Page.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + Page.MAX_LIMIT + ": " + limit);
        }
        String d = domain.toLowerCase(java.util.Locale.ROOT);
        TimeRange days = dayRange(range);
        return read(c -> {
            List<SourceRank> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, "
                    + String.join(", ", RANK_COLUMNS)
                    + " FROM dmarc_inbound_source WHERE policy_domain = ? AND day_start >= ? AND day_start < ? "
                    + "GROUP BY source_ip ORDER BY SUM(messages) DESC, source_ip LIMIT ?")) {
                ps.setString(1, d);
                ps.setInt(bindRange(ps, 2, days), limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long[] v = new long[RANK_COLUMNS.size()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = sum(rs, 2 + i);
                        }
                        java.util.Set<PolicyOverride> forwarding = java.util.EnumSet.noneOf(PolicyOverride.class);
                        for (PolicyOverride x : SourceRank.FORWARDING) {
                            if (v[RANK_COLUMNS.indexOf("MAX(ovr_" + x.reportValue() + ")")] > 0) {
                                forwarding.add(x);
                            }
                        }
                        out.add(new SourceRank(rs.getString(1), v[0], v[1], forwarding));
                    }
                }
            }
            return out;
        });
    }

    /**
     * The sums of {@code ips} as sources of {@code domain} in {@code range}, in the order given (an IP without
     * records there is left out): volume, dispositions, override reasons, reporters.
     */
    public List<SourceSummary> sources(String domain, TimeRange range, List<String> ips) {
        Objects.requireNonNull(domain, "domain");
        if (ips.size() > Page.MAX_LIMIT) {
            throw new IllegalArgumentException("at most " + Page.MAX_LIMIT + " sources: " + ips.size());
        }
        if (ips.isEmpty()) {
            return List.of();
        }
        String d = domain.toLowerCase(java.util.Locale.ROOT);
        TimeRange days = dayRange(range);
        java.util.Set<String> wanted = new java.util.LinkedHashSet<>(ips);
        String in = String.join(", ", java.util.Collections.nCopies(wanted.size(), "?"));
        return read(c -> {
            Map<String, long[]> sums = new java.util.HashMap<>();
            int columns = InboundRollup.SOURCE_COLUMNS.size();
            try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, "
                    + InboundRollup.SOURCE_COLUMNS.stream().map(x -> "SUM(" + x + ")").collect(Collectors.joining(", "))
                    + " FROM dmarc_inbound_source WHERE policy_domain = ? AND day_start >= ? AND day_start < ? "
                    + "AND source_ip IN (" + in + ") GROUP BY source_ip")) {
                ps.setString(1, d);
                int i = bindRange(ps, 2, days);
                for (String ip : wanted) {
                    ps.setString(i++, ip);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long[] v = new long[columns];
                        for (int k = 0; k < columns; k++) {
                            v[k] = sum(rs, 2 + k);
                        }
                        sums.put(rs.getString(1), v);
                    }
                }
            }
            Map<String, Map<String, Long>> reporters = new java.util.HashMap<>();
            grouped(c, "SELECT source_ip, org_name, SUM(messages) FROM dmarc_inbound_source_org WHERE "
                    + "policy_domain = ? AND day_start >= ? AND day_start < ? AND source_ip IN (" + in + ") "
                    + "GROUP BY source_ip, org_name", d, days, wanted, (ip, k, n) -> reporters
                    .computeIfAbsent(ip, x -> new java.util.HashMap<>()).merge(k, n, InboundReportStore::saturatedAdd));
            List<SourceSummary> out = new ArrayList<>();
            for (String ip : wanted) {
                long[] v = sums.get(ip);
                if (v == null) {
                    continue;
                }
                Map<ReportDisposition, Long> dispositions = new EnumMap<>(ReportDisposition.class);
                for (ReportDisposition x : ReportDisposition.values()) {
                    putPositive(dispositions, x, v[InboundRollup.SOURCE_COLUMNS.indexOf("disp_" + x.keyword())]);
                }
                Map<PolicyOverride, Long> overrides = new EnumMap<>(PolicyOverride.class);
                for (PolicyOverride x : PolicyOverride.values()) {
                    putPositive(overrides, x, v[InboundRollup.SOURCE_COLUMNS.indexOf("ovr_" + x.reportValue())]);
                }
                out.add(new SourceSummary(ip, new Volume(v[0], v[1], v[2], v[3]), dispositions, overrides,
                        byCountDescending(reporters.getOrDefault(ip, Map.of()))));
            }
            return out;
        });
    }

    private static <K> void putPositive(Map<K, Long> map, K key, long n) {
        if (n > 0) {
            map.put(key, n);
        }
    }

    /** One report's metadata and totals, by id. */
    public Optional<ReportSummary> report(String id) {
        Objects.requireNonNull(id, "id");
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + REPORT_COLUMNS + " FROM dmarc_inbound_report r "
                    + "LEFT JOIN dmarc_inbound_raw raw ON raw.report_key = r.report_key WHERE r.report_key = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(summary(rs)) : Optional.<ReportSummary>empty();
                }
            }
        });
    }

    /**
     * Writes report {@code id}'s XML, as received, to {@code out}; false when there is no such report or its XML was
     * not kept (too large).
     */
    public boolean rawXml(String id, OutputStream out) throws IOException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(out, "out");
        byte[] gzip = read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT xml_gzip FROM dmarc_inbound_raw WHERE report_key = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : null;
                }
            }
        });
        if (gzip == null) {
            return false;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            in.transferTo(out);
        }
        return true;
    }

    /** Reports (of {@code domain}, or all), newest received first. */
    public List<ReportSummary> reports(Optional<String> domain, Page page) {
        return read(c -> {
            String sql = "SELECT " + REPORT_COLUMNS + " FROM dmarc_inbound_report r LEFT JOIN dmarc_inbound_raw raw "
                    + "ON raw.report_key = r.report_key " + (domain.isPresent() ? "WHERE r.policy_domain = ? " : "")
                    + "ORDER BY r.received_at DESC, r.report_key LIMIT ? OFFSET ?";
            List<ReportSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (domain.isPresent()) {
                    ps.setString(i++, domain.get().toLowerCase(java.util.Locale.ROOT));
                }
                ps.setInt(i++, page.limit());
                ps.setInt(i, page.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(summary(rs));
                    }
                }
            }
            return out;
        });
    }

    /** The totals of every inbound table. */
    public Totals totals() {
        return read(c -> {
            long reports;
            long domains;
            long records;
            Volume volume;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(DISTINCT policy_domain), "
                    + "SUM(record_count) FROM dmarc_inbound_report"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                reports = rs.getLong(1);
                domains = rs.getLong(2);
                records = sum(rs, 3);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ROLLUP_VOLUME_SUMS + " FROM dmarc_inbound_day");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                volume = volume(rs, 1);
            }
            return new Totals(reports, records, domains, volume, count(c, "dmarc_inbound_rejected"),
                    count(c, "dmarc_inbound_failure"));
        });
    }

    /** Reports kept aside, newest first. */
    public List<Rejection> rejected(Page page) {
        return read(c -> {
            List<Rejection> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT rejected_key, origin, origin_name, reason, "
                    + "received_at, content_bytes, CASE WHEN content IS NULL THEN 0 ELSE 1 END FROM "
                    + "dmarc_inbound_rejected ORDER BY received_at DESC, rejected_key LIMIT ? OFFSET ?")) {
                ps.setInt(1, page.limit());
                ps.setInt(2, page.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Rejection(rs.getString(1), new InboundOrigin(InboundOrigin.Kind.of(rs.getString(2)),
                                rs.getString(3)), rs.getString(4), Instant.ofEpochSecond(rs.getLong(5)), rs.getLong(6),
                                rs.getInt(7) == 1));
                    }
                }
            }
            return out;
        });
    }

    /** Failure reports (about {@code domain}, or all), newest received first. */
    public List<StoredFailure> failures(Optional<String> domain, Page page) {
        return read(c -> {
            List<StoredFailure> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT failure_key, received_at, origin, origin_name, "
                    + "reporter, feedback_type, auth_failure, policy_domain, source_ip, arrival_date, "
                    + "original_mail_from, original_rcpt_to, delivery_result, identity_alignment, dkim_domain, "
                    + "dkim_selector, spf_dns, auth_results, header_from, subject, original_headers FROM "
                    + "dmarc_inbound_failure " + (domain.isPresent() ? "WHERE policy_domain = ? " : "")
                    + "ORDER BY received_at DESC, failure_key LIMIT ? OFFSET ?")) {
                int i = 1;
                if (domain.isPresent()) {
                    ps.setString(i++, domain.get().toLowerCase(java.util.Locale.ROOT));
                }
                ps.setInt(i++, page.limit());
                ps.setInt(i, page.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long arrival = rs.getLong(10);
                        Optional<Instant> arrivalDate = rs.wasNull() ? Optional.empty()
                                : Optional.of(Instant.ofEpochSecond(arrival));
                        out.add(new StoredFailure(rs.getString(1), new InboundFailureReport(
                                Instant.ofEpochSecond(rs.getLong(2)),
                                new InboundOrigin(InboundOrigin.Kind.of(rs.getString(3)), rs.getString(4)),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                arrivalDate, opt(rs, 11), opt(rs, 12), opt(rs, 13), opt(rs, 14), opt(rs, 15),
                                opt(rs, 16), opt(rs, 17), opt(rs, 18), opt(rs, 19), opt(rs, 20),
                                Objects.requireNonNullElse(rs.getString(21), ""))));
                    }
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- retention

    /** What {@link #expireBefore} deleted. */
    public record Expired(long reports, long records, long rejected, long failures) {
        public static final Expired NOTHING = new Expired(0, 0, 0, 0);
    }

    /**
     * Deletes the aggregate reports whose range began before the UTC day of {@code cutoff} (with their records, XML
     * and roll-up rows: records and roll-up are bucketed by that day, so whole days go and the roll-up stays the sum of
     * the records left), and the refused and failure reports received before {@code cutoff}. Each transaction deletes
     * at most {@code batchSize} records or roll-up rows of one report or domain-day, so ingest goes on meanwhile; a
     * failure half way leaves only whole steps done, and the next run finishes the rest.
     *
     * @throws IllegalArgumentException for a batch size below 1
     */
    public Expired expireBefore(Instant cutoff, int batchSize) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
        }
        long day = Math.floorDiv(cutoff.getEpochSecond(), 86_400L) * 86_400L;
        // The roll-up first: from here on the dashboard no longer shows the days being deleted.
        for (List<Object[]> keys = expiredDays(day, batchSize); !keys.isEmpty(); keys = expiredDays(day, batchSize)) {
            for (Object[] k : keys) {
                expireRollupDay((String) k[0], (Long) k[1], batchSize);
            }
        }
        long reports = 0;
        long records = 0;
        for (List<Object[]> keys = expiredReports(day, batchSize); !keys.isEmpty();
             keys = expiredReports(day, batchSize)) {
            for (Object[] k : keys) {
                records += expireReport((String) k[0], (Long) k[1], batchSize);
                reports++;
            }
        }
        long rejected = deleteReceivedBefore("dmarc_inbound_rejected", "rejected_key", cutoff, batchSize);
        long failures = deleteReceivedBefore("dmarc_inbound_failure", "failure_key", cutoff, batchSize);
        return new Expired(reports, records, rejected, failures);
    }

    private List<Object[]> expiredDays(long day, int limit) {
        return firstBefore("SELECT policy_domain, day_start FROM dmarc_inbound_day WHERE day_start < ? "
                + "ORDER BY day_start, policy_domain LIMIT ?", day, limit);
    }

    /** The first {@code limit} rows of {@code sql} (a text and a number column) below {@code bound}. */
    private List<Object[]> firstBefore(String sql, long bound, int limit) {
        return read(c -> {
            List<Object[]> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, bound);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Object[] {rs.getString(1), rs.getLong(2)});
                    }
                }
            }
            return out;
        });
    }

    /** One domain-day of the roll-up: its sources in steps of {@code batchSize}, then its day row. */
    private void expireRollupDay(String domain, long day, int batchSize) {
        for (String table : List.of("dmarc_inbound_source_org", "dmarc_inbound_source")) {
            while (true) {
                int deleted = transaction(c -> {
                    String last = null;
                    try (PreparedStatement ps = c.prepareStatement("SELECT source_ip FROM " + table + " WHERE "
                            + "policy_domain = ? AND day_start = ? ORDER BY source_ip LIMIT 1 OFFSET ?")) {
                        ps.setString(1, domain);
                        ps.setLong(2, day);
                        ps.setInt(3, batchSize - 1);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                last = rs.getString(1);
                            }
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE policy_domain = ? "
                            + "AND day_start = ?" + (last != null ? " AND source_ip <= ?" : ""))) {
                        ps.setString(1, domain);
                        ps.setLong(2, day);
                        if (last != null) {
                            ps.setString(3, last);
                        }
                        return ps.executeUpdate();
                    }
                }, false, 0);
                if (deleted == 0) {
                    break;
                }
            }
        }
        transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_inbound_day WHERE policy_domain = ? "
                    + "AND day_start = ?")) {
                ps.setString(1, domain);
                ps.setLong(2, day);
                return ps.executeUpdate();
            }
        }, false, 0);
    }

    private List<Object[]> expiredReports(long day, int limit) {
        return firstBefore("SELECT report_key, record_count FROM dmarc_inbound_report WHERE begin_at < ? "
                + "ORDER BY begin_at, report_key LIMIT ?", day, limit);
    }

    /** One report: its records in ordinal steps of {@code batchSize}, then its XML and its row; the records deleted. */
    private long expireReport(String key, long recordCount, int batchSize) {
        long deleted = 0;
        for (long from = Math.max(0, recordCount - 1) / batchSize * batchSize; from >= 0; from -= batchSize) {
            long lower = from;
            deleted += transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM dmarc_inbound_record WHERE report_key = ? "
                        + "AND ordinal >= ?")) {
                    ps.setString(1, key);
                    ps.setLong(2, lower);
                    return ps.executeUpdate();
                }
            }, false, 0);
        }
        transaction(c -> {
            for (String table : List.of("dmarc_inbound_raw", "dmarc_inbound_record", "dmarc_inbound_report")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE report_key = ?")) {
                    ps.setString(1, key);
                    ps.executeUpdate();
                }
            }
            return 0;
        }, false, 0);
        return deleted;
    }

    private long deleteReceivedBefore(String table, String keyColumn, Instant cutoff, int batchSize) {
        long deleted = 0;
        while (true) {
            int n = transaction(c -> {
                List<String> keys = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT " + keyColumn + " FROM " + table
                        + " WHERE received_at < ? ORDER BY received_at, " + keyColumn + " LIMIT ?")) {
                    ps.setLong(1, cutoff.getEpochSecond());
                    ps.setInt(2, batchSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            keys.add(rs.getString(1));
                        }
                    }
                }
                if (keys.isEmpty()) {
                    return 0;
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + keyColumn + " IN ("
                        + String.join(", ", java.util.Collections.nCopies(keys.size(), "?")) + ")")) {
                    for (int i = 0; i < keys.size(); i++) {
                        ps.setString(i + 1, keys.get(i));
                    }
                    return ps.executeUpdate();
                }
            }, false, 0);
            if (n == 0) {
                return deleted;
            }
            deleted += n;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static boolean exists(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM dmarc_inbound_report WHERE report_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insertReport(Connection c, String key, InboundReport r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_inbound_report (report_key, org_name, email, "
                + "extra_contact, report_id, policy_domain, begin_at, end_at, report_format, pub_p, pub_sp, pub_np, "
                + "pub_adkim, pub_aspf, pub_pct, pub_fo, pub_testing, pub_discovery, origin, origin_name, received_at, "
                + "record_count, message_count, pass_count) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)")) {
            InboundPolicy p = r.policy();
            int i = 1;
            ps.setString(i++, key);
            ps.setString(i++, r.orgName());
            ps.setString(i++, r.email());
            ps.setString(i++, r.extraContact().orElse(null));
            ps.setString(i++, r.reportId());
            ps.setString(i++, r.policyDomain());
            ps.setLong(i++, r.begin().getEpochSecond());
            ps.setLong(i++, r.end().getEpochSecond());
            ps.setString(i++, r.format().code());
            ps.setString(i++, p.p().map(Policy::tagValue).orElse(null));
            ps.setString(i++, p.sp().map(Policy::tagValue).orElse(null));
            ps.setString(i++, p.np().map(Policy::tagValue).orElse(null));
            ps.setString(i++, p.adkim().map(AlignmentMode::tagValue).orElse(null));
            ps.setString(i++, p.aspf().map(AlignmentMode::tagValue).orElse(null));
            if (p.pct().isPresent()) {
                ps.setShort(i++, (short) p.pct().getAsInt());
            } else {
                ps.setNull(i++, Types.SMALLINT);
            }
            ps.setString(i++, p.fo().orElse(null));
            ps.setString(i++, p.testing().map(t -> t ? "y" : "n").orElse(null));
            ps.setString(i++, p.discovery().map(Codes::of).orElse(null));
            ps.setString(i++, r.origin().kind().code());
            ps.setString(i++, r.origin().name());
            ps.setLong(i, r.receivedAt().getEpochSecond());
            ps.executeUpdate();
        }
    }

    /** The override types of a record, distinct, sorted, comma separated. */
    static String reasonTypes(List<InboundRecord.Reason> reasons) {
        return reasons.stream().map(r -> r.type().reportValue()).collect(Collectors.toCollection(TreeSet::new))
                .stream().collect(Collectors.joining(","));
    }

    private ReportSummary summary(ResultSet rs) throws SQLException {
        int pct = rs.getInt(15);
        OptionalInt pctValue = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(pct);
        InboundPolicy policy = new InboundPolicy(
                opt(rs, 10).map(v -> Policy.fromTagValue(v).orElseThrow()),
                opt(rs, 11).map(v -> Policy.fromTagValue(v).orElseThrow()),
                opt(rs, 12).map(v -> Policy.fromTagValue(v).orElseThrow()),
                opt(rs, 13).map(v -> AlignmentMode.fromTagValue(v.trim()).orElseThrow()),
                opt(rs, 14).map(v -> AlignmentMode.fromTagValue(v.trim()).orElseThrow()),
                pctValue, opt(rs, 16), opt(rs, 17).map(v -> v.trim().equals("y")),
                opt(rs, 18).map(v -> Codes.parse(DiscoveryMode.class, Codes::of, v)));
        InboundReport report = new InboundReport(rs.getString(2), rs.getString(3), opt(rs, 4), rs.getString(5),
                rs.getString(6), Instant.ofEpochSecond(rs.getLong(7)), Instant.ofEpochSecond(rs.getLong(8)),
                InboundFormat.of(rs.getString(9)), policy,
                new InboundOrigin(InboundOrigin.Kind.of(rs.getString(19)), rs.getString(20)),
                Instant.ofEpochSecond(rs.getLong(21)));
        long rawBytes = rs.getLong(25);
        boolean rawKept = !rs.wasNull();
        // Only the DMARC pass count is kept per report; DKIM and SPF shares are in the records' aggregates.
        Volume volume = new Volume(rs.getLong(23), rs.getLong(24), 0, 0);
        return new ReportSummary(rs.getString(1), report, rs.getLong(22), volume, rawKept, rawKept ? rawBytes : 0);
    }

    private static Optional<String> opt(ResultSet rs, int column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private interface Grouped {
        void accept(String sourceIp, String key, long messages);
    }

    private static void grouped(Connection c, String sql, String domain, TimeRange days, java.util.Set<String> ips,
                                Grouped sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, domain);
            int i = bindRange(ps, 2, days);
            for (String ip : ips) {
                ps.setString(i++, ip);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs.getString(1), rs.getString(2), sum(rs, 3));
                }
            }
        }
    }

    private static Map<String, Long> byCountDescending(Map<String, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static String domainFilter(Optional<String> domain) {
        return domain.isPresent() ? "policy_domain = ? AND " : "";
    }

    private static int bindDomain(PreparedStatement ps, Optional<String> domain) throws SQLException {
        if (domain.isPresent()) {
            ps.setString(1, domain.get().toLowerCase(java.util.Locale.ROOT));
            return 2;
        }
        return 1;
    }

    private static int bindRange(PreparedStatement ps, int from, TimeRange range) throws SQLException {
        ps.setLong(from, range.from().getEpochSecond());
        ps.setLong(from + 1, range.to().getEpochSecond());
        return from + 2;
    }

    /** Records are bucketed by the day their report begins: a range of begin times covers the days it touches. */
    private static TimeRange dayRange(TimeRange range) {
        long from = Math.floorDiv(range.from().getEpochSecond(), 86_400L) * 86_400L;
        return new TimeRange(Instant.ofEpochSecond(from), range.to());
    }

    private static Volume volume(ResultSet rs, int from) throws SQLException {
        return new Volume(sum(rs, from), sum(rs, from + 1), sum(rs, from + 2), sum(rs, from + 3));
    }

    /** A SUM column (NUMERIC or DECIMAL past BIGINT on every database) as a long, saturated; 0 for NULL. */
    private static long sum(ResultSet rs, int column) throws SQLException {
        BigDecimal v = rs.getBigDecimal(column);
        if (v == null) {
            return 0;
        }
        return v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : v.longValue();
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(Work<T> work) {
        try (Connection c = store.dataSource().getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("inbound reports: " + DatabaseErrors.firstLine(e), e);
        }
    }

    /** One transaction; a lost insert race returns {@code onRace} (the row is there: the other writer stored it). */
    private <T> T transaction(Work<T> work, boolean raceMeansStored, T onRace) {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException e) {
                rollback(c);
                if (raceMeansStored && DatabaseErrors.isRace(e)) {
                    return onRace;
                }
                throw e;
            } catch (RuntimeException e) {
                rollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("inbound reports: " + DatabaseErrors.firstLine(e), e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // returned to the pool or gone
        }
    }
}
