package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jamesdmarc.check.EvaluationRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link JdbcHistoryStore#expireBefore} against each real database ({@link Backend}): the boundary, the DKIM rows,
 * the count, a second run, and a writer that keeps writing while a large history expires in batches.
 */
class JdbcHistoryStoreExpiryTest {

    @TempDir
    Path tmp;

    private Backend.TestDatabase db;

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.drop();
        }
    }

    /** {@link Records#record(int)} is at T0 + n minutes. */
    private static Instant minute(int n) {
        return Records.T0.plusSeconds(60L * n);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void deletesWhatIsBeforeTheCutoffKeepsWhatIsAtItAndIsIdempotent(Backend kind) throws Exception {
        db = kind.create(tmp);
        List<EvaluationRecord> records = Records.records(0, 30);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(records);
            long dkimBefore = dkimRows();
            assertThat(dkimBefore).isEqualTo(records.stream().mapToLong(r -> r.dkim().size()).sum()).isPositive();

            assertThat(store.expireBefore(minute(0), 3)).as("nothing is before the first").isZero();
            // Batches of 3 over 10 messages: the last batch is short.
            assertThat(store.expireBefore(minute(10), 3)).isEqualTo(10);
            assertThat(store.count()).isEqualTo(20);
            assertThat(store.list(HistoryQuery.all(100))).as("the message exactly at the cutoff is kept")
                    .containsExactlyElementsOf(Records.records(10, 30));
            assertThat(dkimRows()).isEqualTo(Records.records(10, 30).stream().mapToLong(r -> r.dkim().size()).sum());
            assertThat(dkimRowsOf(Records.records(0, 10))).as("no DKIM row of an expired message").isZero();

            assertThat(store.expireBefore(minute(10), 3)).as("again: nothing more").isZero();
            assertThat(store.count()).isEqualTo(20);

            // One millisecond after a message's time takes it; batches exactly dividing the count end cleanly.
            assertThat(store.expireBefore(minute(12).plusMillis(1), 1)).isEqualTo(3);
            assertThat(store.expireBefore(minute(20), 7)).isEqualTo(7);
            assertThat(store.list(HistoryQuery.all(100))).containsExactlyElementsOf(Records.records(20, 30));

            assertThat(store.expireBefore(minute(1000), 1000)).isEqualTo(10);
            assertThat(store.count()).isZero();
            assertThat(dkimRows()).isZero();
            assertThat(store.write(Records.records(0, 3))).as("an expired key can be written again").isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = "H2")
    void aBatchSizeBelowOneIsRefused(Backend kind) {
        db = kind.create(tmp);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThatThrownBy(() -> store.expireBefore(minute(1), 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * 50,000 messages expired in batches of 1,000 while another connection keeps writing batches of 100 new ones:
     * every write succeeds, some of them while the expiry runs, and only the old messages go. Prints the time per
     * batch and the writer's slowest batch (the figures of the report; nothing here asserts a speed).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aWriterKeepsWritingWhileALargeHistoryExpires(Backend kind) throws Exception {
        db = kind.create(tmp);
        int old = 50_000;
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config());
             JdbcHistoryStore writerStore = JdbcHistoryStore.open(db.config())) {
            for (int from = 0; from < old; from += 5_000) {
                store.write(Records.records(from, from + 5_000));
            }
            assertThat(store.count()).isEqualTo(old);

            AtomicBoolean expiring = new AtomicBoolean(true);
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                Future<WriterLog> writer = thread.submit(() -> {
                    WriterLog log = new WriterLog();
                    // Newer than the cutoff: n ≥ 100,000 minutes after T0.
                    int next = 100_000;
                    while (expiring.get() || log.batches < 2) {
                        long start = System.nanoTime();
                        int written = writerStore.write(Records.records(next, next + 100));
                        long nanos = System.nanoTime() - start;
                        log.add(written, nanos, expiring.get());
                        next += 100;
                    }
                    return log;
                });
                while (writerStore.count() == old) {
                    Thread.onSpinWait(); // the writer has started
                }
                long start = System.nanoTime();
                long deleted = store.expireBefore(minute(old), 1_000);
                long expiryMillis = (System.nanoTime() - start) / 1_000_000;
                expiring.set(false);
                WriterLog log = writer.get(2, TimeUnit.MINUTES);

                assertThat(deleted).isEqualTo(old);
                assertThat(log.failedBatches).as("every batch of the writer wrote all its records").isZero();
                assertThat(log.batchesDuringExpiry).as("the writer went on during the expiry").isPositive();
                assertThat(store.count()).isEqualTo(log.records);
                assertThat(store.list(HistoryQuery.all(10))).allSatisfy(r -> assertThat(r.time()).isAfter(minute(old)));
                assertThat(dkimRows()).isEqualTo(Records.records(100_000, 100_000 + log.records).stream()
                        .mapToLong(r -> r.dkim().size()).sum());
                System.out.printf("expiry on %s: %,d messages in %d batches of 1,000: %,d ms, %.1f ms per batch;"
                                + " writer: %d batches of 100 during the expiry, slowest %.1f ms, all succeeded%n",
                        kind, deleted, old / 1_000, expiryMillis, expiryMillis / 50.0, log.batchesDuringExpiry,
                        log.slowestNanos / 1e6);
            } finally {
                expiring.set(false);
                thread.shutdownNow();
            }
        }
    }

    /** What the concurrent writer saw. */
    private static final class WriterLog {
        int batches;
        int batchesDuringExpiry;
        int failedBatches;
        int records;
        long slowestNanos;

        void add(int written, long nanos, boolean duringExpiry) {
            batches++;
            records += written;
            if (written != 100) {
                failedBatches++;
            }
            if (duringExpiry) {
                batchesDuringExpiry++;
                slowestNanos = Math.max(slowestNanos, nanos);
            }
        }
    }

    private long dkimRows() throws Exception {
        return query("SELECT COUNT(*) FROM dmarc_dkim");
    }

    private long dkimRowsOf(List<EvaluationRecord> records) throws Exception {
        List<String> keys = new ArrayList<>();
        records.forEach(r -> keys.add("'" + r.key().value() + "'"));
        return query("SELECT COUNT(*) FROM dmarc_dkim WHERE message_key IN (" + String.join(", ", keys) + ")");
    }

    private long query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(DatabaseKind.resolve(db.url()).driverUrl(), db.user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
