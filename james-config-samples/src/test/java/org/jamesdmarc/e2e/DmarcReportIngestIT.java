package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample's rua mailbox in a real James: an aggregate report mailed to {@code dmarc-reports@james.local} (the
 * sample's {@code IsDmarcReport} condition) is stored in the history database by {@code DmarcReportIngest} and still
 * delivered to the mailbox.
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

    private static String report(String reportId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">"
                + "<report_metadata><org_name>Receiver IT</org_name><email>reports@receiver.example</email>"
                + "<report_id>" + reportId + "</report_id><date_range><begin>1764547200</begin><end>1764633599</end>"
                + "</date_range></report_metadata><policy_published><domain>james.local</domain><p>none</p>"
                + "</policy_published><record><row><source_ip>192.0.2.10</source_ip><count>42</count>"
                + "<policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf>"
                + "</policy_evaluated></row><identifiers><header_from>james.local</header_from></identifiers>"
                + "<auth_results><spf><domain>james.local</domain><result>pass</result></spf></auth_results>"
                + "</record></feedback>";
    }

    @Test
    void aReportMailedToTheRuaAddressIsStoredAndDelivered() throws Exception {
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
                assertThat(rs.getLong(3)).isEqualTo(42);
                assertThat(rs.getString(4)).isEqualTo("mail");
                assertThat(rs.getLong(5)).isEqualTo(1);
            }
        }
    }
}
