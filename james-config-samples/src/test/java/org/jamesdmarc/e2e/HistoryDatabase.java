package org.jamesdmarc.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.jamesdmarc.testsupport.MissingTool;

/**
 * A history database of one test on this machine's real PostgreSQL (127.0.0.1:5432, user postgres, trust) or
 * MariaDB (127.0.0.1:3306, root without password): created empty under a unique name, read back directly (never
 * through a test's proxy), dropped at {@link #close()}. A server that cannot be reached goes through
 * {@link MissingTool} (skipped locally, failed in CI).
 */
final class HistoryDatabase implements AutoCloseable {

    enum Server {
        POSTGRESQL(5432, "jdbc:postgresql://127.0.0.1:%d/%s", "postgres", "postgres"),
        MARIADB(3306, "jdbc:mariadb://127.0.0.1:%d/%s", "root", "");

        final int port;
        private final String urlPattern;
        final String adminUser;
        private final String adminDatabase;

        Server(int port, String urlPattern, String adminUser, String adminDatabase) {
            this.port = port;
            this.urlPattern = urlPattern;
            this.adminUser = adminUser;
            this.adminDatabase = adminDatabase;
        }

        String url(int port, String database) {
            return String.format(urlPattern, port, database);
        }
    }

    private final Server server;
    private final String name;

    private HistoryDatabase(Server server, String name) {
        this.server = server;
        this.name = name;
    }

    static HistoryDatabase create(Server server) {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        HistoryDatabase db = new HistoryDatabase(server, "dmarc_e2e_" + HexFormat.of().formatHex(b));
        db.admin("CREATE DATABASE " + db.name);
        return db;
    }

    String name() {
        return name;
    }

    Server server() {
        return server;
    }

    /** The URL James uses, to the server itself or to a proxy on {@code port}. */
    String url(int port) {
        return server.url(port, name);
    }

    /** The URL of the server itself. */
    String url() {
        return url(server.port);
    }

    /** Runs one administrative statement as the server's admin user. */
    void admin(String sql) {
        Connection c;
        try {
            c = DriverManager.getConnection(server.url(server.port, server.adminDatabase), server.adminUser, "");
        } catch (SQLException e) {
            MissingTool.unavailable(server + " at 127.0.0.1:" + server.port + " is not reachable: " + e.getMessage());
            return;
        }
        try (c; Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + server, e);
        }
    }

    /** How many message rows and how many distinct message keys the history holds (0 and 0 before its schema). */
    Counts counts() throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), server.adminUser, "");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT count(*), count(DISTINCT message_key) FROM dmarc_message")) {
                rs.next();
                return new Counts(rs.getLong(1), rs.getLong(2));
            } catch (SQLException e) {
                // 42P01 (PostgreSQL) / 42S02 (MariaDB): no such table, James has not created the schema yet.
                if ("42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState())) {
                    return new Counts(0, 0);
                }
                throw e;
            }
        }
    }

    /** Polls until the history holds at least {@code rows} rows or {@code timeout} passes; the last counts. */
    Counts awaitRows(long rows, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Counts c = counts();
            if (c.rows() >= rows || System.nanoTime() - deadline > 0) {
                return c;
            }
            Thread.sleep(250);
        }
    }

    /** Rows of {@code dmarc_message} and distinct keys among them. */
    record Counts(long rows, long distinctKeys) {
    }

    @Override
    public void close() {
        admin(server == Server.POSTGRESQL ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
                : "DROP DATABASE IF EXISTS " + name);
    }
}
