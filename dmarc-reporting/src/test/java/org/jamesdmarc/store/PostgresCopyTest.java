package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The COPY text rows (the rows themselves reach PostgreSQL in {@code JdbcHistoryStoreTest}). */
class PostgresCopyTest {

    @Test
    void columnsAreTabSeparatedRowsNewlineEndedAndNullIsBackslashN() {
        PostgresCopy.TextRows rows = new PostgresCopy.TextRows(16);
        rows.text("a");
        rows.bigint(1796083200000L);
        rows.smallint(null);
        rows.bool(true);
        rows.text(null);
        rows.endRow();
        rows.smallint((short) 3);
        rows.bool(false);
        rows.bool(null);
        rows.endRow();

        assertThat(rows.text.toString()).isEqualTo("a\t1796083200000\t\\N\tt\t\\N\n3\tf\t\\N\n");
        assertThat(rows.rows).isEqualTo(2);
    }

    @Test
    void backslashTabNewlineAndCarriageReturnInAValueAreEscaped() {
        PostgresCopy.TextRows rows = new PostgresCopy.TextRows(16);
        rows.text("a\\b\tc\nd\re\\N");
        rows.text("");
        rows.endRow();

        // An empty string stays an empty column, distinct from \N; a literal "\N" becomes "\\N".
        assertThat(rows.text.toString()).isEqualTo("a\\\\b\\tc\\nd\\re\\\\N\t\n");
    }
}
