package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;

import org.jamesdmarc.testsupport.KnotDnsServer;
import org.jamesdmarc.dns.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The client against a real DNS server (Knot) on loopback: statuses, TTLs, TCP fallback, CNAMEs. */
class DnsKnotIntegrationTest {

    private static final String BIG = "x".repeat(250);

    private static KnotDnsServer knot;
    private static DnsSettings settings;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder zone = new StringBuilder()
            .append("$ORIGIN example.test.\n$TTL 300\n")
            .append("@ IN SOA ns hostmaster 1 3600 600 86400 120\n")
            .append("@ IN NS ns\nns IN A 127.0.0.1\n")
            .append("@ 600 IN MX 10 mx\nmx IN AAAA 2001:db8::25\n")
            .append("_dmarc 60 IN TXT \"v=DMARC1; p=rej\" \"ect\"\n")
            .append("alias IN CNAME _dmarc\n")
            .append("sel._domainkey IN TXT \"v=DKIM1; p=abc\"\n");
        for (int i = 0; i < 8; i++) {
            zone.append("big IN TXT \"").append(i).append(BIG).append("\" \"tail").append(i).append("\"\n");
        }
        knot = KnotDnsServer.builder().withoutRootZone().zoneText("example.test", zone.toString()).start();
        settings = DnsSettings.defaults().withServers(DnsSettings.parseServers(knot.hostPort()));
    }

    @AfterAll
    static void stop() {
        if (knot != null) {
            knot.close();
        }
    }

    @Test
    void statusesFromARealServer() {
        DnsjavaClient client = new DnsjavaClient(settings);

        assertThat(client.txt("_dmarc.example.test").texts()).containsExactly("v=DMARC1; p=reject");
        assertThat(client.query("nope.example.test", Type.TXT).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(client.query("example.test", Type.TXT).status()).isEqualTo(DnsStatus.NODATA);
        assertThat(client.query("_domainkey.example.test", Type.TXT).status()).isEqualTo(DnsStatus.NODATA);
        // Knot is authoritative only: a name outside its zone is REFUSED.
        assertThat(client.query("example.org", Type.TXT).status()).isEqualTo(DnsStatus.TEMPFAIL);
    }

    @Test
    void ttlsFromARealServer() {
        DnsjavaClient client = new DnsjavaClient(settings);

        assertThat(client.lookup("_dmarc.example.test", Type.TXT).ttlSeconds()).isEqualTo(OptionalLong.of(60));
        assertThat(client.lookup("nope.example.test", Type.TXT).ttlSeconds()).isEqualTo(OptionalLong.of(120));
    }

    @Test
    void cnameChainFromARealServer() {
        DnsjavaClient client = new DnsjavaClient(settings);

        assertThat(client.txt("alias.example.test").texts()).containsExactly("v=DMARC1; p=reject");
    }

    @Test
    void bigRrsetComesOverTcp() {
        for (DnsTransport transport : new DnsTransport[] {new SocketDnsTransport(), new SimpleResolverTransport()}) {
            DnsjavaClient client = new DnsjavaClient(settings, transport);

            TxtAnswer answer = client.txt("big.example.test");

            assertThat(answer.status()).as(transport.getClass().getSimpleName()).isEqualTo(DnsStatus.FOUND);
            assertThat(answer.texts()).hasSize(8).allSatisfy(t -> assertThat(t).contains(BIG + "tail"));
        }
    }

    @Test
    void existsAndCacheAgainstARealServer() {
        CachingDnsClient client = DnsClients.create(settings, new MutableClock());

        assertThat(client.exists("example.test")).isEqualTo(DomainExistence.EXISTS);
        assertThat(client.exists("mx.example.test")).isEqualTo(DomainExistence.EXISTS);
        assertThat(client.exists("_dmarc.example.test")).isEqualTo(DomainExistence.NON_EXISTENT);
        assertThat(client.exists("nope.example.test")).isEqualTo(DomainExistence.NON_EXISTENT);
        assertThat(client.cache().size()).isPositive();
    }
}
