package org.jamesdmarc.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.jamesdmarc.testsupport.MissingTool;

/**
 * The three databases the store is tested against: embedded H2 (a file in a temporary directory) and this
 * machine's real MariaDB (127.0.0.1:3306, root without password) and PostgreSQL (127.0.0.1:5432, trust
 * authentication, user postgres). Each test gets a database of its own, created empty and dropped after. A server
 * that cannot be reached skips the test loudly, or fails it in CI ({@link MissingTool}).
 */
public enum Backend {
    H2 {
        @Override
        public TestDatabase create(Path tmp) {
            return new TestDatabase(this, "jdbc:h2:file:" + tmp.resolve("history").toAbsolutePath(), "sa", () -> { });
        }

        @Override
        String unreachableUrl() {
            return "jdbc:h2:tcp://127.0.0.1:1/nowhere"; // H2 refuses a password both in the URL and given
        }
    },
    MARIADB {
        @Override
        public TestDatabase create(Path tmp) {
            String name = uniqueName();
            admin("jdbc:mariadb://127.0.0.1:3306/", "root", "MariaDB at 127.0.0.1:3306 (Debian package mariadb-server)",
                    "CREATE DATABASE " + name);
            // Through the mysql scheme: it must be served by the MariaDB driver.
            return new TestDatabase(this, "jdbc:mysql://127.0.0.1:3306/" + name, "root",
                    () -> admin("jdbc:mariadb://127.0.0.1:3306/", "root", "MariaDB", "DROP DATABASE IF EXISTS " + name));
        }

        @Override
        String unreachableUrl() {
            return "jdbc:mariadb://127.0.0.1:1/nowhere?password=s3cret-in-url";
        }
    },
    POSTGRESQL {
        @Override
        public TestDatabase create(Path tmp) {
            String name = uniqueName();
            admin("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres",
                    "PostgreSQL at 127.0.0.1:5432 (Debian package postgresql)", "CREATE DATABASE " + name);
            return new TestDatabase(this, "jdbc:postgresql://127.0.0.1:5432/" + name, "postgres",
                    () -> admin("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "PostgreSQL",
                            "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
        }

        @Override
        String unreachableUrl() {
            return "jdbc:postgresql://127.0.0.1:1/nowhere?password=s3cret-in-url";
        }
    };

    /** A new empty database for one test. */
    public abstract TestDatabase create(Path tmp);

    /** A URL of this kind where nothing listens, with a password in it that no error may show. */
    abstract String unreachableUrl();

    private static String uniqueName() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return "dmarc_test_" + HexFormat.of().formatHex(b);
    }

    private static void admin(String url, String user, String server, String sql) {
        Connection c;
        try {
            c = DriverManager.getConnection(url, user, "");
        } catch (SQLException e) {
            MissingTool.unavailable(server + " is not reachable: " + e.getMessage());
            return;
        }
        try (c; Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + url + " failed", e);
        }
    }

    /** One test's database: its URL and user, and how to drop it. */
    public record TestDatabase(Backend backend, String url, String user, Runnable dropper) {
        public StoreConfig config() {
            return new StoreConfig(url, user, Secret.none(), 2);
        }

        public void drop() {
            dropper.run();
        }
    }
}
