package org.jamesdmarc.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.jamesdmarc.check.EvaluationRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL's {@code COPY ... FROM STDIN} (text format) for {@link JdbcHistoryStore}'s first insert attempt and
 * {@link InboundRecordInserts}' inbound records: the
 * rows of a batch as one stream, instead of bound parameters. The only class of the store that uses the PostgreSQL
 * driver's own API, so that the store loads without that driver when another database is configured.
 */
final class PostgresCopy {

    private PostgresCopy() {
    }

    /** Writes one row's columns of a record. */
    @FunctionalInterface
    interface RowWriter {
        void write(JdbcHistoryStore.Columns out, EvaluationRecord r) throws SQLException;
    }

    /** Copies one row per record into {@code table} ({@code columns} in the order {@code writer} writes them). */
    static void copy(Connection c, String table, String columns, List<EvaluationRecord> records, RowWriter writer)
            throws SQLException {
        TextRows rows = new TextRows(records.size() * 320);
        for (EvaluationRecord r : records) {
            writer.write(rows, r);
            rows.endRow();
        }
        copyIn(c, table, columns, rows);
    }

    /** Copies every DKIM signature of the records into {@code table}. */
    static void copyDkim(Connection c, String table, String columns, List<EvaluationRecord> records)
            throws SQLException {
        TextRows rows = new TextRows(records.size() * 100);
        for (EvaluationRecord r : records) {
            for (int i = 0; i < r.dkim().size(); i++) {
                JdbcHistoryStore.writeDkim(rows, r, i);
                rows.endRow();
            }
        }
        if (rows.rows > 0) {
            copyIn(c, table, columns, rows);
        }
    }

    /** Copies {@code rows} into {@code table} ({@code columns} in the order the rows hold them). */
    static void copyRows(Connection c, String table, String columns, TextRows rows) throws SQLException {
        copyIn(c, table, columns, rows);
    }

    /**
     * The rows as one UTF-8 write (the driver's client encoding). Not the driver's {@code copyIn(String, Reader)}: it
     * allocates a 64 K-char buffer and its encoded copy for every COPY, ~190 KB per message when a batch holds one or
     * two records (JFR of the whole-James benchmark, 2026-12-02).
     */
    private static void copyIn(Connection c, String table, String columns, TextRows rows) throws SQLException {
        byte[] bytes = rows.text.toString().getBytes(StandardCharsets.UTF_8);
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
        try {
            if (bytes.length > 0) {
                copy.writeToCopy(bytes, 0, bytes.length);
            }
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /**
     * Rows in COPY's text format: columns separated by a tab, rows ended by a newline, {@code \N} for NULL, and in
     * values a backslash, tab, newline and carriage return written as backslash sequences (PostgreSQL
     * documentation, COPY, "Text Format").
     */
    static final class TextRows implements JdbcHistoryStore.Columns {
        final StringBuilder text;
        private boolean first = true;
        int rows;

        private final int initialCapacity;

        TextRows(int capacity) {
            text = new StringBuilder(capacity);
            initialCapacity = capacity;
        }

        private void separate() {
            if (!first) {
                text.append('\t');
            }
            first = false;
        }

        /** Empties the rows, keeping the buffer (shrunk when a big row grew it past its first size). */
        void clear() {
            text.setLength(0);
            if (text.capacity() > initialCapacity * 4) {
                text.trimToSize();
            }
            first = true;
            rows = 0;
        }

        void endRow() {
            text.append('\n');
            first = true;
            rows++;
        }

        @Override
        public void text(String value) {
            separate();
            if (value == null) {
                text.append("\\N");
                return;
            }
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                switch (ch) {
                    case '\\' -> text.append("\\\\");
                    case '\t' -> text.append("\\t");
                    case '\n' -> text.append("\\n");
                    case '\r' -> text.append("\\r");
                    default -> text.append(ch);
                }
            }
        }

        @Override
        public void bigint(long value) {
            separate();
            text.append(value);
        }

        @Override
        public void smallint(Short value) {
            separate();
            if (value == null) {
                text.append("\\N");
            } else {
                text.append(value.shortValue());
            }
        }

        @Override
        public void bool(Boolean value) {
            separate();
            if (value == null) {
                text.append("\\N");
            } else {
                text.append(value ? 't' : 'f');
            }
        }
    }
}
