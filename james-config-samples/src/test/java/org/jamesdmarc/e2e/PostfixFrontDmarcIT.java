package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.e2e.SampleSetup.AUTHSERV_ID;
import static org.jamesdmarc.e2e.SampleSetup.BAD_IP;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.QUARANTINE;
import static org.jamesdmarc.e2e.SampleSetup.SPF;
import static org.jamesdmarc.e2e.SampleSetup.closeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code variants/postfix-front/}: a real Postfix MX in front of a real James 3.8.1 that runs the
 * variant, with the senders' records on a real DNS server (knotd). Every connection James sees comes
 * from Postfix on 127.0.0.1, which is in James's {@code authorizedAddresses} and {@code ignoreHosts};
 * the DMARC result must nevertheless be the one of the Internet client Postfix talked to.
 *
 * <p>{@code relayed.test} authorises only 127.0.0.2 in SPF and publishes p=quarantine, so a pass is
 * delivered to the inbox and a failure lands in the {@code dmarc-quarantine} repository; had James judged
 * Postfix's 127.0.0.1 instead, neither message would carry an SPF or DMARC result at all (127.0.0.1 is
 * in ignoreHosts: result {@code none}), and without ignoreHosts both would fail SPF.
 */
class PostfixFrontDmarcIT {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Path VARIANT = JamesProcess.repositoryRoot()
        .resolve("james-config-samples/variants/postfix-front");

    private static KnotDnsServer dns;
    /** James with the variant as shipped (Postfix in store-and-forward mode in front of it). */
    private static JamesProcess james;

