package org.jamesdmarc.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The report counters of {@link HistoryScaleHarness}'s generated messages, made in this JVM from the generator
 * (the harness's SQL generator, row number by row number, in Java) and written with batched plain inserts in primary
 * key order: for embedded H2, whose {@code INSERT ... SELECT ... GROUP BY} over 10 million generated rows took more
 * than 30 minutes. The values, DKIM lines and SHA-256 keys are those of the harness's SQL counters and of the store's
 * roll-up; {@code verify-rollup --counters bulk} checks them row for row against the store's own roll-up over the
 * stored messages.
 *
 * <p>Rows go in key order, in batches of {@value #BATCH} and transactions of {@value #COMMIT_ROWS} (H2 2.3 has no
 * {@code SET LOG 0} or undo-log switch left to turn off: appending in key order is what makes it fast).
 */
final class BulkCounters {

    private static final char US = '\u001f';
    private static final char RS = '\u001e';
    private static final int BATCH = 1_000;
    private static final int COMMIT_ROWS = 50_000;

    private final long t0;
    private final long day;
    private final long messages;
    private final int domains;
    private final long slice;

    BulkCounters(long t0, long day, long messages, int domains, long slice) {
        this.t0 = t0;
        this.day = day;
        this.messages = messages;
        this.domains = domains;
        this.slice = slice;
    }

    /** What {@link #write} stored. */
    record Written(long rows, long policies, double groupSeconds, double writeSeconds) {
    }

    /** A policy row being counted: the latest message's time, its pub_p, the counts. */
    private static final class PolicyCount {
        long seenAt = Long.MIN_VALUE;
        String pubP;
        long messages;
        long dmarcPass;
    }

    /** One report row: its identity text (the SHA-256 input of the store's row key) and count. */
    private record OutRow(long periodHour, String domainKey, String rowKey, String policyDomain, String identity,
                          long messages) {
    }

    /** Groups every generated message into its counters, then inserts them (the tables must be empty). */
    Written write(Connection c) throws SQLException {
        long t = System.nanoTime();
        // period hour + domain + identity text -> messages; the identity text is the row key's hash input.
        Map<String, long[]> rows = new HashMap<>(4_000_000);
        Map<String, PolicyCount> policies = new HashMap<>(2 * domains);
        StringBuilder b = new StringBuilder(256);
        for (long g = 0; g < messages; g++) {
            Message m = new Message(g);
            b.setLength(0);
            b.append(m.periodHour).append(' ').append(m.dom).append(' ');
            m.identity(b);
            rows.computeIfAbsent(b.toString(), k -> new long[1])[0]++;
            PolicyCount p = policies.computeIfAbsent(m.periodHour + " " + m.dom, k -> new PolicyCount());
            if (m.receivedAt >= p.seenAt) {
                p.seenAt = m.receivedAt;
                p.pubP = m.pubP;
            }
            p.messages++;
            if (m.pass) {
                p.dmarcPass++;
            }
        }
        Map<String, String> domainKeys = new HashMap<>(2 * domains);
        List<OutRow> out = new ArrayList<>(rows.size());
        for (Map.Entry<String, long[]> e : rows.entrySet()) {
            String k = e.getKey();
            int s1 = k.indexOf(' ');
            int s2 = k.indexOf(' ', s1 + 1);
            String dom = k.substring(s1 + 1, s2);
            String identity = k.substring(s2 + 1);
            out.add(new OutRow(Long.parseLong(k.substring(0, s1)), domainKeys.computeIfAbsent(dom, BulkCounters::sha32),
                    sha32(identity), dom, identity, e.getValue()[0]));
        }
        rows.clear();
        out.sort(Comparator.comparingLong(OutRow::periodHour).thenComparing(OutRow::domainKey)
                .thenComparing(OutRow::rowKey));
        double group = (System.nanoTime() - t) / 1e9;
        t = System.nanoTime();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            long policyRows = writePolicies(c, policies, domainKeys);
            long rowCount = writeRows(c, out);
            return new Written(rowCount, policyRows, group, (System.nanoTime() - t) / 1e9);
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private long writeRows(Connection c, List<OutRow> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_report_row (period_hour, domain_key, "
                + "policy_domain, row_key, shard, source_ip, disposition, dkim_aligned, spf_aligned, overrides, header_from, "
                + "envelope_from, envelope_to, spf_domain, spf_scope, spf_result, dkim_results, messages, slice_seconds) "
                + "VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long n = 0;
            for (OutRow r : out) {
                ps.setLong(1, r.periodHour());
                ps.setString(2, r.domainKey());
                ps.setString(3, r.policyDomain());
                ps.setString(4, r.rowKey());
                String[] f = fields(r.identity());
                for (int i = 0; i < f.length; i++) {
                    if (f[i] == null) {
                        ps.setNull(5 + i, Types.VARCHAR);
                    } else {
                        ps.setString(5 + i, f[i]);
                    }
                }
                ps.setLong(17, r.messages());
                ps.setInt(18, (int) slice);
                ps.addBatch();
                if (++n % BATCH == 0) {
                    ps.executeBatch();
                }
                if (n % COMMIT_ROWS == 0) {
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
            return n;
        }
    }

    private long writePolicies(Connection c, Map<String, PolicyCount> policies, Map<String, String> domainKeys)
            throws SQLException {
        List<Map.Entry<String, PolicyCount>> sorted = new ArrayList<>(policies.entrySet());
        List<Object[]> keyed = new ArrayList<>(sorted.size());
        for (Map.Entry<String, PolicyCount> e : sorted) {
            String k = e.getKey();
            int s1 = k.indexOf(' ');
            String dom = k.substring(s1 + 1);
            keyed.add(new Object[] {Long.parseLong(k.substring(0, s1)), domainKeys.computeIfAbsent(dom, BulkCounters::sha32),
                dom, e.getValue()});
        }
        keyed.sort(Comparator.comparingLong((Object[] o) -> (Long) o[0]).thenComparing(o -> (String) o[1]));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dmarc_report_policy (period_hour, domain_key, "
                + "policy_domain, shard, seen_at, discovery_mode, pub_p, pub_sp, pub_np, pub_psd, pub_testing, pub_adkim, "
                + "pub_aspf, pub_fo, pub_rua, pub_ruf, pub_pct, messages, dmarc_pass, slice_seconds) VALUES (?, ?, ?, 0, ?, "
                + "'treewalk', ?, NULL, NULL, 'u', FALSE, 'r', 'r', '0', ?, NULL, NULL, ?, ?, ?)")) {
            long n = 0;
            for (Object[] o : keyed) {
                PolicyCount p = (PolicyCount) o[3];
                ps.setLong(1, (Long) o[0]);
                ps.setString(2, (String) o[1]);
                ps.setString(3, (String) o[2]);
                ps.setLong(4, p.seenAt);
                ps.setString(5, p.pubP);
                ps.setString(6, "mailto:dmarc@" + o[2]);
                ps.setLong(7, p.messages);
                ps.setLong(8, p.dmarcPass);
                ps.setInt(9, (int) slice);
                ps.addBatch();
                if (++n % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
            return n;
        }
    }

    /** The identity text's twelve fields (null where RS US stood). */
    private static String[] fields(String identity) {
        String[] f = new String[12];
        int from = 0;
        for (int i = 0; i < 12; i++) {
            int end = identity.indexOf(US, from);
            String v = identity.substring(from, end);
            f[i] = v.equals(String.valueOf(RS)) ? null : v;
            from = end + 1;
        }
        return f;
    }

    /** 32 hex digits: the first 128 bits of SHA-256 over the UTF-8 of {@code text} (the store's keys). */
    private static String sha32(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One generated message: the harness's SQL generator ({@code generator()}, {@code counterColumns()}) in Java. */
    private final class Message {
        final long receivedAt;
        final long periodHour;
        final String dom;
        final String pubP;
        final boolean pass;
        private final long d;
        private final long h2;
        private final long h3;
        private final int ef;
        private final long sr;
        private final boolean k0;
        private final boolean k0pass;
        private final boolean k1;

        Message(long g) {
            long h1 = Math.floorMod(g * 2654435761L, 4294967296L);
            h2 = Math.floorMod(g * 2246822519L + 374761393L, 4294967296L);
            h3 = Math.floorMod(g * 3266489917L + 668265263L, 4294967296L);
            long h4 = Math.floorMod(g * 668265263L + 2246822519L, 4294967296L);
            d = (long) Math.floor(Math.exp((double) h1 / 4294967296.0 * Math.log(domains))) - 1;
            dom = "d" + d + ".example";
            long e = (h3 / 10) % 20;
            ef = e == 1 ? 0 : e >= 2 && e <= 5 ? 2 : 1;
            sr = h4 % 10;
            k0 = (h4 / 10) % 10 < 9;
            k0pass = (h4 / 100) % 20 != 0;
            k1 = (h4 / 2000) % 10 < 4;
            long pol = d % 3;
            pubP = pol == 0 ? "none" : pol == 1 ? "quarantine" : "reject";
            pass = (k0 && k0pass) || (ef != 2 && sr < 8);
            receivedAt = t0 + g * day / messages;
            periodHour = Math.floorDiv(receivedAt, slice * 1000) * slice;
        }

        /** The twelve identity fields, each followed by US, a null as RS US (the store's row-key input). */
        void identity(StringBuilder b) {
            String envelopeFrom = ef == 0 ? null : ef == 1 ? "bounce." + dom : "bounce.esp" + (d % 50) + ".example";
            boolean polNone = d % 3 == 0;
            field(b, "10." + (d % 250) + "." + ((d / 250) % 250) + "." + (h2 % (d < 100 ? 200 : d < 10_000 ? 8 : 2)));
            field(b, pass && !polNone ? "pass" : pass ? "none" : pubP);
            field(b, k0 && k0pass ? "pass" : "fail");
            field(b, ef != 2 && sr < 8 ? "pass" : "fail");
            field(b, "");
            field(b, h3 % 10 == 0 ? "mail." + dom : dom);
            field(b, envelopeFrom);
            field(b, (h3 / 200) % 7 == 0 ? "james.local other.test" : "james.local");
            field(b, ef == 0 ? "mx." + dom : envelopeFrom);
            field(b, ef == 0 ? "helo" : "mfrom");
            field(b, sr < 8 ? "pass" : sr == 8 ? "softfail" : "fail");
            String k0Line = (k0pass ? "pass" : "fail") + "\t" + dom + "\ts" + (d % 3);
            List<String> dkim = new ArrayList<>(3);
            if (k0 && k0pass) {
                dkim.add(k0Line);
            }
            if (k1) {
                dkim.add("pass\tesp" + (d % 50) + ".example\ts2024");
            }
            if (k0 && !k0pass) {
                dkim.add(k0Line);
            }
            field(b, String.join("\n", dkim));
        }
    }

    private static void field(StringBuilder b, String value) {
        if (value == null) {
            b.append(RS);
        } else {
            b.append(value);
        }
        b.append(US);
    }
}
