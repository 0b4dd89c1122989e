package org.jamesdmarc.reporting.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesdmarc.dns.ReverseDns;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.reporting.DomainCheck;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;
import org.jamesdmarc.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route handlers on an embedded H2 history and an in-memory DNS: the check's JSON is {@code dmarc check --json}'s,
 * bad parameters are 400s in WebAdmin's error shape, unknown ids 404s, a re-send makes the ledger row pending, an
 * unreachable database is a 503, and source names never wait for the DNS. (The real James and database: the
 * {@code DmarcWebAdminIT} end-to-end test.)
 */
class DmarcWebApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path tmp;
    private JdbcHistoryStore store;
    private SourceNames names;
    private DmarcWebApi api;
    private final InMemoryDnsClient dns = new InMemoryDnsClient()
            .dmarc("example.com", "v=DMARC1; p=reject; rua=mailto:d@example.com")
            .ptr("10.2.0.192.in-addr.arpa", "mail.example.com").a("mail.example.com", "192.0.2.10");

    @BeforeEach
    void open() {
        store = JdbcHistoryStore.open(new StoreConfig("jdbc:h2:file:" + tmp.resolve("h"), "sa", Secret.none(), 2));
        names = new SourceNames(new ReverseDns(dns)::confirmedNames, Clock.fixed(NOW, ZoneOffset.UTC));
        api = new DmarcWebApi(() -> store, d -> DomainCheck.check(d, dns, DiscoveryMode.TREEWALK), names,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        names.close();
        store.close();
    }

    private static JsonNode json(WebResponse r) throws Exception {
        assertThat(r.contentType()).isEqualTo(WebResponse.JSON);
        return JSON.readTree(r.body());
    }

    @Test
    void checkAnswersWhatDmarcCheckPrints() throws Exception {
        WebResponse r = api.check("Example.COM");
        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r)).isEqualTo(JSON.readTree(JSON.writeValueAsString(DomainCheck.toJson(
                DomainCheck.check(org.jamesdmarc.dns.DomainName.of("example.com"), dns, DiscoveryMode.TREEWALK)))));
        assertThat(json(r).get("record").get("p").asText()).isEqualTo("reject");

        WebResponse bad = api.check("no..domain");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(json(bad).get("type").asText()).isEqualTo("InvalidArgument");
        assertThat(json(bad).get("statusCode").asInt()).isEqualTo(400);
    }

    @Test
    void badParametersAre400sNamingTheParameter() throws Exception {
        Map<String, Map<String, String>> cases = Map.of(
                "result", Map.of("result", "maybe"),
                "since", Map.of("since", "last tuesday"),
                "limit", Map.of("limit", "100000"),
                "offset", Map.of("offset", "-3"),
                "domain", Map.of("domain", "a..b"));
        for (var c : cases.entrySet()) {
            WebResponse r = api.history(Params.of(c.getValue()));
            assertThat(r.status()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).get("message").asText()).as(c.getKey()).startsWith(c.getKey());
        }
        assertThat(api.historyStats(Params.of(Map.of("since", "2026-12-01", "until", "2026-11-01"))).status())
                .isEqualTo(400);
        assertThat(api.historyStats(Params.of(Map.of("days", "401"))).status()).isEqualTo(400);
        assertThat(api.outbound(Params.of(Map.of("state", "lost"))).status()).isEqualTo(400);
        assertThat(api.history(Params.of(Map.of("domain", "x".repeat(2000)))).status()).isEqualTo(400);
    }

    @Test
    void timesAreIsoInstantsDatesOrEpochSeconds() {
        Params p = Params.of(Map.of("a", "2026-12-01T10:00:00Z", "b", "2026-12-01", "c", "1764583200"));
        assertThat(p.instant("a")).contains(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(p.instant("b")).contains(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(p.instant("c")).contains(Instant.ofEpochSecond(1764583200L));
        assertThat(p.instant("d")).isEmpty();
    }

    @Test
    void resendMakesTheReportPendingAgainAndUnknownReportsAre404() throws Exception {
        long begin = NOW.minus(Duration.ofDays(1)).getEpochSecond();
        ReportLedger ledger = new ReportLedger(store);
        ledger.insert(List.of(
                entry(begin, "mailto:a@rua.example", ReportLedger.State.HANDED_OFF),
                entry(begin, "mailto:b@rua.example", ReportLedger.State.FAILED),
                entry(begin, "mailto:c@rua.example", ReportLedger.State.SUPPRESSED)));

        assertThat(api.resend("nope", Params.of(Map.of())).status()).isEqualTo(404);
        assertThat(api.resend("r1", Params.of(Map.of("destination", "mailto:x@y"))).status()).isEqualTo(404);

        WebResponse one = api.resend("r1", Params.of(Map.of("destination", "mailto:b@rua.example")));
        assertThat(one.status()).isEqualTo(202);
        assertThat(json(one).get("resend").asInt()).isEqualTo(1);
        WebResponse rest = api.resend("r1", Params.of(Map.of()));
        assertThat(json(rest).get("resend").asInt()).isEqualTo(1); // a@; c@ stays suppressed
        assertThat(ledger.byReportId("r1")).extracting(e -> e.destination() + "=" + e.state().code())
                .containsExactly("mailto:a@rua.example=pending", "mailto:b@rua.example=pending",
                        "mailto:c@rua.example=suppressed");
        assertThat(api.resend("r1", Params.of(Map.of())).status()).isEqualTo(409);

        JsonNode listed = json(api.outbound(Params.of(Map.of("state", "pending"))));
        assertThat(listed.get("reports")).hasSize(2);
    }

    private static ReportLedger.Entry entry(long begin, String destination, ReportLedger.State state) {
        return new ReportLedger.Entry(begin, begin + 86_400, "example.com", destination, state, Optional.empty(), "r1",
                "<r1@example>", "r1.xml.gz", OptionalLong.empty(), "rfc9990", 1, Optional.empty(), NOW, NOW);
    }

    @Test
    void anUnreachableDatabaseIs503() throws Exception {
        DmarcWebApi down = new DmarcWebApi(() -> {
            throw new StoreException("connection refused");
        }, d -> DomainCheck.check(d, dns, DiscoveryMode.TREEWALK), names, Clock.systemUTC());
        WebResponse r = down.history(Params.of(Map.of()));
        assertThat(r.status()).isEqualTo(503);
        assertThat(json(r).get("message").asText()).contains("connection refused");
    }

    @Test
    void sourceNamesAreResolvedOffTheRequestPathAndCached() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (SourceNames slow = new SourceNames(a -> {
            lookups.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ReverseDns(dns).confirmedNames(a);
        }, Clock.systemUTC())) {
            // The DNS has not answered yet: the request is answered at once, with the name pending.
            assertThat(slow.nameOf("192.0.2.10")).isInstanceOf(SourceNames.Name.Pending.class);
            assertThat(slow.nameOf("192.0.2.10")).isInstanceOf(SourceNames.Name.Pending.class);
            release.countDown();
            assertThat(slow.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(slow.nameOf("192.0.2.10")).isEqualTo(new SourceNames.Name.Resolved("mail.example.com"));
            assertThat(slow.nameOf("192.0.2.99")).isInstanceOf(SourceNames.Name.Pending.class);
            assertThat(slow.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(slow.nameOf("192.0.2.99")).isInstanceOf(SourceNames.Name.Unnamed.class);
            assertThat(slow.nameOf("not an address")).isInstanceOf(SourceNames.Name.Unnamed.class);
            assertThat(lookups.get()).isEqualTo(2); // one per address, then cached
        }
        assertThat(InetAddress.getByName("192.0.2.10")).isNotNull();
    }

    @Test
    void theDashboardIsHtmlWithoutExternalResources() {
        WebResponse r = api.dashboard();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.body()).contains("/dmarc/history/stats").doesNotContainPattern("(src|href)=\"(https?:)?//");
    }
}
