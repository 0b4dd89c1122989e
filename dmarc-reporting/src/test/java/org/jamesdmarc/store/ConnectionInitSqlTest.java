package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statement the store's pool runs on each new connection: PostgreSQL's {@code plan_cache_mode} only on servers
 * that have the setting (12 and later; an older one refuses the unknown parameter, which would fail every
 * connection), nothing on MariaDB and H2.
 */
class ConnectionInitSqlTest {

    @TempDir
    Path tmp;

    @Test
    void planCacheModeOnlyFromPostgresql12On() {
        assertThat(JdbcHistoryStore.connectionInitSql(DatabaseKind.POSTGRESQL, 9)).isEmpty();
        assertThat(JdbcHistoryStore.connectionInitSql(DatabaseKind.POSTGRESQL, 11)).isEmpty();
        assertThat(JdbcHistoryStore.connectionInitSql(DatabaseKind.POSTGRESQL, 12))
                .contains("SET plan_cache_mode = force_custom_plan");
        assertThat(JdbcHistoryStore.connectionInitSql(DatabaseKind.POSTGRESQL, 17))
                .contains("SET plan_cache_mode = force_custom_plan");
        assertThat(JdbcHistoryStore.connectionInitSql(DatabaseKind.MARIADB, 11)).isEmpty();
        assertThat(JdbcHistoryStore.connectionInitSql(DatabaseKind.MARIADB, 12)).isEmpty();
        assertThat(JdbcHistoryStore.connectionInitSql(DatabaseKind.H2, 2)).isEmpty();
    }

    @Test
    void thisMachinesPostgresqlConnectionsPlanEachExecution() throws Exception {
        Backend.TestDatabase db = Backend.POSTGRESQL.create(tmp);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config());
             Connection c = store.dataSource().getConnection();
             Statement s = c.createStatement()) {
            assertThat(c.getMetaData().getDatabaseMajorVersion()).isGreaterThanOrEqualTo(12);
            try (ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("force_custom_plan");
            }
        } finally {
            db.drop();
        }
    }
}
