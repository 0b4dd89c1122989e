package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.store.DmarcSettings.Durability;
import org.jamesdmarc.store.journal.HistoryListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryRetentionTest {

    private static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void expiresWhatIsOlderThanTheRetentionInBatches() {
        List<String> calls = new CopyOnWriteArrayList<>();
        try (HistoryRetention retention = HistoryRetention.schedule((cutoff, batch) -> {
            calls.add(cutoff + "/" + batch);
            return 7;
        }, 30, 250, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(1), Duration.ofDays(1))) {
            assertThat(retention.expireNow()).isEqualTo(7);
        }
        assertThat(calls).containsExactly("2027-05-02T00:00:00Z/250");
    }

    @Test
    void theLedgerExpiresAfterTheLongerOfItsRetentionAndTheHistorys() {
        List<String> calls = new CopyOnWriteArrayList<>();
        HistoryRetention.Expiry history = (cutoff, batch) -> {
            calls.add("history " + cutoff + "/" + batch);
            return 1;
        };
        HistoryRetention.Expiry ledger = (cutoff, batch) -> {
            calls.add("ledger " + cutoff + "/" + batch);
            return 5;
        };
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        try (HistoryRetention retention = HistoryRetention.schedule(history,
                Optional.of(new HistoryRetention.Ledger(ledger, Duration.ofDays(90))), 30, 250, clock,
                Duration.ofDays(1), Duration.ofDays(1))) {
            assertThat(retention.expireNow()).isEqualTo(1);
            assertThat(retention.expireLedgerNow()).isEqualTo(5);
        }
        try (HistoryRetention retention = HistoryRetention.schedule(history,
                Optional.of(new HistoryRetention.Ledger(ledger, Duration.ofDays(10))), 30, 250, clock,
                Duration.ofDays(1), Duration.ofDays(1))) {
            assertThat(retention.expireLedgerNow()).isEqualTo(5);
        }
        try (HistoryRetention retention = HistoryRetention.schedule(history, 30, 250, clock, Duration.ofDays(1),
                Duration.ofDays(1))) {
            assertThat(retention.expireLedgerNow()).as("no ledger given").isZero();
        }
        assertThat(calls).containsExactly("history 2027-05-02T00:00:00Z/250", "ledger 2027-03-03T00:00:00Z/250",
                "ledger 2027-05-02T00:00:00Z/250");
    }

    @Test
    void inboundReportsExpireByTheirOwnRetentionEvenWhenTheHistoryIsKeptForever() {
        List<String> calls = new CopyOnWriteArrayList<>();
        HistoryRetention.Expiry history = (cutoff, batch) -> {
            calls.add("history " + cutoff);
            return 1;
        };
        HistoryRetention.Expiry ledger = (cutoff, batch) -> {
            calls.add("ledger " + cutoff);
            return 1;
        };
        HistoryRetention.Expiry inbound = (cutoff, batch) -> {
            calls.add("inbound " + cutoff + "/" + batch);
            return 3;
        };
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        try (HistoryRetention retention = HistoryRetention.schedule(history,
                Optional.of(new HistoryRetention.Ledger(ledger, Duration.ofDays(90))),
                Optional.of(new HistoryRetention.Inbound(inbound, Duration.ofDays(400))), 0, 250, clock,
                Duration.ofDays(1), Duration.ofDays(1))) {
            assertThat(retention.expireNow()).as("history.retentionDays=0: kept forever").isZero();
            assertThat(retention.expireLedgerNow()).isZero();
            assertThat(retention.expireInboundNow()).isEqualTo(3);
        }
        try (HistoryRetention retention = HistoryRetention.schedule(history, Optional.empty(),
                Optional.of(new HistoryRetention.Inbound((cutoff, batch) -> {
                    throw new StoreException("database down");
                }, Duration.ofDays(10))), 30, 250, clock, Duration.ofDays(1), Duration.ofDays(1))) {
            assertThat(retention.expireInboundNow()).as("a failure is logged, tried again next day").isEqualTo(-1);
        }
        assertThat(calls).containsExactly("inbound 2026-04-27T00:00:00Z/250");
    }

    @Test
    void theScheduledRunExpiresTheHistoryThenTheLedgerAndALedgerFailureIsLogged() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        CountDownLatch ledgerTried = new CountDownLatch(1);
        try (HistoryRetention retention = HistoryRetention.schedule((cutoff, batch) -> {
            calls.add("history");
            return 0;
        }, Optional.of(new HistoryRetention.Ledger((cutoff, batch) -> {
            calls.add("ledger");
            ledgerTried.countDown();
            throw new StoreException("the report ledger: connection refused");
        }, Duration.ofDays(90))), 1, 10, Clock.systemUTC(), Duration.ZERO, Duration.ofDays(1))) {
            assertThat(ledgerTried.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(retention.expireLedgerNow()).isEqualTo(-1);
        }
        assertThat(calls.subList(0, 2)).containsExactly("history", "ledger");
    }

    @Test
    void aFailureIsLoggedAndTheNextRunTriesAgain() throws Exception {
        CountDownLatch twice = new CountDownLatch(2);
        try (HistoryRetention retention = HistoryRetention.schedule((cutoff, batch) -> {
            twice.countDown();
            throw new StoreException("cannot reach the database at jdbc:postgresql://db/x: refused");
        }, 1, 10, Clock.systemUTC(), Duration.ZERO, Duration.ofMillis(20))) {
            assertThat(twice.await(10, TimeUnit.SECONDS)).as("ran again after the failure").isTrue();
            assertThat(retention.expireNow()).isEqualTo(-1);
        }
    }

    @Test
    void theHistoryExpiresFromItsStore() {
        Backend.TestDatabase db = Backend.H2.create(tmp);
        DmarcSettings settings = new DmarcSettings(tmp.resolve("conf/dmarc.properties"), db.config(), false,
                Durability.JOURNAL, tmp.resolve("journal"), 1L << 20, 100, 50, 1, List.of());
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(Records.records(0, 30));
        }
        try (EvaluationHistory history = EvaluationHistory.start(settings, HistoryListener.NONE)) {
            // Record n is at T0 + n minutes: ten are before T0 + 10 minutes.
            assertThat(history.expireBefore(Records.T0.plusSeconds(600), 4)).isEqualTo(10);
            assertThat(history.expireBefore(Records.T0.plusSeconds(600), 4)).isZero();
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.list(HistoryQuery.all(100))).containsExactlyElementsOf(Records.records(10, 30));
        }
    }
}
