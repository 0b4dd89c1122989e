package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.store.FailureReportLog.Key;
import org.jamesdmarc.store.FailureReportLog.Outcome;
import org.jamesdmarc.store.FailureReportLog.RateDecision;
import org.jamesdmarc.store.FailureReportLog.RateLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Failure report rate limits and log on H2, MariaDB and PostgreSQL: limits exact under concurrency and restarts. */
class FailureReportLogTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String MK1 = "0123456789abcdef0123456789abcdef";
    private static final String MK2 = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path tmp;
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private JdbcHistoryStore open(Backend backend) {
        return stores.open(backend, tmp, 8);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void one_per_destination_per_hour_by_default(Backend backend) {
        FailureReportLog log = new FailureReportLog(open(backend));
        RateLimits limits = RateLimits.defaults();
        assertThat(log.acquire("example.com", "ruf@example.com", T0, limits)).isEqualTo(RateDecision.ALLOWED);
        assertThat(log.acquire("example.com", "RUF@example.com", T0.plusSeconds(60), limits))
                .isEqualTo(RateDecision.DESTINATION_LIMITED);
        // Another destination of the same domain still has its slot.
        assertThat(log.acquire("example.com", "other@example.com", T0.plusSeconds(60), limits))
                .isEqualTo(RateDecision.ALLOWED);
        // The next hour is a new window.
        assertThat(log.acquire("example.com", "ruf@example.com", T0.plusSeconds(3600), limits))
                .isEqualTo(RateDecision.ALLOWED);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void the_domain_limit_takes_no_destination_slot_and_vice_versa(Backend backend) {
        FailureReportLog log = new FailureReportLog(open(backend));
        RateLimits limits = new RateLimits(2, 3, Duration.ofMinutes(10));
        assertThat(log.acquire("a.example", "x@r.example", T0, limits)).isEqualTo(RateDecision.ALLOWED);
        assertThat(log.acquire("a.example", "x@r.example", T0, limits)).isEqualTo(RateDecision.ALLOWED);
        // x's limit reached: the refused attempt must not use a slot of a.example.
        assertThat(log.acquire("a.example", "x@r.example", T0, limits)).isEqualTo(RateDecision.DESTINATION_LIMITED);
        assertThat(log.acquire("a.example", "y@r.example", T0, limits)).isEqualTo(RateDecision.ALLOWED);
        // a.example's 3 are used; z is refused for the domain and keeps its own slots for b.example.
        assertThat(log.acquire("a.example", "z@r.example", T0, limits)).isEqualTo(RateDecision.DOMAIN_LIMITED);
        assertThat(log.acquire("b.example", "z@r.example", T0, limits)).isEqualTo(RateDecision.ALLOWED);
        assertThat(log.acquire("b.example", "z@r.example", T0, limits)).isEqualTo(RateDecision.ALLOWED);
        assertThat(log.acquire("b.example", "z@r.example", T0, limits)).isEqualTo(RateDecision.DESTINATION_LIMITED);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void the_limit_holds_exactly_under_concurrent_nodes_and_a_restart(Backend backend) throws Exception {
        JdbcHistoryStore first = open(backend);
        JdbcHistoryStore second = open(backend); // another "node" on the same database
        RateLimits limits = new RateLimits(5, 1000, Duration.ofHours(1));
        int attempts = 200;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<RateDecision>> results = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            FailureReportLog log = new FailureReportLog(i % 2 == 0 ? first : second);
            Callable<RateDecision> c = () -> {
                start.await();
                return log.acquire("burst.example", "ruf@burst.example", T0, limits);
            };
            results.add(pool.submit(c));
        }
        start.countDown();
        int allowed = 0;
        for (Future<RateDecision> f : results) {
            if (f.get(60, TimeUnit.SECONDS) == RateDecision.ALLOWED) {
                allowed++;
            }
        }
        pool.shutdown();
        assertThat(allowed).isEqualTo(5);
        // A restart (a new store on the same database) does not reset the count.
        stores.closeNow(first);
        assertThat(new FailureReportLog(open(backend)).acquire("burst.example", "ruf@burst.example", T0.plusSeconds(1),
                limits)).isEqualTo(RateDecision.DESTINATION_LIMITED);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void a_report_is_begun_once_per_message_type_and_destination(Backend backend) {
        FailureReportLog log = new FailureReportLog(open(backend));
        Key k = new Key(MK1, "dmarc", "Ruf@Example.com");
        assertThat(log.begin(k, "Example.com", T0)).isTrue();
        assertThat(log.begin(new Key(MK1, "dmarc", "ruf@example.com"), "example.com", T0)).isFalse();
        assertThat(log.begin(new Key(MK1, "spf", "ruf@example.com"), "example.com", T0)).isTrue();
        assertThat(log.begin(new Key(MK2, "dmarc", "ruf@example.com"), "example.com", T0.plusSeconds(5))).isTrue();
        log.finish(k, Outcome.SENT, Optional.empty(), T0.plusSeconds(1));
        log.finish(new Key(MK1, "spf", "ruf@example.com"), Outcome.RATE_LIMITED, Optional.of("destination"),
                T0.plusSeconds(1));

        List<FailureReportLog.Entry> recent = log.recent(10);
        assertThat(recent).hasSize(3);
        assertThat(recent.get(0).key()).isEqualTo(new Key(MK2, "dmarc", "ruf@example.com"));
        assertThat(recent.get(0).outcome()).isEqualTo(Outcome.PENDING);
        FailureReportLog.Entry sent = recent.stream().filter(e -> e.key().equals(k)).findFirst().orElseThrow();
        assertThat(sent.outcome()).isEqualTo(Outcome.SENT);
        assertThat(sent.policyDomain()).isEqualTo("example.com");
        assertThat(sent.createdAt()).isEqualTo(T0);
        assertThat(sent.updatedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(log.counts(T0)).isEqualTo(Map.of(Outcome.SENT, 1L, Outcome.RATE_LIMITED, 1L, Outcome.PENDING, 1L));
        assertThat(log.counts(T0.plusSeconds(2))).isEqualTo(Map.of(Outcome.PENDING, 1L));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void concurrent_begins_of_one_report_let_one_through(Backend backend) throws Exception {
        JdbcHistoryStore store = open(backend);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            FailureReportLog log = new FailureReportLog(store);
            results.add(pool.submit(() -> {
                start.await();
                return log.begin(new Key(MK1, "dmarc", "ruf@example.com"), "example.com", T0);
            }));
        }
        start.countDown();
        int begun = 0;
        for (Future<Boolean> f : results) {
            if (f.get(60, TimeUnit.SECONDS)) {
                begun++;
            }
        }
        pool.shutdown();
        assertThat(begun).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void expiry_deletes_old_rows_and_windows(Backend backend) {
        FailureReportLog log = new FailureReportLog(open(backend));
        RateLimits limits = RateLimits.defaults();
        log.begin(new Key(MK1, "dmarc", "ruf@example.com"), "example.com", T0);
        log.acquire("example.com", "ruf@example.com", T0, limits);
        log.begin(new Key(MK2, "dmarc", "ruf@example.com"), "example.com", T0.plus(Duration.ofDays(2)));
        // One log row, and the domain's and the destination's window.
        assertThat(log.expireBefore(T0.plus(Duration.ofDays(1)))).isEqualTo(3);
        assertThat(log.recent(10)).extracting(e -> e.key().messageKey()).containsExactly(MK2);
        assertThat(log.acquire("example.com", "ruf@example.com", T0, limits)).isEqualTo(RateDecision.ALLOWED);
    }

    @Test
    void limits_are_at_least_one() {
        assertThatThrownBy(() -> new RateLimits(0, 1, Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimits(1, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
