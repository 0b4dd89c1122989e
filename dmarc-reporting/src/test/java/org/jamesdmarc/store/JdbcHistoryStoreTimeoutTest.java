package org.jamesdmarc.store;

import org.jamesdmarc.testsupport.TcpProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database that stops answering without closing the connection (a {@link TcpProxy} that swallows every byte)
 * fails the store's work within its network timeouts instead of stalling the history's writer forever: an open
 * with no answer to the login, and a write on connections the pool holds. Run with short timeouts (the defaults,
 * {@link JdbcHistoryStore#DEFAULT_TIMEOUTS}, are the same settings with longer values), against the real
 * PostgreSQL and MariaDB of this machine.
 */
class JdbcHistoryStoreTimeoutTest {

    private static final JdbcHistoryStore.Timeouts SHORT = new JdbcHistoryStore.Timeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(2), Duration.ofSeconds(3));
    /** Generous above the short timeouts (a loaded machine), far below "forever". */
    private static final Duration BOUND = Duration.ofSeconds(12);

    @TempDir
    Path tmp;

    private Backend.TestDatabase db;

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.drop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void aWriteToADatabaseThatStopsAnsweringFailsWithinTheTimeouts(Backend kind) throws Exception {
        db = kind.create(tmp);
        try (TcpProxy proxy = new TcpProxy(port(kind))) {
            proxy.open();
            try (JdbcHistoryStore store = JdbcHistoryStore.open(viaProxy(proxy), SHORT)) {
                assertThat(store.write(Records.records(0, 10))).isEqualTo(10);

                proxy.blackHole();
                long t0 = System.nanoTime();
                CompletableFuture<Integer> write = CompletableFuture.supplyAsync(() -> store.write(Records.records(10, 20)));
                assertThatThrownBy(() -> write.get(BOUND.toSeconds() * 2, TimeUnit.SECONDS))
                        .as("the write fails rather than hangs").hasCauseInstanceOf(StoreException.class);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                System.out.printf("%s: write to a black hole failed after %d ms%n", kind, took.toMillis());
                assertThat(took).isLessThan(BOUND);
            }
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.count()).as("the failed batch left nothing behind").isEqualTo(10);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void openingADatabaseThatNeverAnswersTheLoginFailsWithinTheTimeouts(Backend kind) throws Exception {
        db = kind.create(tmp);
        try (TcpProxy proxy = new TcpProxy(port(kind))) {
            proxy.blackHole();
            long t0 = System.nanoTime();
            CompletableFuture<JdbcHistoryStore> open = CompletableFuture.supplyAsync(
                    () -> JdbcHistoryStore.open(viaProxy(proxy), SHORT));
            assertThatThrownBy(() -> open.get(BOUND.toSeconds() * 2, TimeUnit.SECONDS))
                    .as("the open fails rather than hangs").hasCauseInstanceOf(StoreException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("%s: open of a black hole failed after %d ms%n", kind, took.toMillis());
            assertThat(took).isLessThan(BOUND);
        }
    }

    @Test
    void theDriversGetBoundedWaitsByDefault() {
        JdbcHistoryStore.Timeouts d = JdbcHistoryStore.DEFAULT_TIMEOUTS;
        Properties pg = JdbcHistoryStore.driverProperties(DatabaseKind.POSTGRESQL, "jdbc:postgresql://db/dmarc", d);
        assertThat(pg).containsEntry("connectTimeout", Long.toString(d.connect().toSeconds()))
                .containsEntry("loginTimeout", Long.toString(d.connect().toSeconds()))
                .containsEntry("socketTimeout", Long.toString(d.socket().toSeconds()));
        Properties maria = JdbcHistoryStore.driverProperties(DatabaseKind.MARIADB, "jdbc:mariadb://db/dmarc", d);
        assertThat(maria).containsEntry("connectTimeout", Long.toString(d.connect().toMillis()))
                .containsEntry("socketTimeout", Long.toString(d.socket().toMillis()));
        assertThat(d.socket()).isPositive();
        assertThat(d.connect()).isPositive();
    }

    @Test
    void aTimeoutTheUrlSetsIsLeftToTheUrl() {
        Properties pg = JdbcHistoryStore.driverProperties(DatabaseKind.POSTGRESQL,
                "jdbc:postgresql://db/dmarc?ssl=true&SocketTimeout=0&loginTimeout=30", JdbcHistoryStore.DEFAULT_TIMEOUTS);
        assertThat(pg).doesNotContainKeys("socketTimeout", "loginTimeout").containsKey("connectTimeout");
        Properties maria = JdbcHistoryStore.driverProperties(DatabaseKind.MARIADB,
                "jdbc:mariadb://db/dmarc?connectTimeout=500", JdbcHistoryStore.DEFAULT_TIMEOUTS);
        assertThat(maria).doesNotContainKey("connectTimeout").containsKey("socketTimeout");
    }

    private static int port(Backend kind) {
        return kind == Backend.POSTGRESQL ? 5432 : 3306;
    }

    private StoreConfig viaProxy(TcpProxy proxy) {
        int serverPort = db.backend() == Backend.POSTGRESQL ? 5432 : 3306;
        String url = db.url().replace(":" + serverPort + "/", ":" + proxy.port() + "/");
        return new StoreConfig(url, db.user(), Secret.none(), 2);
    }
}
