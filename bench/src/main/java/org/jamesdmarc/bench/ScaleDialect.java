package org.jamesdmarc.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * What the benchmark harnesses need to know of each database this machine runs: where its server is (PostgreSQL
 * 127.0.0.1:5432 user postgres, MariaDB 127.0.0.1:3306 root, H2 a file), how to create and drop a database of
 * their own, and the few SQL spellings that differ between the three (a number series, casts, list aggregation).
 */
enum ScaleDialect {
    POSTGRESQL, MARIADB, H2;

    static ScaleDialect of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "postgresql", "pg", "postgres" -> POSTGRESQL;
            case "mariadb", "mysql" -> MARIADB;
            case "h2" -> H2;
            default -> throw new IllegalArgumentException("backend must be postgresql, mariadb or h2: " + name);
        };
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The user of this machine's server (trust / no password). */
    String user() {
        return switch (this) {
            case POSTGRESQL -> "postgres";
            case MARIADB -> "root";
            case H2 -> "sa";
        };
    }

    /** The JDBC URL of database {@code name} (for H2: a file {@code name} in {@code h2Dir}). */
    String url(String name, Path h2Dir) {
        return switch (this) {
            case POSTGRESQL -> "jdbc:postgresql://127.0.0.1:5432/" + name;
            case MARIADB -> "jdbc:mariadb://127.0.0.1:3306/" + name;
            case H2 -> "jdbc:h2:file:" + h2Dir.resolve(name).toAbsolutePath();
        };
    }

    /** Creates an empty database {@code name}, dropping one of that name first. */
    void create(String name, Path h2Dir) throws SQLException {
        drop(name, h2Dir);
        switch (this) {
            case POSTGRESQL -> admin("CREATE DATABASE " + name);
            case MARIADB -> admin("CREATE DATABASE " + name);
            case H2 -> { } // created on first connection
        }
    }

    /** Drops database {@code name} (deletes the H2 files). */
    void drop(String name, Path h2Dir) throws SQLException {
        switch (this) {
            case POSTGRESQL -> admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            case MARIADB -> admin("DROP DATABASE IF EXISTS " + name);
            case H2 -> {
                for (String suffix : new String[] {".mv.db", ".trace.db", ".lock.db"}) {
                    try {
                        java.nio.file.Files.deleteIfExists(h2Dir.resolve(name + suffix));
                    } catch (java.io.IOException e) {
                        throw new SQLException("cannot delete the H2 file " + name + suffix + ": " + e, e);
                    }
                }
            }
        }
    }

    private void admin(String sql) throws SQLException {
        String url = this == POSTGRESQL ? "jdbc:postgresql://127.0.0.1:5432/postgres" : "jdbc:mariadb://127.0.0.1:3306/";
        try (Connection c = DriverManager.getConnection(url, user(), "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A derived table of the integers 0..n-1 in a column {@code g}. */
    String series(long n) {
        return switch (this) {
            case POSTGRESQL -> "(SELECT g FROM generate_series(0::bigint, " + (n - 1) + "::bigint) AS gs(g))";
            case MARIADB -> "(SELECT seq AS g FROM seq_0_to_" + (n - 1) + ")";
            case H2 -> "(SELECT X AS g FROM SYSTEM_RANGE(0, " + (n - 1) + "))";
        };
    }

    String toDouble(String expr) {
        return this == MARIADB ? "CAST(" + expr + " AS DOUBLE)" : "CAST(" + expr + " AS DOUBLE PRECISION)";
    }

    String toBigint(String expr) {
        return this == MARIADB ? "CAST(" + expr + " AS SIGNED)" : "CAST(" + expr + " AS BIGINT)";
    }

    /** Integer division of two integer expressions. */
    String idiv(String a, String b) {
        return this == MARIADB ? "((" + a + ") DIV (" + b + "))" : "((" + a + ") / (" + b + "))";
    }

    /** 32 lower-case hex digits from the integer {@code g}, in no particular order (like real message keys). */
    String hexKey(String g) {
        return switch (this) {
            case POSTGRESQL -> "md5(CAST(" + g + " AS VARCHAR))";
            case MARIADB -> "MD5(" + g + ")";
            case H2 -> "LOWER(LEFT(RAWTOHEX(HASH('SHA-256', CAST(" + g + " AS VARCHAR))), 32))";
        };
    }

    /** The character with code {@code n}. */
    String chr(int n) {
        return this == POSTGRESQL ? "chr(" + n + ")" : "CHAR(" + n + ")";
    }

    /** 32 lower-case hex digits: the first 128 bits of SHA-256 over the UTF-8 of the text {@code expr}. */
    String sha256Hex32(String expr) {
        return switch (this) {
            case POSTGRESQL -> "substr(encode(sha256(convert_to(" + expr + ", 'UTF8')), 'hex'), 1, 32)";
            case MARIADB -> "LEFT(SHA2(" + expr + ", 256), 32)";
            case H2 -> "LOWER(LEFT(RAWTOHEX(HASH('SHA-256', CAST(" + expr + " AS VARCHAR))), 32))";
        };
    }

    /** The values of {@code expr} over a group, space separated, in {@code order}. */
    String listAgg(String expr, String order) {
        return switch (this) {
            case POSTGRESQL -> "string_agg(" + expr + ", ' ' ORDER BY " + order + ")";
            case MARIADB -> "GROUP_CONCAT(" + expr + " ORDER BY " + order + " SEPARATOR ' ')";
            case H2 -> "LISTAGG(" + expr + ", ' ') WITHIN GROUP (ORDER BY " + order + ")";
        };
    }
}
