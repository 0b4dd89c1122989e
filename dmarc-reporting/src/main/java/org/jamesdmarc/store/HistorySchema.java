package org.jamesdmarc.store;

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

    private HistorySchema() {
    }

    /**
     * Brings the schema to this code's version (creating it in an empty database).
     *
     * @return the schema version after migrating
     * @throws StoreException when the database's schema is newer than this code, or a migration fails
     */
    static String migrate(DataSource dataSource, StoreConfig config) {
        Flyway flyway = Flyway.configure(HistorySchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .cleanDisabled(true)
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

    /** Applied by a newer release: a version this code has no script for. */
    private static boolean isFuture(MigrationInfo info) {
        return info.getState() == MigrationState.FUTURE_SUCCESS || info.getState() == MigrationState.FUTURE_FAILED;
    }
}
