package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.Flyway;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The history store against each real database ({@link Backend}; every test runs on all three): the schema migrated from empty, writes read
 * back field for field, idempotent re-writes, queries, and the operator's mistakes as one-line errors without the
 * password.
 */
class JdbcHistoryStoreTest {

    private static final String PASSWORD = "s3cret-pw";

    @TempDir
    Path tmp;

    private Backend backend;
    private Backend.TestDatabase db;

    /** A new empty database of {@code kind} for the running test, dropped after it. */
    private void use(Backend kind) {
        backend = kind;
        db = kind.create(tmp);
    }

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.drop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void migratesAnEmptyDatabaseAndAgainIsANoOp(Backend kind) throws Exception {
        use(kind);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.schemaVersion()).isEqualTo(Integer.toString(HistorySchema.CURRENT_VERSION));
            assertThat(store.kind()).isEqualTo(backend == Backend.H2 ? DatabaseKind.H2
                    : backend == Backend.MARIADB ? DatabaseKind.MARIADB : DatabaseKind.POSTGRESQL);
            assertThat(store.count()).isZero();
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.schemaVersion()).isEqualTo(Integer.toString(HistorySchema.CURRENT_VERSION));
        }
        try (Connection c = DriverManager.getConnection(driverUrl(), db.user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dmarc_dkim")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void writesRecordsAndReadsThemBackFieldForField(Backend kind) {
        use(kind);
        List<EvaluationRecord> records = Records.records(0, 40);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.write(records)).isEqualTo(40);
            assertThat(store.count()).isEqualTo(40);
            assertThat(store.list(HistoryQuery.all(1000))).containsExactlyElementsOf(records);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aReplayWritesNothingTwice(Backend kind) {
        use(kind);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.write(Records.records(0, 10))).isEqualTo(10);
            assertThat(store.write(Records.records(0, 10))).as("the same batch again").isZero();
            assertThat(store.write(Records.records(5, 15))).as("half of it new").isEqualTo(5);
            List<EvaluationRecord> withRepeats = new ArrayList<>(Records.records(15, 18));
            withRepeats.addAll(Records.records(15, 18));
            assertThat(withRepeats).hasSize(6);
            assertThat(store.write(withRepeats)).as("a key repeated within a batch").isEqualTo(3);
            assertThat(store.count()).isEqualTo(18);
            assertThat(store.list(HistoryQuery.all(1000))).containsExactlyElementsOf(Records.records(0, 18));
        }
        try (JdbcHistoryStore reopened = JdbcHistoryStore.open(db.config())) {
            assertThat(reopened.write(Records.records(0, 18))).as("after a restart").isZero();
            assertThat(reopened.count()).isEqualTo(18);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void statsCountMessagesAndPolicyDomainsAndTheTimeRange(Backend kind) {
        use(kind);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.stats()).isEqualTo(new HistoryStats(0, 0, Optional.empty(), Optional.empty()));
            store.write(Records.records(0, 40));
            // example0.com, example1.com, example2.com; records without a policy record name no policy domain
            assertThat(store.stats()).isEqualTo(new HistoryStats(40, 3, Optional.of(Records.T0),
                    Optional.of(Records.T0.plusSeconds(60L * 39))));
        }
    }

    /** Two James nodes recording the same messages at once (a replay racing live traffic): each is kept once. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void racingWritersKeepEachMessageOnce(Backend kind) throws Exception {
        use(kind);
        List<EvaluationRecord> records = Records.records(0, 3000);
        List<EvaluationRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(9));
        try (JdbcHistoryStore first = JdbcHistoryStore.open(db.config());
             JdbcHistoryStore second = JdbcHistoryStore.open(db.config())) {
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> a = threads.submit(() -> writeInBatches(first, records, 200));
                Future<Integer> b = threads.submit(() -> writeInBatches(second, shuffled, 200));
                assertThat(a.get(2, TimeUnit.MINUTES) + b.get(2, TimeUnit.MINUTES)).as("a key both stored may count twice").isBetween(3000, 6000);
            } finally {
                threads.shutdownNow();
            }
            assertThat(first.count()).isEqualTo(3000);
            assertThat(first.list(HistoryQuery.all(5000))).containsExactlyElementsOf(records);
        }
    }

    private static int writeInBatches(HistoryStore store, List<EvaluationRecord> records, int batch) {
        int written = 0;
        for (int from = 0; from < records.size(); from += batch) {
            written += store.write(records.subList(from, Math.min(records.size(), from + batch)));
        }
        return written;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aBatchOfThousandsInOneWrite(Backend kind) {
        use(kind);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.write(Records.records(0, 2500))).isEqualTo(2500);
            assertThat(store.write(Records.records(2000, 3000))).isEqualTo(500);
            assertThat(store.count()).isEqualTo(3000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void listsByDomainAndSince(Backend kind) {
        use(kind);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            store.write(Records.records(0, 30));
            DomainName example1 = DomainName.of("example1.com");
            List<EvaluationRecord> byPolicyDomain = store.list(new HistoryQuery(Optional.of(example1), Optional.empty(), 1000));
            assertThat(byPolicyDomain).isNotEmpty().allSatisfy(r -> assertThat(r.policyDomain().or(r::headerFrom).orElseThrow().name())
                    .endsWith("example1.com"));
            List<EvaluationRecord> byAuthor = store.list(new HistoryQuery(Optional.of(DomainName.of("mail.example1.com")),
                    Optional.empty(), 1000));
            assertThat(byAuthor).hasSize(10);

            assertThat(store.list(new HistoryQuery(Optional.empty(), Optional.of(Records.T0.plusSeconds(60 * 25)), 1000)))
                    .containsExactlyElementsOf(Records.records(25, 30));
            assertThat(store.list(new HistoryQuery(Optional.empty(), Optional.of(Records.T0.plusSeconds(60 * 10)), 3)))
                    .containsExactlyElementsOf(Records.records(10, 13));
            assertThat(store.list(new HistoryQuery(Optional.of(DomainName.of("unknown.example")), Optional.empty(), 10)))
                    .isEmpty();
            // until is exclusive: [since, until)
            assertThat(store.list(new HistoryQuery(Optional.empty(), Optional.of(Records.T0.plusSeconds(60 * 10)),
                    Optional.of(Records.T0.plusSeconds(60 * 14)), 1000))).containsExactlyElementsOf(Records.records(10, 14));
            assertThat(store.list(new HistoryQuery(Optional.of(example1), Optional.empty(),
                    Optional.of(Records.T0.plusSeconds(60 * 5)), 1000))).containsExactly(Records.record(1), Records.record(4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void hostileTextIsCleanedAndBounded(Backend kind) {
        use(kind);
        EvaluationRecord r = Records.record(1);
        EvaluationRecord hostile = new EvaluationRecord(Records.key(999), r.time(), r.sourceIp(), r.headerFrom(),
                r.envelopeFrom(), r.envelopeTo(), r.policyDomain(), r.discoveryMode(), r.policyDomainRole(),
                r.published(), r.result(), r.appliedPolicy(), r.disposition(), r.action(), r.overrides(), r.spf(),
                List.of(new EvaluationRecord.Dkim(Optional.empty(), "a\u0000b" + "x".repeat(400), DkimResult.PERMERROR,
                        AlignmentStatus.NOT_CHECKED)));
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.write(List.of(hostile))).isEqualTo(1);
            String selector = store.list(HistoryQuery.all(10)).get(0).dkim().get(0).selector();
            assertThat(selector).startsWith("a?bxxx").hasSize(255);
        }
    }

    /**
     * In James the store's jars load through the extension class loader, which is not the thread's context class
     * loader: the driver, the pool and the migrations must be found through the store's own class loader.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void opensWhateverTheContextClassLoader(Backend kind) {
        use(kind);
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        thread.setContextClassLoader(new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader()));
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            assertThat(store.schemaVersion()).isEqualTo(Integer.toString(HistorySchema.CURRENT_VERSION));
            assertThat(store.write(Records.records(0, 3))).isEqualTo(3);
        } finally {
            thread.setContextClassLoader(saved);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aSchemaNewerThanTheCodeIsRefused(Backend kind) {
        use(kind);
        JdbcHistoryStore.open(db.config()).close();
        Flyway.configure().dataSource(driverUrl(), db.user(), "")
                .locations(HistorySchema.LOCATION, "classpath:org/jamesdmarc/store/future")
                .table(HistorySchema.HISTORY_TABLE)
                .placeholders(java.util.Map.of("long_text", HistorySchema.longText(db.config().kind())))
                .javaMigrations(new ReportCountersBackfill(db.config().kind()))
                .load().migrate();

        assertThatThrownBy(() -> JdbcHistoryStore.open(db.config()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is at version 999, newer than this James DMARC knows (" + HistorySchema.CURRENT_VERSION + ")")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void anUnreachableDatabaseIsOneLineWithoutThePassword(Backend kind) {
        use(kind);
        StoreConfig config = new StoreConfig(backend.unreachableUrl(), db.user(), Secret.of(PASSWORD));

        assertThatThrownBy(() -> JdbcHistoryStore.open(config))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot reach the database at " + backend.unreachableUrl().replace("s3cret-in-url", "****"))
                .hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void refusedCredentialsAreOneLineWithoutThePassword(Backend kind) {
        use(kind);
        JdbcHistoryStore.open(db.config()).close(); // H2 creates the database (user sa, no password) on first use
        // PostgreSQL trusts every local user it knows: an unknown role is what it refuses.
        String user = backend == Backend.POSTGRESQL ? "no_such_role_dmarc" : db.user();
        StoreConfig config = new StoreConfig(db.url(), user, Secret.of(PASSWORD));

        assertThatThrownBy(() -> JdbcHistoryStore.open(config))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("the database at " + db.url() + " refused the credentials of user '" + user + "'")
                .hasMessageNotContaining(PASSWORD)
                .hasMessageNotContaining("\n");
    }

    private String driverUrl() {
        return DatabaseKind.resolve(db.url()).driverUrl();
    }
}
