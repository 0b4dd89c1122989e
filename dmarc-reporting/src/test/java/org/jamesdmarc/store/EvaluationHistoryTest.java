package org.jamesdmarc.store;

import org.jamesdmarc.testsupport.TcpProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.store.DmarcSettings.Durability;
import org.jamesdmarc.store.journal.HistoryCounters;
import org.jamesdmarc.store.journal.HistoryListener;
import org.jamesdmarc.store.journal.HistoryPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The history of a running James against each real database ({@link Backend}): records arrive; a database that
 * refuses the credentials or cannot be reached at start-up stops nothing, everything is journaled and stored
 * exactly once when it is back; a restart replays the journal without duplicates.
 */
class EvaluationHistoryTest {

    /** Quick retries, so a test does not wait for the production backoff (0.5 s doubling to 30 s). */
    private static final HistoryPipeline.Settings FAST = new HistoryPipeline.Settings(1000, 50, Duration.ofMillis(50),
            Duration.ofMillis(200), Duration.ofSeconds(20));

    @TempDir
    Path tmp;

    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private DmarcSettings settings(StoreConfig store, Durability durability) {
        return new DmarcSettings(tmp.resolve("conf/dmarc.properties"), store, false, durability,
                tmp.resolve("journal"), 64L << 20, 1000, 50, 0, List.of());
    }

    private static EvaluationHistory start(DmarcSettings settings) {
        return EvaluationHistory.start(settings, HistoryListener.NONE, JdbcHistoryStore::open,
                FAST.withJournalFirst(settings.durability() == Durability.JOURNAL));
    }

    private long stored() {
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            return store.count();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void recordsArriveInTheDatabase(Backend kind) {
        db = stores.database(kind, tmp);
        List<EvaluationRecord> records = Records.records(0, 120);
        try (EvaluationHistory history = start(settings(db.config(), Durability.JOURNAL))) {
            records.forEach(history::accept);
            await(() -> history.counters().written() == 120, "all written");
            HistoryCounters c = history.counters();
            assertThat(c.journaled()).as("journal-first: each record fsync'd before accept returned").isEqualTo(120);
            assertThat(c.dropped()).isZero();
            // The checkpoint moves at most every 100 ms: the written records leave the journal soon after.
            await(() -> history.journalBacklog() == 0, "acknowledged in the journal");
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.list(HistoryQuery.all(1000))).containsExactlyElementsOf(records);
        }
    }

    @Test
    void theStoreIsOpenedAtStartNotWithTheFirstRecord() {
        db = stores.database(Backend.H2, tmp);
        try (EvaluationHistory history = start(settings(db.config(), Durability.JOURNAL))) {
            await(history::storeOpen, "opened and migrated without a record");
            assertThat(history.counters().written()).isZero();
        }
    }

