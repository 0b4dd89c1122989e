package org.jamesdmarc.store;

import java.sql.SQLException;

/** Turns a driver's {@link SQLException} into a one-line {@link StoreException} an operator can act on. */
final class DatabaseErrors {

    /** H2's "connection broken" (its TCP client could not reach the server). */
    private static final int H2_CONNECTION_BROKEN = 90067;
    /** H2's "wrong user name or password". */
    private static final int H2_WRONG_USER_OR_PASSWORD = 28000;
    /** MariaDB/MySQL ER_ACCESS_DENIED_ERROR and ER_DBACCESS_DENIED_ERROR. */
    private static final int MYSQL_ACCESS_DENIED = 1045;
    private static final int MYSQL_DB_ACCESS_DENIED = 1044;

    /** H2's SQLSTATE for "timeout trying to lock table" (error 50200). */
    private static final String H2_LOCK_TIMEOUT = "HYT00";

    private DatabaseErrors() {
    }

    /** The error for a failure to connect to the database of {@code config}. */
    static StoreException connecting(StoreConfig config, SQLException e) {
        String url = config.redactedUrl();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // SQLSTATE class 28: invalid authorization specification (SQL standard; PostgreSQL, MariaDB, H2).
        if (state.startsWith("28") || e.getErrorCode() == MYSQL_ACCESS_DENIED || e.getErrorCode() == MYSQL_DB_ACCESS_DENIED
                || e.getErrorCode() == H2_WRONG_USER_OR_PASSWORD) {
            return new StoreException("the database at " + url + " refused the credentials of user '" + config.user()
                    + "': " + firstLine(e), e);
        }
        // SQLSTATE class 08: connection exception.
        if (state.startsWith("08") || e.getErrorCode() == H2_CONNECTION_BROKEN) {
            return new StoreException("cannot reach the database at " + url + ": " + firstLine(e), e);
        }
        return new StoreException("cannot open the database at " + url + ": " + firstLine(e), e);
    }

    /** The error for a failed statement on the database of {@code config}. */
    static StoreException failed(String what, StoreConfig config, SQLException e) {
        return new StoreException(what + " failed on " + config.redactedUrl() + ": " + firstLine(e), e);
    }

    /**
     * A failure from racing another writer, worth running the transaction again: SQLSTATE class 23 (integrity
     * constraint violation: a key written meanwhile) or 40 (transaction rollback: deadlock, serialization), and H2's
     * lock timeout.
     */
    static boolean isRace(SQLException e) {
        // A batch failure may carry the state only on a chained exception (getNextException) or on its cause
        // (H2's batch update exception): look at both, a bounded number of links.
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        todo.add(e);
        for (int seen = 0; !todo.isEmpty() && seen < 32; seen++) {
            Throwable t = todo.poll();
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && (state.startsWith("23") || state.startsWith("40") || state.equals(H2_LOCK_TIMEOUT))) {
                    return true;
                }
                if (s.getNextException() != null) {
                    todo.add(s.getNextException());
                }
            }
            if (t.getCause() != null && t.getCause() != t) {
                todo.add(t.getCause());
            }
        }
        return false;
    }

    /** The first line of an exception's message (drivers add hints, positions, stack-like detail). */
    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
