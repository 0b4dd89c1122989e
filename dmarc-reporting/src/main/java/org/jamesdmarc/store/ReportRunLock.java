package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;

/**
 * The one report runner among several James nodes (and the {@code dmarc report send} command) sharing a database: a
 * lock the database holds for a connection this object keeps open for the run, released when it is closed or when
 * the connection dies (the holder's process killed, its host gone): another runner then takes it over. Not a lease
 * with a timeout: the database itself knows whether the holder's session is alive.
 *
 * <ul>
 *   <li>PostgreSQL: a session-level advisory lock, {@code pg_try_advisory_lock(key)}.</li>
 *   <li>MariaDB: {@code GET_LOCK(name, 0)} (a named lock of the session).</li>
 *   <li>H2 (one node, and the CLI through the auto-server): the row of {@code dmarc_report_lock} selected
 *       {@code FOR UPDATE} in a transaction kept open; another runner's attempt times out at once.</li>
 * </ul>
 *
 * <pre>
 * try (Optional&lt;ReportRunLock&gt; lock = ReportRunLock.tryAcquire(store) ...) — see {@link #tryAcquire}
 * </pre>
 */
public final class ReportRunLock implements AutoCloseable {

    /** The lock's name (MariaDB, H2's row) and, for PostgreSQL, its 64-bit key ("dmarcrpt" in ASCII). */
    public static final String NAME = "report-run";
    static final long POSTGRES_KEY = 0x646d61726372707AL;

    /** H2's own default wait for a locked row, given back to the pooled connection. */
    private static final int H2_LOCK_TIMEOUT_MS = 10_000;

    private final Connection connection;
    private final DatabaseKind kind;
    private boolean closed;

    private ReportRunLock(Connection connection, DatabaseKind kind) {
        this.connection = connection;
        this.kind = kind;
    }

    /**
     * Takes the run lock without waiting, on a connection of its own from the store's pool.
     *
     * @return the lock, or empty when another runner holds it
     * @throws StoreException when the database cannot be asked
     */
    public static Optional<ReportRunLock> tryAcquire(JdbcHistoryStore store) {
        Objects.requireNonNull(store, "store");
        Connection c;
        try {
            c = store.dataSource().getConnection();
        } catch (SQLException e) {
            throw new StoreException("cannot connect for the report run lock: " + DatabaseErrors.firstLine(e), e);
        }
        try {
            boolean taken = switch (store.kind()) {
                case POSTGRESQL -> queryBoolean(c, "SELECT pg_try_advisory_lock(" + POSTGRES_KEY + ")");
                case MARIADB -> queryBoolean(c, "SELECT GET_LOCK('dmarc-" + NAME + "', 0)");
                case H2 -> h2RowLock(c);
            };
            if (taken) {
                return Optional.of(new ReportRunLock(c, store.kind()));
            }
            c.close();
            return Optional.empty();
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException("taking the report run lock failed: " + DatabaseErrors.firstLine(e), e);
        }
    }

    private static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1); // PostgreSQL: boolean; MariaDB: 1, 0 or NULL
        }
    }

    private static boolean h2RowLock(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // This session's wait for a row another holds: give up at once (restored when the lock is closed).
            s.execute("SET LOCK_TIMEOUT 100");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM dmarc_report_lock WHERE name = ? FOR UPDATE")) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            // H2: 50200 lock timeout (another transaction holds the row), 40001 deadlock / concurrent update.
            if ("HYT00".equals(e.getSQLState()) || "40001".equals(e.getSQLState()) || e.getErrorCode() == 50200) {
                c.rollback();
                return false;
            }
            throw e;
        }
    }

    /**
     * Whether the lock is still ours: its connection answers. A runner asks before each hand-off and stops when it
     * is not (its session, and with it the lock, may be gone: another runner may hold it now).
     */
    public boolean held() {
        if (closed) {
            return false;
        }
        try {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Releases the lock and its connection (the connection's end would release it too). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Statement s = connection.createStatement()) {
            switch (kind) {
                case POSTGRESQL -> s.execute("SELECT pg_advisory_unlock(" + POSTGRES_KEY + ")");
                case MARIADB -> s.execute("SELECT RELEASE_LOCK('dmarc-" + NAME + "')");
                case H2 -> connection.rollback();
            }
        } catch (SQLException e) {
            // the connection is gone: so is the lock
        } finally {
            if (kind == DatabaseKind.H2) {
                try (Statement s = connection.createStatement()) {
                    connection.setAutoCommit(true);
                    s.execute("SET LOCK_TIMEOUT " + H2_LOCK_TIMEOUT_MS); // back in the pool for the writers
                } catch (SQLException e) {
                    // closing anyway
                }
            }
            closeQuietly(connection);
        }
    }

    /** The lock's connection, for tests that cut it. */
    Connection connection() {
        return connection;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // nothing to do
        }
    }
}
