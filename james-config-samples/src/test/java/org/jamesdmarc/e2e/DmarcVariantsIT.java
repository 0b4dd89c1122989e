package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.e2e.SampleSetup.AUTHSERV_ID;
import static org.jamesdmarc.e2e.SampleSetup.BAD_IP;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.QUARANTINE;
import static org.jamesdmarc.e2e.SampleSetup.SPF;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The variant configurations in {@code james-config-samples/variants/} (used as JAMES_CONF_OVERLAY),
 * each in its own real James: mail that the full sample would refuse or quarantine is delivered, and
 * recorded in the evaluation history with what the variant did ({@code ./dmarc history list --home}).
 */
class DmarcVariantsIT {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    /** The first record waits for the history database to be created; generous for a loaded machine. */
    private static final Duration HISTORY_TIMEOUT = Duration.ofSeconds(60);

    private static KnotDnsServer dns;

    @BeforeAll
    static void startDns() {
        dns = KnotDnsServer.builder()
            .zone("reject.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject")
            .zone("quarantine.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=quarantine")
            .zone("none.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=none")
            .start();
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void monitorOnlyDeliversEveryFailureWithItsResult() throws Exception {
        try (JamesProcess james = start("monitor-only")) {
            String rejected = send(james, BAD_IP, "alice@reject.test");
            String quarantined = send(james, BAD_IP, "alice@quarantine.test");

            MimeMessage r = awaitDelivered(james, rejected);
            assertThat(TestMail.authResults(r, AUTHSERV_ID)).singleElement()
                .satisfies(ar -> assertThat(ar).contains("dmarc=fail", "header.from=reject.test"));
            assertThat(r.getSubject()).isEqualTo("dmarc e2e " + rejected);
            assertThat(r.getHeader("X-DMARC-Fail")).isNull();

            MimeMessage q = awaitDelivered(james, quarantined);
            assertThat(TestMail.authResults(q, AUTHSERV_ID)).singleElement()
                .satisfies(ar -> assertThat(ar).contains("dmarc=fail", "header.from=quarantine.test"));
            assertThat(MailRepositories.messages(james, QUARANTINE)).isEmpty();

            // The evaluation history: monitoring acts on nothing, so both are "delivered".
            assertThat(actions(james, 2)).containsExactlyInAnyOrder(
                "reject.test fail delivered", "quarantine.test fail delivered");
        }
    }

    @Test
    void tagOnlyDeliversFailuresTagged() throws Exception {
        try (JamesProcess james = start("tag-only")) {
            String rejected = send(james, BAD_IP, "alice@reject.test");
            String none = send(james, BAD_IP, "alice@none.test");
            String passed = send(james, GOOD_IP, "alice@reject.test");

            MimeMessage r = awaitDelivered(james, rejected);
            assertThat(r.getSubject()).isEqualTo("[DMARC FAIL] dmarc e2e " + rejected);
            assertThat(r.getHeader("X-DMARC-Fail")).containsExactly("yes");
            assertThat(TestMail.authResults(r, AUTHSERV_ID)).singleElement()
                .satisfies(ar -> assertThat(ar).contains("dmarc=fail"));

            // p=none: the sender asked for nothing, so no subject prefix; still a header for filters.
            MimeMessage n = awaitDelivered(james, none);
            assertThat(n.getSubject()).isEqualTo("dmarc e2e " + none);
            assertThat(n.getHeader("X-DMARC-Fail")).containsExactly("yes");

            MimeMessage p = awaitDelivered(james, passed);
            assertThat(p.getSubject()).isEqualTo("dmarc e2e " + passed);
            assertThat(p.getHeader("X-DMARC-Fail")).isNull();
            assertThat(TestMail.authResults(p, AUTHSERV_ID)).singleElement()
                .satisfies(ar -> assertThat(ar).contains("dmarc=pass"));
            assertThat(MailRepositories.messages(james, QUARANTINE)).isEmpty();

            // The evaluation history: the failures it marked are "tagged", the pass "delivered".
            assertThat(actions(james, 3)).containsExactlyInAnyOrder(
                "reject.test fail tagged", "none.test fail tagged", "reject.test pass delivered");
        }
    }

    /** "header-from result action" of each message in the James's history, once it holds {@code count}. */
    private static List<String> actions(JamesProcess james, int count) throws Exception {
        return DmarcCommand.awaitHistory(james, count, HISTORY_TIMEOUT).stream()
            .map(r -> r.get("headerFrom").asText() + " " + r.get("result").asText() + " " + r.get("action").asText())
            .toList();
    }

    private static JamesProcess start(String variant) throws IOException {
        Path overlay = JamesProcess.repositoryRoot().resolve("james-config-samples/variants").resolve(variant);
        return JamesProcess.builder("dmarc-" + variant).confOverlay(overlay).dnsServers(dns.hostPort()).start();
    }

    /** Sends a fresh message (SMTP must accept it) and returns its token. */
    private static String send(JamesProcess james, String ip, String from) throws MessagingException {
        String token = TestMail.token();
        SmtpClient.from(james, ip, "mail." + TestMail.domainOf(from))
            .sendRaw(TestMail.message(from, james.user(), token, List.of()), from, james.user());
        return token;
    }

    private static MimeMessage awaitDelivered(JamesProcess james, String token) throws MessagingException, IOException {
        Optional<MimeMessage> got = ImapInbox.of(james).await(TestMail.TOKEN_HEADER, token, DELIVERY_TIMEOUT);
        assertThat(got).as("delivered over IMAP; James log:%n%s", james.logTail()).isPresent();
        return got.get();
    }
}