    @BeforeAll
    static void start() throws IOException {
        PostfixRelay.assumeUsable(); // before paying for knot and James
        Swaks.assumeInstalled();
        dns = KnotDnsServer.builder()
            .zone("relayed.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=quarantine")
            .zone("rejecting.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject")
            .start();
        james = JamesProcess.builder("postfix-front").confOverlay(VARIANT).dnsServers(dns.hostPort()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(james, dns);
    }

    @BeforeEach
    void tools() {
        Swaks.assumeInstalled();
    }

    @Test
    void storeAndForwardJudgesTheClientPostfixTalkedTo() throws Exception {
        try (PostfixRelay postfix = PostfixRelay.builder().nextHop(james.smtpPort()).start()) {

            String passing = viaPostfix(postfix, james, GOOD_IP, "alice@relayed.test");
            String failing = viaPostfix(postfix, james, BAD_IP, "mallory@relayed.test");
            String rejectPolicy = viaPostfix(postfix, james, BAD_IP, "mallory@rejecting.test");

            // 127.0.0.2 is authorised by relayed.test's SPF: pass, aligned, delivered.
            MimeMessage pass = awaitInbox(james, postfix, passing);
            assertThat(TestMail.authResults(pass, AUTHSERV_ID)).singleElement().satisfies(ar -> assertThat(ar)
                .contains("dmarc=pass", "header.from=relayed.test", "spf=pass smtp.mailfrom=relayed.test"));
            // James's own Received field names Postfix as its client: what it judged is not the connection.
            assertThat(pass.getHeader("Received")[0]).contains(postfix.myhostname()).contains("[127.0.0.1]");

            // 127.0.0.3 is not (-all): SPF fail, DMARC fail, p=quarantine: kept out of the inbox.
            Optional<String> quarantined = MailRepositories.await(james, QUARANTINE, failing, DELIVERY);
            assertThat(quarantined).as("quarantined; Postfix log:%n%s%nJames log:%n%s",
                postfix.mailLogTail(), james.logTail()).isPresent();
            String header = unfoldedHeader(quarantined.get());
            assertThat(header).contains("Authentication-Results: " + AUTHSERV_ID + "; dmarc=fail",
                "p=quarantine", "header.from=relayed.test", "spf=fail smtp.mailfrom=relayed.test");
            assertThat(ImapInbox.of(james).await(TestMail.TOKEN_HEADER, failing, Duration.ofSeconds(2))).isEmpty();

            // p=reject in store-and-forward mode: James must not answer 550 (Postfix would bounce to the
            // forged sender); the variant's hook refuses nothing and the failure is kept aside instead.
            Optional<String> kept = MailRepositories.await(james, QUARANTINE, rejectPolicy, DELIVERY);
            assertThat(kept).as("kept aside; Postfix log:%n%s", postfix.mailLogTail()).isPresent();
            assertThat(unfoldedHeader(kept.get())).contains("dmarc=fail", "p=reject", "spf=fail");
            assertThat(postfix.mailLogText()).doesNotContain("status=bounced");
        }
    }

    @Test
    void localSubmissionStraightToJamesIsStillIgnored() throws Exception {
        // ignoreHosts (127.0.0.1) is matched against the original client: a program on this host that
        // submits to James directly, without Postfix, is not checked, even for an unauthorised domain.
        // (SPF of relayed.test does not cover 127.0.0.1: checked, this would be quarantined.)
        String token = TestMail.token();
        SmtpClient.from(james, "127.0.0.1", "localhost")
            .sendRaw(TestMail.message("cron@relayed.test", james.user(), token, List.of()),
                "cron@relayed.test", james.user());

        MimeMessage local = awaitInbox(james, null, token);
        assertThat(TestMail.authResults(local, AUTHSERV_ID)).containsExactly(AUTHSERV_ID + "; none");
        assertThat(MailRepositories.messages(james, QUARANTINE)).noneMatch(m -> m.contains(token));
    }

    @Test
    void beforeQueueProxyWithRejectFailuresGivesJamessRefusalToTheSender(@TempDir Path overlay) throws Exception {
        // The change the variant's smtpserver.xml documents for mode B: rejectFailures=true.
        copyVariantWithRejectFailures(overlay);
        try (JamesProcess bq = JamesProcess.builder("postfix-front-bq")
                .confOverlay(overlay).dnsServers(dns.hostPort()).start();
             PostfixRelay postfix = PostfixRelay.builder().nextHop(bq.smtpPort())
                .mode(PostfixRelay.Mode.BEFORE_QUEUE_PROXY).start()) {

            Swaks.Result refused = swaks(postfix, bq, BAD_IP, "mallory@rejecting.test", TestMail.token()).send();
            assertThat(refused.delivered()).isFalse();
            assertThat(refused.transcript()).as("swaks:%n%s", refused.transcript())
                .containsPattern("<\\*\\* 550 5\\.7\\.1 .*DMARC");

            // The same policy from the authorised client passes: the refusal was about 127.0.0.3, not Postfix.
            String token = TestMail.token();
            Swaks.Result accepted = swaks(postfix, bq, GOOD_IP, "alice@rejecting.test", token).send();
            assertThat(accepted.delivered()).as("swaks:%n%s", accepted.transcript()).isTrue();
            MimeMessage pass = awaitInbox(bq, postfix, token);
            assertThat(TestMail.authResults(pass, AUTHSERV_ID)).singleElement()
                .satisfies(ar -> assertThat(ar).contains("dmarc=pass", "spf=pass smtp.mailfrom=rejecting.test"));
        }
    }

    /** Sends through Postfix (which must accept it with 250) and returns the message's token. */
    private static String viaPostfix(PostfixRelay postfix, JamesProcess james, String ip, String from)
            throws IOException, InterruptedException {
        String token = TestMail.token();
        Swaks.Result sent = swaks(postfix, james, ip, from, token).send();
        assertThat(sent.delivered()).as("swaks:%n%s", sent.transcript()).isTrue();
        return token;
    }

    private static Swaks swaks(PostfixRelay postfix, JamesProcess james, String ip, String from, String token) {
        return Swaks.to(PostfixRelay.HOST, postfix.smtpPort())
            .from(ip).helo("mail." + TestMail.domainOf(from))
            .mailFrom(from).rcptTo(james.user())
            .header("Subject: postfix front " + token)
            .header(TestMail.TOKEN_HEADER + ": " + token);
    }

    private static MimeMessage awaitInbox(JamesProcess james, PostfixRelay postfix, String token)
            throws MessagingException, IOException {
        Optional<MimeMessage> got = ImapInbox.of(james).await(TestMail.TOKEN_HEADER, token, DELIVERY);
        assertThat(got).as("delivered over IMAP; Postfix log:%n%s%nJames log:%n%s",
            postfix == null ? "(no Postfix)" : postfix.mailLogTail(), james.logTail()).isPresent();
        return got.get();
    }

    /** The header section of a raw message, folded lines joined. */
    private static String unfoldedHeader(String raw) {
        String normalized = raw.replace("\r\n", "\n");
        int end = normalized.indexOf("\n\n");
        return (end < 0 ? normalized : normalized.substring(0, end)).replaceAll("\n[ \t]+", " ");
    }

    private static void copyVariantWithRejectFailures(Path overlay) throws IOException {
        Files.copy(VARIANT.resolve("mailetcontainer.xml"), overlay.resolve("mailetcontainer.xml"));
        String smtp = Files.readString(VARIANT.resolve("smtpserver.xml"));
        String modeB = smtp.replace("<rejectFailures>false</rejectFailures>", "<rejectFailures>true</rejectFailures>");
        assertThat(modeB).as("the variant's hook has rejectFailures=false to switch").isNotEqualTo(smtp);
        Files.writeString(overlay.resolve("smtpserver.xml"), modeB);
    }
}
