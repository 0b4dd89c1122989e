package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Type;

class DnsjavaClientTest {

    private FakeDnsServer dns;
    private DnsjavaClient client;

    @BeforeEach
    void start() throws Exception {
        dns = FakeDnsServer.start();
        client = new DnsjavaClient(dns.settings().withTimeout(Duration.ofMillis(300)));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void foundReturnsRecordsOfTheTypeAsked() {
        dns.a("example.com", "192.0.2.1").a("example.com", "192.0.2.2").txt("example.com", "hello");

        DnsAnswer answer = client.query("example.com", Type.A);

        assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
        assertThat(answer.records()).extracting(r -> ((ARecord) r).getAddress().getHostAddress())
            .containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
    }

    @Test
    void trailingDotAndCaseDoNotMatter() {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=none");

        assertThat(client.txt("_DMARC.Example.COM.").texts()).containsExactly("v=DMARC1; p=none");
    }

    @Test
    void unknownNameIsNxdomain() {
        dns.a("example.com", "192.0.2.1");

        DnsAnswer answer = client.query("nothing.example.org", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(answer.records()).isEmpty();
        assertThat(answer.detail()).contains("nothing.example.org").contains("NXDOMAIN");
    }

    @Test
    void nameWithOtherTypesIsNodata() {
        dns.a("example.com", "192.0.2.1");

        assertThat(client.query("example.com", Type.TXT).status()).isEqualTo(DnsStatus.NODATA);
    }

    @Test
    void emptyNonTerminalIsNodataNotNxdomain() {
        dns.txt("sel._domainkey.example.com", "v=DKIM1; p=");

        assertThat(client.query("_domainkey.example.com", Type.TXT).status()).isEqualTo(DnsStatus.NODATA);
    }

    @Test
    void scriptedNxdomainAndNodata() {
        dns.a("gone.example", "192.0.2.1").nxdomain("gone.example").nodata("empty.example");

        assertThat(client.query("gone.example", Type.A).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(client.query("empty.example", Type.A).status()).isEqualTo(DnsStatus.NODATA);
    }

    @Test
    void servfailIsTempfailNamingTheRcodeAndServer() {
        dns.servfail("broken.example");

        DnsAnswer answer = client.query("broken.example", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(answer.detail()).contains("SERVFAIL").contains(dns.serverSpec());
    }

    @Test
    void refusedIsTempfail() {
        dns.refused("private.example");

        DnsAnswer answer = client.query("private.example", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(answer.detail()).contains("REFUSED");
    }

    @Test
    void noReplyIsTempfailAfterTheTimeout() {
        dns.timeout("slow.example");

        DnsAnswer answer = client.query("slow.example", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(answer.detail()).contains("timeout");
    }

    @Test
    void replyWithAnotherMessageIdIsIgnored() {
        dns.txt("spoofed.example", "v=DMARC1; p=none").wrongId("spoofed.example");

        DnsAnswer answer = client.query("spoofed.example", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(answer.detail()).contains("timeout");
    }

    @Test
    void retriesAskTheServerAgainAfterATimeout() {
        dns.timeout("slow.example");
        DnsjavaClient retrying = new DnsjavaClient(dns.settings().withTimeout(Duration.ofMillis(200)).withRetries(2));

        assertThat(retrying.query("slow.example", Type.TXT).status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(dns.queryCount("slow.example", Type.TXT)).isEqualTo(3);
    }

    @Test
    void servfailIsNotRetriedOnTheSameServer() {
        dns.servfail("broken.example");
        DnsjavaClient retrying = new DnsjavaClient(dns.settings().withRetries(2));

        assertThat(retrying.query("broken.example", Type.TXT).status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(dns.queryCount("broken.example", Type.TXT)).isEqualTo(1);
    }

    @Test
    void nothingListeningIsTempfail() throws Exception {
        InetSocketAddress dead;
        try (FakeDnsServer other = FakeDnsServer.start()) {
            dead = other.address();
        }
        DnsjavaClient toDead = new DnsjavaClient(dns.settings().withServers(List.of(dead)).withTimeout(Duration.ofMillis(300)));

        DnsAnswer answer = toDead.query("example.com", Type.A);

        assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(answer.detail()).contains("127.0.0.1:" + dead.getPort()).doesNotContain("null");
    }

    @Test
    void noConfiguredServersMeansTheSystemResolvers() {
        assertThat(new DnsjavaClient(DnsSettings.defaults()).servers()).isNotEmpty()
            .isEqualTo(DnsjavaClient.systemServers());
        assertThat(client.servers()).containsExactly(dns.address());
    }

    @Test
    void nextServerIsAskedWhenTheFirstFails() throws Exception {
        try (FakeDnsServer good = FakeDnsServer.start()) {
            dns.servfail("example.com");
            good.txt("example.com", "from the second server");
            DnsjavaClient two = new DnsjavaClient(dns.settings().withServers(List.of(dns.address(), good.address())));

            TxtAnswer answer = two.txt("example.com");

            assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
            assertThat(answer.texts()).containsExactly("from the second server");
        }
    }

    @Test
    void truncatedUdpAnswerIsAskedAgainOverTcp() {
        dns.txt("big.example", "the full answer").truncate("big.example");

        TxtAnswer answer = client.txt("big.example");

        assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
        assertThat(answer.texts()).containsExactly("the full answer");
        assertThat(dns.queries()).extracting(FakeDnsServer.Query::tcp).containsExactly(false, true);
    }

    @Test
    void answerTooBigForUdpComesOverTcp() {
        String big = "x".repeat(1000);
        for (int i = 0; i < 4; i++) {
            dns.txt("huge.example", i + big);
        }

        TxtAnswer answer = client.txt("huge.example");

        assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
        assertThat(answer.texts()).hasSize(4).allSatisfy(t -> assertThat(t).hasSize(1001).endsWith(big));
        assertThat(dns.queries()).extracting(FakeDnsServer.Query::tcp).containsExactly(false, true);
    }

    @Test
    void txtStringsAreJoinedWithoutSeparator() {
        dns.txtStrings("_dmarc.example.com", "v=DMARC1; p=rej", "ect; rua=mailto:d@example.com", "");

        TxtAnswer answer = client.txt("_dmarc.example.com");

        assertThat(answer.texts()).containsExactly("v=DMARC1; p=reject; rua=mailto:d@example.com");
    }

    @Test
    void longTxtSplitIntoStringsIsReassembledExactly() {
        String key = "v=DKIM1; k=rsa; p=" + "A".repeat(600);
        dns.txt("sel._domainkey.example.com", key);

        assertThat(client.txt("sel._domainkey.example.com").texts()).containsExactly(key);
    }

    @Test
    void eachTxtRecordIsOneText() {
        dns.txt("example.com", "v=spf1 -all").txtStrings("example.com", "a", "b");

        assertThat(client.txt("example.com").texts()).containsExactlyInAnyOrder("v=spf1 -all", "ab");
    }

    @Test
    void txtBytesThatAreNotUtf8StayOneCharPerByte() {
        dns.txtBytes("odd.example", 60, List.of(new byte[] {'v', '=', (byte) 0xff, (byte) 0xfe}));

        String text = client.txt("odd.example").texts().get(0);

        assertThat(text).isEqualTo("v=\u00ff\u00fe");
    }

    @Test
    void cnameChainIsFollowedToRecordsOfTheTypeAsked() {
        dns.cname("_dmarc.example.com", "_dmarc.one.example")
            .cname("_dmarc.one.example", "_dmarc.two.example")
            .txt("_dmarc.two.example", "v=DMARC1; p=quarantine");

        DnsAnswer answer = client.query("_dmarc.example.com", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
        assertThat(answer.records()).allSatisfy(r -> assertThat(r.getType()).isEqualTo(Type.TXT));
        assertThat(client.txt("_dmarc.example.com").texts()).containsExactly("v=DMARC1; p=quarantine");
    }

    @Test
    void cnameAskedForIsReturnedItself() {
        dns.cname("alias.example", "target.example").a("target.example", "192.0.2.9");

        DnsAnswer answer = client.query("alias.example", Type.CNAME);

        assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
        assertThat(answer.records()).extracting(r -> r.getType()).containsExactly(Type.CNAME);
    }

    @Test
    void cnameToMissingNameIsNxdomain() {
        dns.cname("alias.example", "missing.example");

        DnsAnswer answer = client.query("alias.example", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(answer.detail()).contains("missing.example");
    }

    @Test
    void cnameWhoseTargetWasNotResolvedIsAskedForAgain() {
        dns.cname("alias.example", "target.example").cnameOnly("alias.example").txt("target.example", "here");

        TxtAnswer answer = client.txt("alias.example");

        assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
        assertThat(answer.texts()).containsExactly("here");
        assertThat(dns.queryCount("target.example", Type.TXT)).isEqualTo(1);
    }

    @Test
    void cnameLoopIsTempfailNotAHang() {
        dns.cname("a.example", "b.example").cname("b.example", "a.example");

        DnsAnswer answer = client.query("a.example", Type.TXT);

        assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(answer.detail()).contains("CNAME");
    }

    @Test
    void invalidNamesAreNxdomainWithoutAsking() {
        List<String> bad = List.of("", "a..example.com", ".example.com", "x".repeat(64) + ".example.com",
            ("abcdefghi.".repeat(26)) + "com", "exa mple.com", "example.com\u0000", "ex\\046ample.com");

        for (String name : bad) {
            DnsAnswer answer = client.query(name, Type.TXT);
            assertThat(answer.status()).as(name).isEqualTo(DnsStatus.NXDOMAIN);
            assertThat(answer.detail()).as(name).startsWith("invalid name");
        }
        assertThat(client.query(null, Type.TXT).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(dns.queryCount()).isZero();
    }

    @Test
    void positiveTtlIsTheSmallestOfRecordsAndCnames() {
        dns.cname("alias.example", 120, "target.example").a("target.example", 600, "192.0.2.1")
            .a("target.example", 300, "192.0.2.2");

        assertThat(client.lookup("alias.example", Type.A).ttlSeconds()).hasValue(120);
        assertThat(client.lookup("target.example", Type.A).ttlSeconds()).hasValue(300);
    }

    @Test
    void negativeTtlIsTheSmallerOfSoaTtlAndMinimum() {
        dns.negativeSoa(900, 60);
        assertThat(client.lookup("missing.example", Type.TXT).ttlSeconds()).hasValue(60);

        dns.negativeSoa(30, 600);
        CacheableAnswer nodata = client.lookup("missing.example", Type.TXT);
        assertThat(nodata.ttlSeconds()).hasValue(30);
        assertThat(nodata.cacheable()).isTrue();
    }

    @Test
    void negativeAnswerWithoutSoaHasNoTtl() {
        dns.withoutSoa();

        CacheableAnswer answer = client.lookup("missing.example", Type.TXT);

        assertThat(answer.answer().status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(answer.ttlSeconds()).isEmpty();
    }

    @Test
    void tempfailAndInvalidNamesAreNotCacheable() {
        dns.servfail("broken.example");

        assertThat(client.lookup("broken.example", Type.A).cacheable()).isFalse();
        assertThat(client.lookup("a..b", Type.A).cacheable()).isFalse();
    }

    @Test
    void existsAgainstARealServer() {
        dns.mx("mail-only.example", 10, "mx.example.net").a("web.example", "192.0.2.1")
            .txt("txt-only.example", "hi");

        assertThat(client.exists("web.example")).isEqualTo(DomainExistence.EXISTS);
        assertThat(client.exists("mail-only.example")).isEqualTo(DomainExistence.EXISTS);
        assertThat(client.exists("txt-only.example")).isEqualTo(DomainExistence.NON_EXISTENT);
        assertThat(client.exists("nowhere.example")).isEqualTo(DomainExistence.NON_EXISTENT);
        String asked = dns.queries().stream().map(Object::toString).collect(Collectors.joining(","));
        assertThat(asked).isEqualTo("web.example./A/udp,"
            + "mail-only.example./A/udp,mail-only.example./AAAA/udp,mail-only.example./MX/udp,"
            + "txt-only.example./A/udp,txt-only.example./AAAA/udp,txt-only.example./MX/udp,"
            + "nowhere.example./A/udp");
    }
}
