package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.e2e.SampleSetup.closeAll;
import static org.jamesdmarc.e2e.WebFixture.ALPHA;
import static org.jamesdmarc.e2e.WebFixture.BETA;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DMARC WebAdmin routes of a real James 3.8.1 started by {@code ./run-james} with the sample configuration
 * ({@code extensions.routes} of the sample's {@code webadmin.properties}), on a PostgreSQL history holding
 * {@link WebFixture}'s data: status codes, JSON bodies equal to the database's numbers (counted by SQL here), 400 for
 * bad parameters and 404 for unknown ids. knotd serves the DNS: a DMARC record for the check route and
 * forward-confirmed reverse names for the sources. The report task is off (a conf overlay), so the ledger changes
 * only through the routes.
 */
class DmarcWebAdminIT {

    private static KnotDnsServer dns;
    private static HistoryDatabase db;
    private static WebFixture fixture;
    private static JamesProcess james;
    private static WebAdminClient web;

    @BeforeAll
    static void start() throws Exception {
        dns = KnotDnsServer.builder()
                .zone(ALPHA)
                    .txt("_dmarc", "v=DMARC1; p=quarantine; rua=mailto:dmarc@" + ALPHA)
                    .a("mail", "192.0.2.10")
                .zone("2.0.192.in-addr.arpa")
                    .record("10", "PTR", "mail." + ALPHA + ".")
                .start();
        db = HistoryDatabase.create(HistoryDatabase.Server.POSTGRESQL);
        fixture = new WebFixture(db.url(), "postgres");
        fixture.write();
        Path overlay = Files.createTempDirectory(e2eDir(), "webadmin-conf-");
        // The report task off: the ledger changes only through the routes under test.
        Files.writeString(overlay.resolve("dmarc.properties"), "report.enabled=false\n");
        // Start-up on this shared 2-core machine has taken over 5 minutes under load: a longer bound than the default.
        james = JamesProcess.builder("webadmin").dnsServers(dns.hostPort()).confOverlay(overlay)
                .startTimeout(java.time.Duration.ofMinutes(10))
                .env("DMARC_DB_URL", db.url()).env("DMARC_DB_USER", "postgres").start();
        web = new WebAdminClient(james, Optional.empty());
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(james, db, dns);
    }

    static Path e2eDir() throws IOException {
        return Files.createDirectories(Paths.get(System.getProperty("jamesdmarc.e2e.dir",
                JamesProcess.repositoryRoot().resolve("james-config-samples/target/james-e2e").toString())));
    }

    static JamesProcess james() {
        return james;
    }

    static WebFixture fixture() {
        return fixture;
    }

    @Test
    void checkRouteSaysWhatDmarcCheckSays() throws Exception {
        WebAdminClient.Answer a = web.get("/dmarc/domains/" + ALPHA + "/check");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.contentType()).startsWith("application/json");
        JsonNode j = a.json();
        assertThat(j.get("result").asText()).isEqualTo("found");
        assertThat(j.get("policyDomain").asText()).isEqualTo(ALPHA);
        assertThat(j.get("record").get("p").asText()).isEqualTo("quarantine");
        assertThat(j.get("reportDestinations").get(0).get("authorization").asText()).isEqualTo("not-needed");

        JsonNode none = web.get("/dmarc/domains/nothing-here." + ALPHA + "/check").json();
        assertThat(none.get("policyDomain").asText()).isEqualTo(ALPHA); // found at the organizational domain

        WebAdminClient.Answer bad = web.get("/dmarc/domains/not_a..domain/check");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("not a domain name");
    }

    @Test
    void historyPagesEqualTheDatabase() throws Exception {
        JsonNode all = web.get("/dmarc/history?limit=1000").json();
        assertThat(all.get("messages").size()).isEqualTo(fixture.count("SELECT COUNT(*) FROM dmarc_message"));
        assertThat(all.get("more").asBoolean()).isFalse();
        List<String> times = new ArrayList<>();
        all.get("messages").forEach(m -> times.add(m.get("receivedAt").asText()));
        assertThat(times).isSortedAccordingTo((x, y) -> y.compareTo(x)); // newest first

        JsonNode fails = web.get("/dmarc/history?domain=" + ALPHA + "&result=fail&limit=1000").json();
        assertThat(fails.get("messages").size()).isEqualTo(fixture.count(
                "SELECT COUNT(*) FROM dmarc_message WHERE policy_domain = ? AND dmarc_result = 'fail'", ALPHA));
        fails.get("messages").forEach(m -> {
            assertThat(m.get("policyDomain").asText()).isEqualTo(ALPHA);
            assertThat(m.get("result").asText()).isEqualTo("fail");
        });

        JsonNode page1 = web.get("/dmarc/history?limit=5").json();
        JsonNode page2 = web.get("/dmarc/history?limit=5&offset=5").json();
        assertThat(page1.get("more").asBoolean()).isTrue();
        assertThat(page2.get("messages").get(0).get("key").asText())
                .isEqualTo(all.get("messages").get(5).get("key").asText());

        String since = all.get("messages").get(3).get("receivedAt").asText();
        JsonNode recent = web.get("/dmarc/history?limit=1000&since=" + since).json();
        assertThat(recent.get("messages").size()).isEqualTo(4);
    }

    @Test
    void statsEqualTheDatabase() throws Exception {
        JsonNode s = web.get("/dmarc/history/stats").json();
        assertThat(s.get("messages").asLong()).isEqualTo(fixture.count("SELECT COUNT(*) FROM dmarc_message"));
        assertThat(s.get("pass").asLong())
                .isEqualTo(fixture.count("SELECT COUNT(*) FROM dmarc_message WHERE dmarc_result = 'pass'"));
        long perDay = 0;
        for (JsonNode d : s.get("days")) {
            perDay += d.get("messages").asLong();
        }
        assertThat(perDay).isEqualTo(s.get("messages").asLong());
        assertThat(s.get("days").size()).isEqualTo(3);
        assertThat(s.get("domains").get(0).get("policyDomain").asText()).isEqualTo(ALPHA);
        assertThat(s.get("domains").get(0).get("messages").asLong()).isEqualTo(
                fixture.count("SELECT COUNT(*) FROM dmarc_message WHERE policy_domain = ?", ALPHA));

        JsonNode failing = s.get("topFailingSources");
        assertThat(failing.get(0).get("ip").asText()).isEqualTo("192.0.2.20");
        assertThat(failing.get(0).get("messages").asLong()).isEqualTo(fixture.count(
                "SELECT COUNT(*) FROM dmarc_message WHERE source_ip = '192.0.2.20' AND dmarc_result = 'fail'"));
        assertThat(failing.get(1).get("ip").asText()).isEqualTo("198.51.100.7");
        assertThat(failing.get(1).get("overrides").get("mailing_list").asLong()).isEqualTo(3);

        JsonNode beta = web.get("/dmarc/history/stats?domain=" + BETA).json();
        assertThat(beta.get("messages").asLong())
                .isEqualTo(fixture.count("SELECT COUNT(*) FROM dmarc_message WHERE policy_domain = ?", BETA));
        assertThat(beta.get("topFailingSources").get(0).get("dispositions").get("reject").asLong()).isEqualTo(1);
    }

    @Test
    void outboundListsTheLedgerAndResendsOneReport() throws Exception {
        JsonNode o = web.get("/dmarc/reports/outbound").json();
        assertThat(o.get("reports").size()).isEqualTo(fixture.count("SELECT COUNT(*) FROM dmarc_report_delivery"));
        assertThat(o.get("reports").get(0).get("reportId").asText()).isEqualTo(WebFixture.REPORT_ID);
        assertThat(o.get("reports").get(0).get("state").asText()).isEqualTo("handed_off");

        WebAdminClient.Answer unknown = web.post("/dmarc/reports/outbound/no-such-report/resend");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("statusCode").asInt()).isEqualTo(404);

        WebAdminClient.Answer resent = web.post("/dmarc/reports/outbound/" + WebFixture.REPORT_ID + "/resend");
        assertThat(resent.status()).as(resent.body()).isEqualTo(202);
        assertThat(resent.json().get("resend").asInt()).isEqualTo(1);
        assertThat(fixture.count("SELECT COUNT(*) FROM dmarc_report_delivery WHERE report_id = ? AND state = 'pending'",
                WebFixture.REPORT_ID)).isEqualTo(1);
        // Pending now: nothing to send again until it was handed off once more.
        assertThat(web.post("/dmarc/reports/outbound/" + WebFixture.REPORT_ID + "/resend").status()).isEqualTo(409);
    }

    @Test
    void inboundReportsEqualTheDatabase() throws Exception {
        JsonNode r = web.get("/dmarc/reports/inbound").json();
        JsonNode ours = r.get("domains").get(0);
        assertThat(ours.get("domain").asText()).isEqualTo(WebFixture.OURS);
        assertThat(ours.get("reports").asLong()).isEqualTo(fixture.count("SELECT COUNT(*) FROM dmarc_inbound_report"));
        assertThat(ours.get("messages").asLong())
                .isEqualTo(fixture.count("SELECT SUM(message_count) FROM dmarc_inbound_record"));
        assertThat(ours.get("pass").asLong()).isEqualTo(
                fixture.count("SELECT SUM(message_count) FROM dmarc_inbound_record WHERE dmarc_pass = 1"));
        assertThat(ours.get("dispositions").get("reject").asLong()).isEqualTo(fixture.count(
                "SELECT SUM(message_count) FROM dmarc_inbound_record WHERE disposition = 'reject'"));
        assertThat(ours.get("days").size()).isEqualTo(2);
        JsonNode top = ours.get("sources").get(0);
        assertThat(top.get("ip").asText()).isEqualTo(WebFixture.OUR_SERVER);
        assertThat(top.get("messages").asLong()).isEqualTo(80);
        assertThat(top.get("reporters")).extracting(JsonNode::asText).containsExactly("example.com", "example.net");
        JsonNode ready = ours.get("rejectReadiness");
        assertThat(ready.get("legitimate").asLong()).isEqualTo(86);
        assertThat(ready.get("wouldBeRejected").asLong()).isEqualTo(6);
        assertThat(ready.get("verdict").asText()).isEqualTo("not-ready");
        assertThat(r.get("latestReports")).hasSize(2);

        WebAdminClient.Answer xml = web.get("/dmarc/reports/inbound/" + fixture.inboundId);
        assertThat(xml.status()).isEqualTo(200);
        assertThat(xml.contentType()).startsWith("application/xml");
        assertThat(xml.body()).isEqualTo(WebFixture.RAW_XML);
        assertThat(web.get("/dmarc/reports/inbound/0123456789abcdef0123456789abcdef").status()).isEqualTo(404);
        assertThat(web.get("/dmarc/reports/inbound/not-an-id").status()).isEqualTo(400);
        assertThat(web.get("/dmarc/reports/inbound?domain=" + ALPHA).json().get("domains")).isEmpty();
    }

    @Test
    void badParametersAre400WithAJsonError() throws Exception {
        for (String q : List.of("/dmarc/history?result=maybe", "/dmarc/history?since=yesterday",
                "/dmarc/history?limit=0", "/dmarc/history?limit=abc", "/dmarc/history?offset=-1",
                "/dmarc/history?domain=bad..name", "/dmarc/history/stats?days=0", "/dmarc/history/stats?top=1000",
                "/dmarc/history/stats?since=2026-12-01&until=2026-11-01", "/dmarc/reports/outbound?state=lost")) {
            WebAdminClient.Answer a = web.get(q);
            assertThat(a.status()).as(q + ": " + a.body()).isEqualTo(400);
            assertThat(a.contentType()).as(q).startsWith("application/json");
            assertThat(a.json().get("type").asText()).as(q).isEqualTo("InvalidArgument");
        }
        assertThat(web.get("/dmarc/nothing").status()).isEqualTo(404);
    }

    @Test
    void dashboardIsServedAsHtmlWithoutData() throws Exception {
        WebAdminClient.Answer a = web.get("/dmarc/dashboard");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.contentType()).startsWith("text/html");
        assertThat(a.body()).contains("<title>DMARC dashboard</title>").doesNotContain(ALPHA)
                .doesNotContain("192.0.2.")
                .doesNotContainPattern("<script[^>]+src=").doesNotContainPattern("<link[^>]+href=\"(https?:)?//");
    }

    // ---------------------------------------------------------------- the dashboard in a real browser

    @Test
    void dashboardShowsTheDatabasesNumbersWithoutConsoleErrorsAndFilters() throws Exception {
        try (DashboardBrowser browser = DashboardBrowser.start(e2eDir())) {
            String url = "http://" + JamesProcess.HOST + ":" + james.webAdminPort() + "/dmarc/dashboard";
            assertThat(browser.open(url)).isEqualTo("true");

            // Mail we received: our verdicts, equal to the database's.
            assertThat(browser.text("received-messages"))
                    .isEqualTo(Long.toString(fixture.count("SELECT COUNT(*) FROM dmarc_message")));
            assertThat(browser.text("received-pass")).isEqualTo(Long.toString(
                    fixture.count("SELECT COUNT(*) FROM dmarc_message WHERE dmarc_result = 'pass'")));
            List<WebElement> failing = browser.findAll(By.cssSelector("#received-failing tbody tr"));
            assertThat(failing.get(0).findElements(By.tagName("td")).get(0).getText()).isEqualTo("192.0.2.20");
            assertThat(failing.get(0).findElements(By.tagName("td")).get(2).getText()).isEqualTo(Long.toString(
                    fixture.count("SELECT COUNT(*) FROM dmarc_message WHERE source_ip = '192.0.2.20' "
                            + "AND dmarc_result = 'fail'")));
            assertThat(failing.get(1).getText()).contains("mailing list 3");
            assertThat(browser.findAll(By.cssSelector("#received-chart svg rect"))).isNotEmpty();

            assertInboundShown(browser);
            assertThat(browser.consoleProblems()).isEmpty();
            browser.screenshot(JamesProcess.repositoryRoot().resolve("docs/dashboard.png"));

            // The domain filter.
            assertThat(browser.filter(BETA)).isEqualTo("true");
            assertThat(browser.text("received-messages")).isEqualTo(Long.toString(
                    fixture.count("SELECT COUNT(*) FROM dmarc_message WHERE policy_domain = ?", BETA)));
            assertThat(browser.findAll(By.cssSelector("#received-domains tbody tr"))).hasSize(1);
            assertThat(browser.filter("")).isEqualTo("true");
            assertThat(browser.findAll(By.cssSelector("#received-domains tbody tr"))).hasSize(2);

            // Phone width: the page itself does not scroll sideways (wide tables scroll inside their box).
            browser.size(390, 844);
            Object overflow = browser.script("return document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).longValue()).isLessThanOrEqualTo(0);
            assertThat(browser.consoleProblems()).isEmpty();
        }
    }

    /** What receivers reported about our domains, as the dashboard shows it: equal to the database's numbers. */
    private static void assertInboundShown(DashboardBrowser browser) throws Exception {
        WebElement ours = browser.find(By.cssSelector("#inbound-domains [data-domain='" + WebFixture.OURS + "']"));
        assertThat(ours.findElement(By.cssSelector("[data-field=messages]")).getText()).isEqualTo(Long.toString(
                fixture.count("SELECT SUM(message_count) FROM dmarc_inbound_record WHERE policy_domain = ?",
                        WebFixture.OURS)));
        assertThat(ours.findElement(By.cssSelector("[data-field=pass]")).getText()).isEqualTo(Long.toString(
                fixture.count("SELECT SUM(message_count) FROM dmarc_inbound_record WHERE policy_domain = ? "
                        + "AND dmarc_pass = 1", WebFixture.OURS)));
        List<WebElement> sources = ours.findElements(By.cssSelector("table.sources tbody tr"));
        assertThat(sources.get(0).findElements(By.tagName("td")).get(0).getText()).isEqualTo(WebFixture.OUR_SERVER);
        // Its forward-confirmed name (knotd), resolved off the request path: shown once looked up.
        assertThat(sources.get(0).findElements(By.tagName("td")).get(1).getText())
                .isIn("mail." + ALPHA, "(resolving…)");
        assertThat(sources.get(0).findElements(By.tagName("td")).get(3).getText()).isEqualTo(Long.toString(
                fixture.count("SELECT SUM(message_count) FROM dmarc_inbound_record WHERE source_ip = ?",
                        WebFixture.OUR_SERVER)));
        String forwarder = sources.stream().filter(r -> r.getText().startsWith(WebFixture.FORWARDER)).findFirst()
                .orElseThrow().getText();
        assertThat(forwarder).contains("forwarder 4").contains("mailing list 2");
        // Legitimate: our server (80) and the forwarder (6, marked forwarded/mailing list); 6 of 86 would be rejected.
        assertThat(ours.findElement(By.cssSelector("[data-field=reject-hint]")).getText())
                .contains("6 of 86 messages");
    }
}
