package org.jamesdmarc.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The history schema and its versioned migrations (Flyway, scripts in {@value #LOCATION}). Flyway is given our
 * class loader explicitly: in James the store's jars load through the extension class loader, which is not the
 * thread's context class loader.
 */
final class HistorySchema {

    static final String LOCATION = "classpath:org/jamesdmarc/store/migration";
    /** Our own history table: the database may hold another application's {@code flyway_schema_history}. */
    static final String HISTORY_TABLE = "dmarc_schema_history";
    /**
     * The newest migration: a script in {@value #LOCATION} ({@code V<n>__*.sql}) or a Java migration (3:
     * {@link ReportCountersBackfill}); {@code HistorySchemaTest} fails when one is added without raising it.
     */
    static final int CURRENT_VERSION = 14;

    private HistorySchema() {
    }

    /**
     * Brings the schema to this code's version (creating it in an empty database).
     *
     * @return the schema version after migrating
     * @throws StoreException when the database's schema is newer than this code, or a migration fails
     */
    static String migrate(DataSource dataSource, StoreConfig config) {
        // Fast path: the schema is already this code's version (every open but the first after an upgrade). Reading
        // our history table costs one query; Flyway costs about 800 classes (itself and the Jackson it loads), which
        // is most of a `dmarc history list` and of James's start-up work for the history.
        if (appliedVersion(dataSource) == AppliedVersion.CURRENT) {
            return Integer.toString(CURRENT_VERSION);
        }
        Flyway flyway = Flyway.configure(HistorySchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .cleanDisabled(true)
                // V2 and V7: the column types that differ between the databases; V14: DROP INDEX's syntax.
                .placeholders(java.util.Map.of("long_text", longText(config.kind()), "binary", binary(config.kind()),
                        "on_inbound_source", dropIndexTable(config.kind(), "dmarc_inbound_source")))
                // 3: the report counters of the messages stored before V2, computed by the store's own code.
                .javaMigrations(new ReportCountersBackfill(config.kind()))
                .load();
        try {
            MigrationInfo[] all = flyway.info().all();
            Optional<MigrationInfo> future = Arrays.stream(all).filter(HistorySchema::isFuture)
                    .max(Comparator.comparing(MigrationInfo::getVersion));
            if (future.isPresent()) {
                String known = Arrays.stream(all).filter(i -> !isFuture(i))
                        .map(MigrationInfo::getVersion).filter(v -> v != null)
                        .max(Comparator.naturalOrder()).map(MigrationVersion::getVersion).orElse("none");
                throw new StoreException("the history schema of " + config.redactedUrl() + " is at version "
                        + future.get().getVersion() + ", newer than this James DMARC knows (" + known
                        + "): upgrade James DMARC, or point it at another database");
            }
            MigrateResult result = flyway.migrate();
            // Null target: nothing to apply, the schema already is at the initial version.
            return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        } catch (FlywayException e) {
            throw new StoreException("migrating the history schema of " + config.redactedUrl() + " failed: "
                    + DatabaseErrors.firstLine(e), e);
        }
    }

    /** What {@link #appliedVersion} read. */
    enum AppliedVersion {
        /** Every applied migration succeeded and the newest is {@link #CURRENT_VERSION}. */
        CURRENT,
        /** Anything else (no schema yet, older, newer, a failed or non-numeric entry, unreadable): ask Flyway. */
        ASK_FLYWAY
    }

    /** Reads {@value #HISTORY_TABLE} without Flyway; any doubt is left to Flyway. */
    static AppliedVersion appliedVersion(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(historyQuery(c.getMetaData().getIdentifierQuoteString()))) {
            int newest = -1;
            while (rs.next()) {
                String version = rs.getString(1);
                if (version == null) {
                    continue; // Flyway's own schema-creation marker carries no version
                }
                if (!rs.getBoolean(2) || !version.matches("[0-9]{1,9}")) {
                    return AppliedVersion.ASK_FLYWAY;
                }
                newest = Math.max(newest, Integer.parseInt(version));
            }
            return newest == CURRENT_VERSION ? AppliedVersion.CURRENT : AppliedVersion.ASK_FLYWAY;
        } catch (SQLException e) {
            return AppliedVersion.ASK_FLYWAY; // e.g. no such table yet: Flyway creates it
        }
    }

    /**
     * Flyway creates its table and columns with quoted lower-case names on H2, MariaDB and PostgreSQL alike, so
     * they are quoted here too, with the database's own quote ({@code "} or MariaDB's backtick).
     */
    static String historyQuery(String quote) {
        String q = quote == null || quote.isBlank() ? "" : quote.trim();
        return "SELECT " + q + "version" + q + ", " + q + "success" + q + " FROM " + q + HISTORY_TABLE + q;
    }

    /** A text column for up to {@link ReportCounters#MAX_DKIM_TEXT} characters. */
    static String longText(DatabaseKind kind) {
        return switch (kind) {
            case POSTGRESQL -> "TEXT";
            case MARIADB -> "MEDIUMTEXT";
            case H2 -> "VARCHAR(" + ReportCounters.MAX_DKIM_TEXT + ")";
        };
    }

    /** A column of bytes (V7: a report's gzip'd XML, up to {@link InboundReportStore#MAX_RAW_GZIP_BYTES}). */
    static String binary(DatabaseKind kind) {
        return switch (kind) {
            case POSTGRESQL -> "BYTEA";
            case MARIADB -> "LONGBLOB";
            case H2 -> "BLOB";
        };
    }

    /**
     * What follows an index's name in {@code DROP INDEX} (V14): MariaDB/MySQL drop an index of a table
     * ({@code DROP INDEX i ON t}), H2 and PostgreSQL an index of the schema ({@code DROP INDEX i}).
     */
    static String dropIndexTable(DatabaseKind kind, String table) {
        return kind == DatabaseKind.MARIADB ? " ON " + table : "";
    }

    /** Applied by a newer release: a version this code has no script for. */
    private static boolean isFuture(MigrationInfo info) {
        return info.getState() == MigrationState.FUTURE_SUCCESS || info.getState() == MigrationState.FUTURE_FAILED;
    }
}
