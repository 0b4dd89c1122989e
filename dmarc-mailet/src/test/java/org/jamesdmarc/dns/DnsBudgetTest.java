package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.dns.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class DnsBudgetTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private DnsBudget budget(int queries, Duration time) {
        return new DnsBudget(queries, time, nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void grantsQueriesUpToTheLimitThenStaysExhausted() {
        DnsBudget b = budget(2, Duration.ofSeconds(5));
        assertThat(b.start()).contains(Duration.ofSeconds(5));
        b.finish();
        assertThat(b.start()).isPresent();
        b.finish();
        assertThat(b.exhausted()).isEmpty(); // exactly used up is not exhausted: nothing was refused

        assertThat(b.start()).isEmpty();
        assertThat(b.exhausted()).contains(DnsBudget.Limit.QUERIES);
        assertThat(b.queries()).isEqualTo(2);
        assertThat(b.start()).isEmpty();
    }

    @Test
    void timeIsCountedWhileQueriesAreUnderwayAndOverlapsCountOnce() {
        DnsBudget b = budget(100, Duration.ofSeconds(1));
        b.start();
        advance(Duration.ofMillis(300));
        assertThat(b.start()).contains(Duration.ofMillis(700)); // a second query while the first is under way
        advance(Duration.ofMillis(200));
        b.finish();
        b.finish();
        assertThat(b.busyTime()).isEqualTo(Duration.ofMillis(500));

        advance(Duration.ofHours(1)); // idle time between queries is not counted
        assertThat(b.start()).contains(Duration.ofMillis(500));
        advance(Duration.ofMillis(500));
        b.finish();
        assertThat(b.exhausted()).contains(DnsBudget.Limit.TIME); // that query ran until no time was left
        assertThat(b.start()).isEmpty();
    }

    @Test
    void finishWithoutStartIsAProgrammingError() {
        assertThatThrownBy(() -> budget(1, Duration.ofSeconds(1)).finish()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void budgetedClientCountsOnlyQueriesTheCacheCannotAnswer() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.start()) {
            dns.txt("_dmarc.example.com", "v=DMARC1; p=none").a("example.com", "192.0.2.1");
            CachingDnsClient shared = DnsClients.create(dns.settings(), new MutableClock());
            shared.txt("_dmarc.example.com"); // cached before the message

            DnsBudget b = new DnsBudget(2, Duration.ofSeconds(5));
            BudgetedDnsClient client = new BudgetedDnsClient(shared, b);
            assertThat(client.txt("_dmarc.example.com").status()).isEqualTo(DnsStatus.FOUND);
            assertThat(client.query("example.com", Type.A).status()).isEqualTo(DnsStatus.FOUND);
            assertThat(client.query("example.com", Type.A).status()).isEqualTo(DnsStatus.FOUND); // now cached
            assertThat(b.queries()).isEqualTo(1);

            assertThat(client.query("nowhere.example", Type.A).status()).isEqualTo(DnsStatus.NXDOMAIN);
            DnsAnswer refused = client.query("other.example", Type.A);
            assertThat(refused.status()).isEqualTo(DnsStatus.TEMPFAIL);
            assertThat(refused.detail()).contains("per-message DNS budget").contains("2 queries");
            assertThat(b.exhausted()).contains(DnsBudget.Limit.QUERIES);
            assertThat(dns.queryCount()).isEqualTo(3); // the refused query was never sent
        }
    }

    @Test
    void aQueryIsCutShortWhenTheTimeRunsOut() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.start()) {
            dns.timeout("slow.example"); // never answers; the client's own timeout is 1s
            CachingDnsClient shared = DnsClients.create(dns.settings(), new MutableClock());
            DnsBudget b = new DnsBudget(10, Duration.ofMillis(50));
            BudgetedDnsClient client = new BudgetedDnsClient(shared, b);

            DnsAnswer answer = client.query("slow.example", Type.A);

            assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
            assertThat(answer.detail()).doesNotContain("1000ms"); // not the client's own timeout
            assertThat(b.exhausted()).contains(DnsBudget.Limit.TIME);
            assertThat(client.query("example.com", Type.A).status()).isEqualTo(DnsStatus.TEMPFAIL);
            assertThat(dns.queryCount()).isEqualTo(1);
        }
    }

    @Test
    void parallelLookupsKeepTheOrderAndRunEveryItem() {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            items.add(i);
        }
        assertThat(ParallelLookups.map(items, i -> i * 2)).containsExactlyElementsOf(
                items.stream().map(i -> i * 2).toList());
        assertThat(ParallelLookups.map(List.of(), i -> i)).isEmpty();
        assertThatThrownBy(() -> ParallelLookups.map(List.of(1, 2, 3), i -> {
            if (i == 3) {
                throw new IllegalStateException("boom " + i);
            }
            return i;
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom 3");
    }
}
