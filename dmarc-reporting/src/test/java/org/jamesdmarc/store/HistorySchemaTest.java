package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariDataSource;

/** The schema's fast path: an open that finds the schema current does not run Flyway; anything else does. */
class HistorySchemaTest {

    private static final Pattern SCRIPT = Pattern.compile("V([0-9]+)__.*\\.sql");

    @TempDir
    Path tmp;

    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @Test
    void currentVersionIsTheNewestMigrationScript() throws IOException, URISyntaxException {
        URL dir = HistorySchema.class.getClassLoader().getResource(HistorySchema.LOCATION.substring("classpath:".length()));
        assertThat(dir).as("the migration scripts on the class path").isNotNull();
        int newest;
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            newest = files.map(p -> SCRIPT.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        // The Java migration (the report counters' backfill) counts like a script.
        newest = Math.max(newest, ReportCountersBackfill.VERSION);
        assertThat(HistorySchema.CURRENT_VERSION).as("raise HistorySchema.CURRENT_VERSION with each new migration")
                .isEqualTo(newest);
    }

    @Test
    void theQueryQuotesWithTheDatabasesQuote() {
        assertThat(HistorySchema.historyQuery("`")).isEqualTo("SELECT `version`, `success` FROM `dmarc_schema_history`");
        assertThat(HistorySchema.historyQuery("\"")).isEqualTo("SELECT \"version\", \"success\" FROM \"dmarc_schema_history\"");
        assertThat(HistorySchema.historyQuery(" ")).isEqualTo("SELECT version, success FROM dmarc_schema_history");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void anEmptyDatabaseIsLeftToFlyway(Backend kind) {
        db = stores.database(kind, tmp);
        try (HikariDataSource ds = dataSource()) {
            assertThat(HistorySchema.appliedVersion(ds)).isEqualTo(HistorySchema.AppliedVersion.ASK_FLYWAY);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aMigratedDatabaseIsCurrentAndOpensAgain(Backend kind) {
        db = stores.database(kind, tmp);
        JdbcHistoryStore.open(db.config()).close();
        try (HikariDataSource ds = dataSource()) {
            assertThat(HistorySchema.appliedVersion(ds)).isEqualTo(HistorySchema.AppliedVersion.CURRENT);
        }
        try (JdbcHistoryStore again = JdbcHistoryStore.open(db.config())) {
            assertThat(again.schemaVersion()).isEqualTo(Integer.toString(HistorySchema.CURRENT_VERSION));
            assertThat(again.write(Records.records(0, 2))).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aNewerOrFailedSchemaIsLeftToFlyway(Backend kind) throws Exception {
        db = stores.database(kind, tmp);
        JdbcHistoryStore.open(db.config()).close();
        try (HikariDataSource ds = dataSource()) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                String q = c.getMetaData().getIdentifierQuoteString().trim();
                st.executeUpdate("UPDATE " + q + HistorySchema.HISTORY_TABLE + q + " SET " + q + "success" + q
                        + " = FALSE WHERE " + q + "version" + q + " = '1'");
            }
            assertThat(HistorySchema.appliedVersion(ds)).as("a failed migration").isEqualTo(HistorySchema.AppliedVersion.ASK_FLYWAY);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                String q = c.getMetaData().getIdentifierQuoteString().trim();
                st.executeUpdate("UPDATE " + q + HistorySchema.HISTORY_TABLE + q + " SET " + q + "success" + q
                        + " = TRUE WHERE " + q + "version" + q + " = '1'");
            }
            Flyway.configure().dataSource(ds)
                    .locations(HistorySchema.LOCATION, "classpath:org/jamesdmarc/store/future")
                    .table(HistorySchema.HISTORY_TABLE)
                    .ignoreMigrationPatterns("*:missing") // 3, the store's Java migration, is not on these locations
                    .load().migrate();
            assertThat(HistorySchema.appliedVersion(ds)).as("a newer release's schema").isEqualTo(HistorySchema.AppliedVersion.ASK_FLYWAY);
        }
    }

    private HikariDataSource dataSource() {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(DatabaseKind.resolve(db.url()).driverUrl());
        ds.setUsername(db.user());
        ds.setMaximumPoolSize(2);
        return ds;
    }
}
