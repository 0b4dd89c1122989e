package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.dns.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The cache in front of the real transport, against the fake server, with a hand-moved clock. */
class DnsCacheTest {

    private FakeDnsServer dns;
    private MutableClock clock;

    @BeforeEach
    void start() throws Exception {
        dns = FakeDnsServer.start();
        clock = new MutableClock();
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private CachingDnsClient client(DnsSettings settings) {
        return DnsClients.create(settings, clock);
    }

    @Test
    void positiveAnswerIsReusedForItsTtl() {
        dns.txt("_dmarc.example.com", 300, "v=DMARC1; p=reject");
        CachingDnsClient client = client(dns.settings());

        assertThat(client.txt("_dmarc.example.com").texts()).containsExactly("v=DMARC1; p=reject");
        clock.advance(Duration.ofSeconds(299));
        assertThat(client.txt("_DMARC.example.com.").texts()).containsExactly("v=DMARC1; p=reject");
        assertThat(dns.queryCount("_dmarc.example.com", Type.TXT)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(client.txt("_dmarc.example.com").status()).isEqualTo(DnsStatus.FOUND);
        assertThat(dns.queryCount("_dmarc.example.com", Type.TXT)).isEqualTo(2);
    }

    @Test
    void typesAreCachedSeparately() {
        dns.txt("example.com", "t").a("example.com", "192.0.2.1");
        CachingDnsClient client = client(dns.settings());

        assertThat(client.query("example.com", Type.TXT).status()).isEqualTo(DnsStatus.FOUND);
        assertThat(client.query("example.com", Type.A).status()).isEqualTo(DnsStatus.FOUND);
        assertThat(client.query("example.com", Type.MX).status()).isEqualTo(DnsStatus.NODATA);
        assertThat(dns.queryCount()).isEqualTo(3);
    }

    @Test
    void negativeAnswerIsReusedForTheSoaTtl() {
        dns.negativeSoa(3600, 120);
        CachingDnsClient client = client(dns.settings());

        assertThat(client.query("missing.example", Type.TXT).status()).isEqualTo(DnsStatus.NXDOMAIN);
        clock.advance(Duration.ofSeconds(119));
        dns.txt("missing.example", "now it exists");
        assertThat(client.query("missing.example", Type.TXT).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(dns.queryCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(client.txt("missing.example").texts()).containsExactly("now it exists");
        assertThat(dns.queryCount()).isEqualTo(2);
    }

    @Test
    void nodataIsCachedLikeNxdomain() {
        dns.negativeSoa(60, 60).a("example.com", "192.0.2.1");
        CachingDnsClient client = client(dns.settings());

        client.query("example.com", Type.TXT);
        clock.advance(Duration.ofSeconds(59));
        assertThat(client.query("example.com", Type.TXT).status()).isEqualTo(DnsStatus.NODATA);
        assertThat(dns.queryCount()).isEqualTo(1);
    }

    @Test
    void negativeAnswerWithoutSoaUsesTheConfiguredNegativeTtl() {
        dns.withoutSoa();
        CachingDnsClient client = client(dns.settings().withNegativeTtl(Duration.ofSeconds(10)));

        client.query("missing.example", Type.TXT);
        clock.advance(Duration.ofSeconds(9));
        client.query("missing.example", Type.TXT);
        assertThat(dns.queryCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        client.query("missing.example", Type.TXT);
        assertThat(dns.queryCount()).isEqualTo(2);
    }

    @Test
    void tempfailIsNeverCached() {
        dns.servfail("broken.example");
        CachingDnsClient client = client(dns.settings());

        assertThat(client.query("broken.example", Type.TXT).status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(client.query("broken.example", Type.TXT).status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(dns.queryCount()).isEqualTo(2);
        assertThat(client.cache().size()).isZero();
    }

    @Test
    void recoveryIsSeenAtOnceAfterATempfail() {
        dns.servfail("flaky.example").txt("flaky.example", "ok");
        CachingDnsClient client = client(dns.settings());
        assertThat(client.txt("flaky.example").status()).isEqualTo(DnsStatus.TEMPFAIL);

        dns.reset().txt("flaky.example", "ok");

        assertThat(client.txt("flaky.example").texts()).containsExactly("ok");
    }

    @Test
    void ttlIsClampedToTheConfiguredMaximum() {
        dns.txt("example.com", 86400 * 7, "long lived");
        CachingDnsClient client = client(dns.settings().withTtlBounds(Duration.ZERO, Duration.ofHours(1)));

        client.txt("example.com");
        clock.advance(Duration.ofMinutes(59));
        client.txt("example.com");
        assertThat(dns.queryCount()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        client.txt("example.com");
        assertThat(dns.queryCount()).isEqualTo(2);
    }

    @Test
    void ttlIsRaisedToTheConfiguredMinimum() {
        dns.txt("example.com", 0, "zero ttl");
        CachingDnsClient client = client(dns.settings().withTtlBounds(Duration.ofSeconds(30), Duration.ofHours(1)));

        client.txt("example.com");
        clock.advance(Duration.ofSeconds(29));
        client.txt("example.com");
        assertThat(dns.queryCount()).isEqualTo(1);
    }

    @Test
    void zeroTtlIsNotKeptWithoutAMinimum() {
        dns.txt("example.com", 0, "zero ttl");
        CachingDnsClient client = client(dns.settings());

        client.txt("example.com");
        client.txt("example.com");
        assertThat(dns.queryCount()).isEqualTo(2);
    }

    @Test
    void leastRecentlyUsedEntryIsEvictedWhenFull() {
        DnsCache cache = new DnsCache(DnsSettings.defaults().withCacheMaxEntries(2), clock);
        cache.put("a.example", Type.TXT, found(300));
        cache.put("b.example", Type.TXT, found(300));
        assertThat(cache.get("a.example", Type.TXT)).isPresent(); // a is now the most recently used

        cache.put("c.example", Type.TXT, found(300));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b.example", Type.TXT)).isEmpty();
        assertThat(cache.get("a.example", Type.TXT)).isPresent();
        assertThat(cache.get("c.example", Type.TXT)).isPresent();
    }

    @Test
    void zeroEntriesTurnsCachingOff() {
        dns.txt("example.com", "x");
        CachingDnsClient client = client(dns.settings().withCacheMaxEntries(0));

        client.txt("example.com");
        client.txt("example.com");

        assertThat(dns.queryCount()).isEqualTo(2);
        assertThat(client.cache().size()).isZero();
    }

    @Test
    void invalidAndNullNamesGoThroughTheCacheWithoutBeingKept() {
        CachingDnsClient client = client(dns.settings());

        assertThat(client.query(null, Type.TXT).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(client.txt("a..example").status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(client.exists(null)).isEqualTo(DomainExistence.NON_EXISTENT);
        assertThat(client.cache().size()).isZero();
        assertThat(dns.queryCount()).isZero();
    }

    @Test
    void madeUpAnswersAreNotKept() {
        DnsCache cache = new DnsCache(DnsSettings.defaults().withTtlBounds(Duration.ofMinutes(5), Duration.ofDays(1)), clock);

        cache.put("a..b", Type.TXT, CacheableAnswer.uncacheable(DnsAnswer.of(DnsStatus.NXDOMAIN, "invalid name")));
        cache.put("x.example", Type.TXT, CacheableAnswer.of(DnsAnswer.of(DnsStatus.TEMPFAIL, "timeout"), OptionalLong.of(600)));

        assertThat(cache.size()).isZero();
    }

    @Test
    void concurrentUseGivesEveryThreadTheRightAnswer() throws Exception {
        int names = 20;
        for (int i = 0; i < names; i++) {
            dns.txt("n" + i + ".example", "text " + i);
        }
        CachingDnsClient client = client(dns.settings().withCacheMaxEntries(8));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<String>>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                jobs.add(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int k = 0; k < 100; k++) {
                        int n = (seed * 7 + k) % names;
                        TxtAnswer a = client.txt("n" + n + ".example");
                        if (a.status() != DnsStatus.FOUND || !a.texts().equals(List.of("text " + n))) {
                            wrong.add(n + ": " + a);
                        }
                    }
                    return wrong;
                });
            }
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> f : pool.invokeAll(jobs)) {
                wrong.addAll(f.get());
            }
            assertThat(wrong).as(dns.queries().toString()).isEmpty();
            assertThat(client.cache().size()).isLessThanOrEqualTo(8);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static CacheableAnswer found(long ttl) {
        return CacheableAnswer.of(new DnsAnswer(DnsStatus.FOUND, List.of(), ""), OptionalLong.of(ttl));
    }
}