    @Test
    void awaitQuietReturnsAtOnceWhenIdleAndWaitsWhileRecordsKeepComing() throws Exception {
        db = stores.database(Backend.H2, tmp);
        try (EvaluationHistory history = start(settings(db.config(), Durability.QUEUE))) {
            long t0 = System.nanoTime();
            assertThat(history.awaitQuiet(java.time.Duration.ofMillis(300), java.time.Duration.ofSeconds(5))).isTrue();
            assertThat(System.nanoTime() - t0).as("idle: no wait").isLessThan(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(250));

            List<EvaluationRecord> records = Records.records(0, 40);
            Thread feeder = new Thread(() -> {
                for (EvaluationRecord r : records) {
                    history.accept(r);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            feeder.start();
            Thread.sleep(100);
            assertThat(history.awaitQuiet(java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(500)))
                    .as("records still coming every 50 ms: not quiet within 500 ms").isFalse();
            assertThat(history.awaitQuiet(java.time.Duration.ofMillis(300), java.time.Duration.ofSeconds(10)))
                    .as("quiet once the feeder is done").isTrue();
            assertThat(feeder.isAlive()).isFalse();
            feeder.join();
        }
        assertThat(stored()).isEqualTo(40);
    }

    @Test
    void queueDurabilityQueuesInMemoryAndCloseFlushes() {
        db = stores.database(Backend.H2, tmp);
        try (EvaluationHistory history = start(settings(db.config(), Durability.QUEUE))) {
            Records.records(0, 40).forEach(history::accept);
            assertThat(history.counters().queued()).isEqualTo(40);
        }
        assertThat(stored()).isEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void refusedCredentialsAtStartJournalEverythingAndARestartWithTheRightOnesStoresItOnce(Backend kind) {
        db = stores.database(kind, tmp);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(Records.records(0, 10)); // already stored: the replay must not store them twice
        }
        StoreConfig wrongUser = new StoreConfig(db.url(), "nosuchuser", Secret.of("s3cret-pw"), 2);
        try (EvaluationHistory history = start(settings(wrongUser, Durability.JOURNAL))) {
            Records.records(0, 100).forEach(history::accept);
            assertThat(history.counters().journaled()).isEqualTo(100);
            await(() -> history.counters().written() == 0 && history.journalBacklog() == 100, "journaled");
            assertThatThrownBy(() -> history.expireBefore(Records.T0, 10)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("nosuchuser").hasMessageNotContaining("s3cret-pw");
        }
        try (EvaluationHistory history = start(settings(db.config(), Durability.JOURNAL))) {
            assertThat(history.journalBacklog()).as("kept for the next start").isEqualTo(100);
            await(() -> history.journalBacklog() == 0, "replayed");
            assertThat(history.counters().replayed()).isEqualTo(100);
        }
        assertThat(stored()).isEqualTo(100);
        try (EvaluationHistory history = start(settings(db.config(), Durability.JOURNAL))) {
            assertThat(history.journalBacklog()).isZero();
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.list(HistoryQuery.all(1000))).containsExactlyElementsOf(Records.records(0, 100));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void aDatabaseUnreachableAtStartAndCutLaterGetsEveryRecordExactlyOnce(Backend kind) throws Exception {
        db = stores.database(kind, tmp);
        int serverPort = kind == Backend.POSTGRESQL ? 5432 : 3306;
        try (TcpProxy proxy = new TcpProxy(serverPort)) {
            String viaProxy = db.url().replace(":" + serverPort + "/", ":" + proxy.port() + "/");
            StoreConfig config = new StoreConfig(viaProxy, db.user(), Secret.none(), 2);
            for (Durability durability : Durability.values()) {
                try (EvaluationHistory history = start(settings(config, durability))) {
                    int base = durability == Durability.JOURNAL ? 0 : 1000;
                    // The database cannot be reached: records are journaled, the store is retried.
                    Records.records(base, base + 100).forEach(history::accept);
                    await(() -> history.journalBacklog() == 100, "journaled while the database is unreachable");
                    assertThat(history.counters().written()).isZero();

                    proxy.open();
                    await(() -> history.journalBacklog() == 0 && history.counters().written() == 100, "replayed");

                    // Cut with the pool's connections open, records keep coming, then back again.
                    proxy.cut();
                    Records.records(base + 100, base + 200).forEach(history::accept);
                    Records.records(base + 50, base + 150).forEach(history::accept); // seen again: kept once
                    proxy.open();
                    await(() -> history.journalBacklog() == 0 && history.counters().written() >= 300,
                            "the rest written after the cut");
                    assertThat(history.counters().dropped()).isZero();
                    proxy.cut();
                }
                proxy.open();
                try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
                    long expected = durability == Durability.JOURNAL ? 200 : 400;
                    assertThat(store.count()).as("every record once").isEqualTo(expected);
                }
                proxy.cut();
            }
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            List<EvaluationRecord> all = Records.records(0, 200);
            all.addAll(Records.records(1000, 1200));
            assertThat(store.list(HistoryQuery.all(1000))).containsExactlyInAnyOrderElementsOf(all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aPortNothingListensOnAtStartThenTheRightUrlAtTheNextStart(Backend kind) {
        db = stores.database(kind, tmp);
        StoreConfig nowhere = new StoreConfig(kind.unreachableUrl(), db.user(), Secret.none(), 2);
        try (EvaluationHistory history = start(settings(nowhere, Durability.JOURNAL))) {
            Records.records(0, 30).forEach(history::accept);
            await(() -> history.journalBacklog() == 30, "journaled");
            assertThatThrownBy(() -> history.expireBefore(Records.T0, 10)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("127.0.0.1:1").hasMessageNotContaining("s3cret-in-url");
        }
        try (EvaluationHistory history = start(settings(db.config(), Durability.JOURNAL))) {
            await(() -> history.journalBacklog() == 0, "replayed");
        }
        assertThat(stored()).isEqualTo(30);
    }

    @Test
    void aJournalDirectoryInUseIsOneLineNamingTheKey() {
        db = stores.database(Backend.H2, tmp);
        DmarcSettings settings = settings(db.config(), Durability.JOURNAL);
        try (EvaluationHistory first = start(settings)) {
            assertThatThrownBy(() -> start(settings)).isInstanceOf(SettingsException.class)
                    .hasMessageContaining("history.journalDir").hasMessageContaining("in use");
        }
    }

    @Test
    void acceptIgnoresNullAndCloseTwiceIsHarmless() {
        db = stores.database(Backend.H2, tmp);
        EvaluationHistory history = start(settings(db.config(), Durability.JOURNAL));
        history.accept(null);
        history.accept(Records.record(1));
        history.close();
        history.close();
        assertThat(stored()).isEqualTo(1);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
