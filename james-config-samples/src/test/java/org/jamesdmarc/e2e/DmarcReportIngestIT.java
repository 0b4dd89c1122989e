package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import javax.mail.internet.MimeMessage;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample's rua mailbox in a real James: an aggregate report mailed to {@code dmarc-reports@james.local} (the
 * sample's {@code IsDmarcReport} condition) is stored in the history database by {@code DmarcReportIngest}, still
 * delivered to the mailbox, and shown on the same James's dashboard ({@code /dmarc/dashboard} in Debian's headless
 * Chromium): its domain, its sources and their counts, equal to the report's (issue 12's "done when").
 */
class DmarcReportIngestIT {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final String RUA = "dmarc-reports@james.local";
    private static JamesProcess james;

    @BeforeAll
    static void startJames() throws Exception {
        james = JamesProcess.builder("report-ingest").env("JAMES_USER", RUA).start();
    }

    @AfterAll
    static void stopJames() {
        if (james != null) {
            james.close();
        }
    }

    /** Our server, 42 messages passing; an unknown source, 5 messages failing both. */
    private static final String OUR_SERVER = "192.0.2.10";
    private static final String STRANGER = "198.51.100.7";

    /** A report on yesterday (UTC): inside the dashboard's default window of 30 days. */
    private static String report(String reportId) {
        long begin = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1)).getEpochSecond();
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">"
                + "<report_metadata><org_name>Receiver IT</org_name><email>reports@receiver.example</email>"
                + "<report_id>" + reportId + "</report_id><date_range><begin>" + begin + "</begin><end>"
                + (begin + 86_399) + "</end></date_range></report_metadata><policy_published><domain>james.local"
                + "</domain><p>none</p></policy_published>"
                + "<record><row><source_ip>" + OUR_SERVER + "</source_ip><count>42</count>"
                + "<policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf>"
                + "</policy_evaluated></row><identifiers><header_from>james.local</header_from></identifiers>"
                + "<auth_results><spf><domain>james.local</domain><result>pass</result></spf></auth_results>"
                + "</record>"
                + "<record><row><source_ip>" + STRANGER + "</source_ip><count>5</count>"
                + "<policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>"
                + "</policy_evaluated></row><identifiers><header_from>james.local</header_from></identifiers>"
                + "<auth_results><spf><domain>elsewhere.example</domain><result>fail</result></spf></auth_results>"
                + "</record></feedback>";
    }

    @Test
    void aReportMailedToTheRuaAddressIsStoredDeliveredAndShownOnTheDashboard() throws Exception {
        String token = UUID.randomUUID().toString();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(report(token).getBytes(StandardCharsets.UTF_8));
        }
        String raw = "From: reports@receiver.example\r\nTo: " + RUA + "\r\n"
                + "Subject: Report Domain: james.local Submitter: receiver.example Report-ID: <" + token + ">\r\n"
                + "X-Test-Token: " + token + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                + "A DMARC aggregate report.\r\n--b\r\nContent-Type: application/gzip; name=\"r.xml.gz\"\r\n"
                + "Content-Disposition: attachment; filename=\"receiver.example!james.local!1764547200!1764633599.xml.gz\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(gz.toByteArray())
                + "\r\n--b--\r\n";
        // Sent as it is, through the client's session (James's SMTP port, from 127.0.0.2).
        SmtpClient.from(james, "127.0.0.2", "mx.receiver.example")
                .sendRaw(raw.getBytes(StandardCharsets.US_ASCII), "reports@receiver.example", RUA);

        Optional<MimeMessage> delivered = ImapInbox.of(james).await("X-Test-Token", token, DELIVERY_TIMEOUT);
        assertThat(delivered).as("delivered to the rua mailbox; James log:%n%s", james.logTail()).isPresent();

        // DmarcReportIngest runs before LocalDelivery: once delivered, the report is stored.
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + james.home().resolve("var/dmarc/history")
                + ";AUTO_SERVER=TRUE", "sa", "");
             PreparedStatement ps = c.prepareStatement("SELECT r.org_name, r.policy_domain, r.message_count, "
                     + "r.origin, (SELECT COUNT(*) FROM dmarc_inbound_record x WHERE x.report_key = r.report_key) "
                     + "FROM dmarc_inbound_report r WHERE r.report_id = ?")) {
            ps.setString(1, token);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("stored; James log:%n%s", james.logTail()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Receiver IT");
                assertThat(rs.getString(2)).isEqualTo("james.local");
                assertThat(rs.getLong(3)).isEqualTo(47);
                assertThat(rs.getString(4)).isEqualTo("mail");
                assertThat(rs.getLong(5)).isEqualTo(2);
            }
        }

        // The same James's dashboard, in a real browser: the report's domain, sources and counts.
        try (DashboardBrowser browser = DashboardBrowser.start(DmarcWebAdminIT.e2eDir())) {
            String url = "http://" + JamesProcess.HOST + ":" + james.webAdminPort() + "/dmarc/dashboard";
            assertThat(browser.open(url)).as("dashboard loaded; James log:%n%s", james.logTail()).isEqualTo("true");
            assertThat(browser.filter("james.local")).isEqualTo("true");
            WebElement domain = browser.find(By.cssSelector("#inbound-domains [data-domain='james.local']"));
            assertThat(domain.findElement(By.cssSelector("[data-field=messages]")).getText()).isEqualTo("47");
            assertThat(domain.findElement(By.cssSelector("[data-field=pass]")).getText()).isEqualTo("42");
            List<List<String>> sources = domain.findElements(By.cssSelector("table.sources tbody tr")).stream()
                    .map(tr -> tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
            // Columns: source, name, reported by, messages, pass, SPF aligned, DKIM aligned, ...
            assertThat(sources).hasSize(2);
            assertThat(sources.get(0).get(0)).isEqualTo(OUR_SERVER);
            assertThat(sources.get(0).get(2)).isEqualTo("Receiver IT");
            assertThat(sources.get(0).subList(3, 7)).containsExactly("42", "42", "42", "42");
            assertThat(sources.get(1).get(0)).isEqualTo(STRANGER);
            assertThat(sources.get(1).subList(3, 7)).containsExactly("5", "0", "0", "0");
            assertThat(browser.consoleProblems()).isEmpty();
        }
    }
}
