package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.dns.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class DnsCountingClientTest {

    @Test
    void countsLogicalLookupsIncludingCacheHits() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.start()) {
            dns.txt("_dmarc.example.com", "v=DMARC1; p=none").a("example.com", "192.0.2.1");
            CachingDnsClient shared = DnsClients.create(dns.settings(), new MutableClock());
            CountingDnsClient counting = new CountingDnsClient(shared);

            counting.txt("_dmarc.example.com");
            counting.txt("_dmarc.example.com");
            counting.exists("example.com");
            counting.exists("nowhere.example");
            counting.query("example.com", Type.A);

            assertThat(counting.lookups()).isEqualTo(5);
            assertThat(counting.queries()).containsExactly("_dmarc.example.com/TXT", "_dmarc.example.com/TXT",
                "example.com/A", "nowhere.example/A", "example.com/A");
            assertThat(dns.queryCount()).isEqualTo(3); // the rest came from the cache

            counting.reset();
            assertThat(counting.lookups()).isZero();
            assertThat(counting.queries()).isEmpty();
        }
    }

    @Test
    void existsCountsEachTypeAsked() {
        CountingDnsClient counting = new CountingDnsClient(new AbstractDnsClient() {
            @Override
            public DnsAnswer query(String name, int type) {
                return DnsAnswer.of(DnsStatus.NODATA, "none");
            }
        });

        assertThat(counting.exists("example.com")).isEqualTo(DomainExistence.NON_EXISTENT);
        assertThat(counting.lookups()).isEqualTo(3);
        assertThat(counting.queries()).containsExactly("example.com/A", "example.com/AAAA", "example.com/MX");
    }
}
