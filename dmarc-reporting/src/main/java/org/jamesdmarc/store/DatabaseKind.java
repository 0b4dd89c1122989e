package org.jamesdmarc.store;

import java.util.Locale;

/**
 * The databases the history store runs on, by JDBC URL scheme. {@code mysql} URLs are served by the MariaDB
 * driver (MariaDB Connector/J speaks the MySQL protocol): the URL is rewritten to {@code jdbc:mariadb:}.
 */
public enum DatabaseKind {
    /** Embedded (a file) or H2 server mode: the default, under the James home. */
    H2("h2", "org.h2.Driver"),
    /** MariaDB, and MySQL through the MariaDB driver. */
    MARIADB("mariadb", "org.mariadb.jdbc.Driver"),
    /** PostgreSQL: the one for several James nodes. */
    POSTGRESQL("postgresql", "org.postgresql.Driver");

    private final String scheme;
    private final String driverClassName;

    DatabaseKind(String scheme, String driverClassName) {
        this.scheme = scheme;
        this.driverClassName = driverClassName;
    }

    /** The JDBC URL scheme, as in {@code jdbc:<scheme>:...}. */
    public String scheme() {
        return scheme;
    }

    /** The driver class, given to the pool explicitly (extension jars load through James's class loader). */
    public String driverClassName() {
        return driverClassName;
    }

    /**
     * The kind and the URL to give the driver for {@code jdbcUrl}.
     *
     * @throws StoreException for a URL that is not {@code jdbc:h2:}, {@code jdbc:mariadb:}, {@code jdbc:mysql:}
     *                        or {@code jdbc:postgresql:}
     */
    static Resolved resolve(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.strip();
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:")) {
            throw new StoreException("not a JDBC URL: '" + StoreConfig.redact(url)
                    + "' (expected jdbc:h2:, jdbc:mariadb:, jdbc:mysql: or jdbc:postgresql:)");
        }
        int colon = lower.indexOf(':', 5);
        String scheme = colon < 0 ? lower.substring(5) : lower.substring(5, colon);
        String rest = colon < 0 ? "" : url.substring(colon);
        return switch (scheme) {
            case "h2" -> new Resolved(H2, "jdbc:h2" + rest);
            case "mariadb" -> new Resolved(MARIADB, "jdbc:mariadb" + rest);
            case "mysql" -> new Resolved(MARIADB, "jdbc:mariadb" + rest);
            case "postgresql" -> new Resolved(POSTGRESQL, "jdbc:postgresql" + rest);
            default -> throw new StoreException("unsupported JDBC URL scheme '" + scheme + "' in "
                    + StoreConfig.redact(url) + " (use h2, mariadb, mysql or postgresql)");
        };
    }

    /** A URL's kind and the URL for its driver. */
    record Resolved(DatabaseKind kind, String driverUrl) {
    }
}
