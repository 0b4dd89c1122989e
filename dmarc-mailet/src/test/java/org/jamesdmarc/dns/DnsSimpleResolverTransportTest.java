package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The client on dnsjava's own SimpleResolver: same statuses, and SimpleResolver does the TCP fallback. */
class DnsSimpleResolverTransportTest {

    private FakeDnsServer dns;
    private DnsjavaClient client;

    @BeforeEach
    void start() throws Exception {
        dns = FakeDnsServer.start();
        client = new DnsjavaClient(dns.settings().withTimeout(Duration.ofMillis(500)), new SimpleResolverTransport());
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void statuses() {
        dns.txt("example.com", "hello").servfail("broken.example").a("a.example", "192.0.2.1");

        assertThat(client.txt("example.com").texts()).containsExactly("hello");
        assertThat(client.query("missing.example", Type.TXT).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(client.query("a.example", Type.TXT).status()).isEqualTo(DnsStatus.NODATA);
        assertThat(client.query("broken.example", Type.TXT).status()).isEqualTo(DnsStatus.TEMPFAIL);
    }

    @Test
    void truncatedUdpReplyIsAskedAgainOverTcpBySimpleResolver() {
        dns.txt("big.example", "the full answer").truncate("big.example");

        assertThat(client.txt("big.example").texts()).containsExactly("the full answer");
        assertThat(dns.queries()).extracting(FakeDnsServer.Query::tcp).containsExactly(false, true);
    }

    @Test
    void noReplyIsTempfail() {
        dns.timeout("slow.example");

        DnsAnswer answer = client.query("slow.example", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(answer.detail()).contains("timeout");
    }
}
