package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The {@code dmarc_inbound_record} rows of one report being stored, written on the report's connection inside its
 * transaction, a bounded chunk at a time (memory stays bounded whatever the report's size): on PostgreSQL one
 * {@code COPY ... FROM STDIN} per chunk ({@link PostgresCopy}: no parameters to bind, measured several times the
 * records/s of batched inserts), on H2 and MariaDB a JDBC batch (MariaDB Connector/J sends it as one bulk command).
 * Each chunk is a whole statement: between two chunks the connection is free for the writer's other statements.
 * Not thread-safe.
 */
abstract sealed class InboundRecordInserts implements AutoCloseable {

    static final String TABLE = "dmarc_inbound_record";
    static final String COLUMNS = "report_key, ordinal, policy_domain, day_start, source_ip, message_count, "
            + "disposition, dmarc_pass, dkim_pass, spf_pass, reason_types, reasons, header_from, envelope_from, "
            + "envelope_to, dkim_results, spf_results";

    /** Rows per JDBC batch (H2, MariaDB). */
    static final int BATCH_ROWS = 1000;
    /** Rows per COPY at most (PostgreSQL). */
    static final int COPY_ROWS = 10_000;
    /**
     * A COPY is sent once its text reaches this many characters (a row is at most about 10,000: its columns are
     * bounded), so a chunk holds at most about 2 MB whatever the rows hold.
     */
    static final int COPY_CHARS = 1 << 20;

    /** The inserts for {@code kind} on {@code c}. */
    static InboundRecordInserts open(Connection c, DatabaseKind kind) throws SQLException {
        return kind == DatabaseKind.POSTGRESQL ? new Copy(c) : new Batch(c);
    }

    /** Adds the row of {@code r}, the {@code ordinal}-th record (from 0) of {@code report} keyed {@code key}. */
    abstract void add(String key, long ordinal, InboundReport report, InboundRecord r) throws SQLException;

    /** Writes the rows added and not written yet. */
    abstract void flush() throws SQLException;

    /** Drops the rows not written (the transaction is rolled back or committed by the writer). */
    @Override
    public abstract void close();

    /** The row of {@code r}, in the order of {@link #COLUMNS}. */
    static void write(JdbcHistoryStore.Columns out, String key, long ordinal, InboundReport report, InboundRecord r)
            throws SQLException {
        out.text(key);
        out.bigint(ordinal);
        out.text(report.policyDomain());
        out.bigint(report.dayStart());
        out.text(r.sourceIp());
        out.bigint(r.count());
        out.text(r.disposition().keyword());
        out.smallint(flag(r.dmarcPass()));
        out.smallint(flag(r.dkimPass()));
        out.smallint(flag(r.spfPass()));
        out.text(InboundReportStore.reasonTypes(r.reasons()));
        out.text(lines(r.reasons().stream().map(x -> x.type().reportValue() + "\t" + x.comment().orElse("")), 2000));
        out.text(r.headerFrom());
        out.text(r.envelopeFrom().orElse(null));
        out.text(r.envelopeTo().orElse(null));
        out.text(lines(r.dkim().stream().map(d -> d.result().keyword() + "\t" + d.domain() + "\t"
                + d.selector().orElse("")), 4000));
        out.text(lines(r.spf().stream().map(s -> s.result().keyword() + "\t" + s.domain() + "\t"
                + s.scope().keyword()), 2000));
    }

    /**
     * Lines of TAB-separated fields (the schema's format of {@code reasons}, {@code dkim_results} and
     * {@code spf_results}), as many as fit in {@code max} characters. The fields come cleaned of control characters
     * by the records ({@link Text#clean}), so the only tabs and newlines are these separators.
     */
    private static String lines(java.util.stream.Stream<String> items, int max) {
        StringBuilder b = new StringBuilder();
        items.forEach(item -> {
            int extra = (b.length() == 0 ? 0 : 1) + item.length();
            if (!item.isEmpty() && b.length() + extra <= max) {
                if (b.length() > 0) {
                    b.append('\n');
                }
                b.append(item);
            }
        });
        return b.toString();
    }

    private static Short flag(boolean b) {
        return (short) (b ? 1 : 0);
    }

    /** PostgreSQL: the rows as COPY text, sent in chunks of {@link #COPY_ROWS} rows or {@link #COPY_CHARS}. */
    private static final class Copy extends InboundRecordInserts {
        private final Connection c;
        private final PostgresCopy.TextRows rows = new PostgresCopy.TextRows(64 * 1024);

        Copy(Connection c) {
            this.c = c;
        }

        @Override
        void add(String key, long ordinal, InboundReport report, InboundRecord r) throws SQLException {
            write(rows, key, ordinal, report, r);
            rows.endRow();
            if (rows.rows >= COPY_ROWS || rows.text.length() >= COPY_CHARS) {
                flush();
            }
        }

        @Override
        void flush() throws SQLException {
            if (rows.rows > 0) {
                PostgresCopy.copyRows(c, TABLE, COLUMNS, rows);
                rows.clear();
            }
        }

        @Override
        public void close() {
            rows.clear();
        }
    }

    /** H2, MariaDB: a prepared insert, sent in batches of {@link #BATCH_ROWS}. */
    private static final class Batch extends InboundRecordInserts {
        private final PreparedStatement insert;
        private int pending;

        Batch(Connection c) throws SQLException {
            insert = c.prepareStatement("INSERT INTO " + TABLE + " (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }

        @Override
        void add(String key, long ordinal, InboundReport report, InboundRecord r) throws SQLException {
            write(JdbcHistoryStore.parameters(insert, 1), key, ordinal, report, r);
            insert.addBatch();
            if (++pending >= BATCH_ROWS) {
                flush();
            }
        }

        @Override
        void flush() throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
                pending = 0;
            }
        }

        @Override
        public void close() {
            try {
                insert.close();
            } catch (SQLException ignored) {
                // closing the connection closes it too
            }
        }
    }
}
