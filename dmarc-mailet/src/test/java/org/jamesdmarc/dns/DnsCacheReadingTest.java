package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.dns.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * {@link DnsClient#readTxt} on the cache: a reading is made once per cached answer and goes with it
 * (expiry, eviction), answers that are not kept are read every time, and names in any case or with a
 * trailing dot share one entry.
 */
class DnsCacheReadingTest {

    private final MutableClock clock = new MutableClock();
    private final InMemoryDnsClient zone = new InMemoryDnsClient();
    private final AtomicInteger upstreamQueries = new AtomicInteger();
    private final AtomicInteger readings = new AtomicInteger();
    private final Function<TxtAnswer, String> reader = answer -> {
        readings.incrementAndGet();
        return answer.status() + " " + answer.texts();
    };

    private CachingDnsClient client(DnsSettings settings) {
        DnsLookup upstream = (name, type) -> {
            upstreamQueries.incrementAndGet();
            if (name == null) {
                // as DnsjavaClient answers a null name
                return CacheableAnswer.uncacheable(DnsAnswer.of(DnsStatus.NXDOMAIN, "invalid name"));
            }
            DnsAnswer answer = zone.query(name, type);
            return answer.status() == DnsStatus.TEMPFAIL ? CacheableAnswer.uncacheable(answer)
                    : CacheableAnswer.of(answer, OptionalLong.of(300));
        };
        return new CachingDnsClient(upstream, new DnsCache(settings, clock));
    }

    @Test
    void aReadingIsMadeOncePerCachedAnswerAndExpiresWithIt() {
        zone.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        CachingDnsClient client = client(DnsSettings.defaults());

        assertThat(client.readTxt("_dmarc.example.com", reader)).isEqualTo("FOUND [v=DMARC1; p=reject]");
        assertThat(client.readTxt("_DMARC.Example.com.", reader)).isEqualTo("FOUND [v=DMARC1; p=reject]");
        assertThat(client.txt("_dmarc.example.com").texts()).containsExactly("v=DMARC1; p=reject");
        assertThat(readings).hasValue(1);
        assertThat(upstreamQueries).hasValue(1);

        clock.advance(Duration.ofSeconds(300));
        assertThat(client.readTxt("_dmarc.example.com", reader)).isEqualTo("FOUND [v=DMARC1; p=reject]");
        assertThat(readings).hasValue(2);
        assertThat(upstreamQueries).hasValue(2);
    }

    @Test
    void anotherReaderMakesItsOwnReading() {
        zone.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        CachingDnsClient client = client(DnsSettings.defaults());
        Function<TxtAnswer, Integer> count = answer -> answer.texts().size();

        assertThat(client.readTxt("_dmarc.example.com", reader)).isEqualTo("FOUND [v=DMARC1; p=reject]");
        assertThat(client.readTxt("_dmarc.example.com", count)).isEqualTo(1);
        assertThat(client.readTxt("_dmarc.example.com", reader)).isEqualTo("FOUND [v=DMARC1; p=reject]");
        assertThat(upstreamQueries).hasValue(1);
    }

    @Test
    void answersThatAreNotKeptAreReadEveryTime() {
        zone.tempFail("_dmarc.down.example");
        CachingDnsClient client = client(DnsSettings.defaults());

        client.readTxt("_dmarc.down.example", reader);
        client.readTxt("_dmarc.down.example", reader);
        client.readTxt(null, reader);
        assertThat(readings).hasValue(3);
        assertThat(client.cache().size()).isZero();

        CachingDnsClient uncached = client(DnsSettings.defaults().withCacheMaxEntries(0));
        uncached.readTxt("_dmarc.down.example", reader);
        assertThat(readings).hasValue(4);
    }

    @Test
    void negativeAnswersAreReadOnceToo() {
        CachingDnsClient client = client(DnsSettings.defaults());

        assertThat(client.readTxt("_dmarc.nowhere.example", reader)).isEqualTo("NXDOMAIN []");
        assertThat(client.readTxt("_dmarc.nowhere.example", reader)).isEqualTo("NXDOMAIN []");
        assertThat(readings).hasValue(1);
    }

    @Test
    void anEvictedAnswerIsAskedAndReadAgain() {
        zone.txt("a.example", "a").txt("b.example", "b").txt("c.example", "c");
        CachingDnsClient client = client(DnsSettings.defaults().withCacheMaxEntries(2));

        client.readTxt("a.example", reader);
        client.readTxt("b.example", reader);
        client.readTxt("a.example", reader); // b is now the least recently used
        client.readTxt("c.example", reader);
        assertThat(client.cache().size()).isEqualTo(2);
        client.readTxt("a.example", reader);
        client.readTxt("b.example", reader);

        assertThat(upstreamQueries).hasValue(4);
        assertThat(readings).hasValue(4);
    }

    @Test
    void otherTypesAndNamesInKeyFormShareEntries() {
        DnsCache cache = new DnsCache(DnsSettings.defaults(), clock);
        CacheableAnswer found = CacheableAnswer.of(new DnsAnswer(DnsStatus.FOUND, List.of(), ""), OptionalLong.of(60));
        cache.put("Example.COM.", Type.A, found);
        cache.put("example.com", 65280, found); // a private-use type, beyond the small-type tables

        assertThat(cache.get("example.com", Type.A)).isPresent();
        assertThat(cache.get("EXAMPLE.com.", Type.A)).isPresent();
        assertThat(cache.get("example.com", Type.AAAA)).isEmpty();
        assertThat(cache.get("Example.com", 65280)).isPresent();
        assertThat(cache.size()).isEqualTo(2);
        cache.clear();
        assertThat(cache.size()).isZero();
    }
}
