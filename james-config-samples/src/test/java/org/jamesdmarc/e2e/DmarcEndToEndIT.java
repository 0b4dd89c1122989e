package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jamesdmarc.e2e.SampleSetup.AUTHSERV_ID;
import static org.jamesdmarc.e2e.SampleSetup.BAD_IP;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.QUARANTINE;
import static org.jamesdmarc.e2e.SampleSetup.SPF;
import static org.jamesdmarc.e2e.SampleSetup.closeAll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.internet.MimeMessage;

import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample configuration ({@code conf/mailetcontainer.xml} with DmarcCheck and IsDmarcFail,
 * {@code conf/smtpserver.xml} with DmarcMessageHook) in a real James 3.8.1 started by ./run-james,
 * against a real DNS server (knotd) serving the senders' SPF, DKIM and DMARC records.
 *
 * <p>Every sender domain authorises only 127.0.0.2 in SPF; the tests connect from 127.0.0.2 to pass
 * SPF and from 127.0.0.3 to fail it. James's authserv-id is {@code mx.james.local}.
 */
class DmarcEndToEndIT {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    /** How long a message that must NOT arrive is given to (wrongly) show up. */
    private static final Duration ABSENCE_WAIT = Duration.ofSeconds(3);

    private static KnotDnsServer dns;
    private static JamesProcess james;
    private static DkimTestSigner dkim;

    @BeforeAll
    static void start() throws IOException {
        dkim = DkimTestSigner.rsa2048("dkim.test", "sel1");
        dns = KnotDnsServer.builder()
            .zone("aligned.test")
                .txt("@", SPF)
                .txt("bounces", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject")
            .zone("testing.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject; t=y")
            .zone("org.test")
                .txt("_dmarc", "v=DMARC1; p=none; sp=reject")
                .txt("sub", SPF)
            .zone("reject.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject")
            .zone("quarantine.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=quarantine")
            .zone("none.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=none")
            .zone("dkim.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject")
                .txt(dkim.selector() + "._domainkey", dkim.txtRecord())
            .brokenZone("broken.test")
            .start();
        james = JamesProcess.builder("dmarc-e2e").dnsServers(dns.hostPort()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(james, dns);
    }

    @Test
    void alignedSpfPassIsDeliveredWithDmarcPass() throws Exception {
        String token = token();

        sendFrom(GOOD_IP, "alice@aligned.test", token, List.of());

        MimeMessage got = awaitDelivered(token);
        assertThat(ourAuthResults(got)).singleElement().satisfies(ar -> assertThat(ar)
            .contains("spf=pass", "dmarc=pass", "header.from=aligned.test"));
        assertThat(got.getHeader("DMARC-Filter")).as("softwareHeader").singleElement()
            .satisfies(v -> assertThat(v).startsWith("James DMARC"));
    }

    @Test
    void rejectPolicyFailureIsRefusedAtSmtpAndNotDelivered() throws Exception {
        String token = token();

        assertThatThrownBy(() -> sendFrom(BAD_IP, "alice@reject.test", token, List.of()))
            .isInstanceOf(SendFailedException.class)
            .hasStackTraceContaining("550")
            .hasStackTraceContaining("5.7.1")
            .hasStackTraceContaining("reject.test");

        assertNotDelivered(token);
        assertThat(repositoryMessages(QUARANTINE)).noneMatch(m -> m.contains(token));
    }

    @Test
    void quarantinePolicyFailureGoesToQuarantineRepositoryNotInbox() throws Exception {
        String token = token();

        sendFrom(BAD_IP, "alice@quarantine.test", token, List.of());

        Optional<String> quarantined = awaitInRepository(QUARANTINE, token);
        assertThat(quarantined).as("in %s; James log:%n%s", QUARANTINE, james.logTail()).isPresent();
        assertThat(quarantined.get()).contains(AUTHSERV_ID + ";").contains("dmarc=fail");
        assertNotDelivered(token);
    }

    @Test
    void nonePolicyFailureIsDeliveredAndTagged() throws Exception {
        String token = token();

        sendFrom(BAD_IP, "alice@none.test", token, List.of());

        MimeMessage got = awaitDelivered(token);
        assertThat(ourAuthResults(got)).singleElement().satisfies(ar -> assertThat(ar)
            .contains("spf=fail", "dmarc=fail", "header.from=none.test"));
    }

    @Test
    void dnsServfailGivesTemperrorAndMailIsDelivered() throws Exception {
        String token = token();

        sendFrom(GOOD_IP, "alice@broken.test", token, List.of());

        MimeMessage got = awaitDelivered(token);
        assertThat(ourAuthResults(got)).singleElement().satisfies(ar -> assertThat(ar)
            .contains("dmarc=temperror", "header.from=broken.test"));
    }

    @Test
    void forgedAuthenticationResultsWithOurAuthservIdIsRemoved() throws Exception {
        String token = token();
        String forged = "Authentication-Results: " + AUTHSERV_ID
            + "; spf=pass smtp.mailfrom=none.test; dmarc=pass header.from=none.test";
        String upstream = "Authentication-Results: other.example; spf=none smtp.mailfrom=none.test";

        sendFrom(BAD_IP, "alice@none.test", token, List.of(forged, upstream));

        MimeMessage got = awaitDelivered(token);
        List<String> ours = ourAuthResults(got);
        assertThat(ours).as("only our own, fresh field").singleElement()
            .satisfies(ar -> assertThat(ar).contains("dmarc=fail").doesNotContain("dmarc=pass"));
        // Fields of other authserv-ids are not ours to remove.
        assertThat(authResults(got)).anySatisfy(ar -> assertThat(ar).startsWith("other.example;"));
    }

    @Test
    void dkimAlignedPassFromUnauthorisedIpIsDelivered() throws Exception {
        String token = token();
        byte[] signed = dkim.sign(message("alice@dkim.test", token, List.of()));

        SmtpClient.from(james, BAD_IP, "mail.dkim.test").sendRaw(signed, "alice@dkim.test", james.user());

        MimeMessage got = awaitDelivered(token);
        assertThat(ourAuthResults(got)).singleElement().satisfies(ar -> assertThat(ar)
            .contains("spf=fail", "dkim=pass", "header.d=dkim.test", "dmarc=pass"));
    }

    @Test
    void mailWithoutFromIsRefusedAtSmtp() {
        String token = token();
        byte[] raw = ("To: " + james.user() + "\r\nSubject: no from " + token + "\r\nX-Test-Token: " + token
            + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SmtpClient.from(james, GOOD_IP, "mail.aligned.test")
                .sendRaw(raw, "alice@aligned.test", james.user()))
            .isInstanceOf(SendFailedException.class)
            .hasStackTraceContaining("550")
            .hasStackTraceContaining("5.7.1");
    }

    @Test
    void mailFromAuthorizedNetworkIsNotChecked() throws Exception {
        String token = token();

        // 127.0.0.1 is in authorizedAddresses: our own users' mail, even with a p=reject From domain
        // whose SPF does not cover 127.0.0.1.
        sendFrom("127.0.0.1", "alice@reject.test", token, List.of());

        MimeMessage got = awaitDelivered(token);
        assertThat(ourAuthResults(got)).isEmpty();
    }

    @Test
    void relaxedSpfAlignmentOfASubdomainPasses() throws Exception {
        String token = token();

        // RFC 9989: relaxed alignment (the default) needs the same organizational domain only.
        SmtpClient.from(james, GOOD_IP, "mail.aligned.test")
            .sendRaw(message("alice@aligned.test", token, List.of()), "list@bounces.aligned.test", james.user());

        MimeMessage got = awaitDelivered(token);
        assertThat(ourAuthResults(got)).singleElement().satisfies(ar -> assertThat(ar)
            .contains("dmarc=pass", "header.from=aligned.test", "spf=pass", "smtp.mailfrom=bounces.aligned.test"));
    }

    @Test
    void subdomainPolicyFoundByTreeWalkRejects() {
        String token = token();

        // No _dmarc.sub.org.test: the tree walk finds _dmarc.org.test, whose sp=reject applies.
        assertThatThrownBy(() -> sendFrom(BAD_IP, "alice@sub.org.test", token, List.of()))
            .isInstanceOf(SendFailedException.class)
            .hasStackTraceContaining("550")
            .hasStackTraceContaining("5.7.1");
    }

    @Test
    void testingModeRejectPolicyIsQuarantinedInstead() throws Exception {
        String token = token();

        // RFC 9989 t=y: apply the policy one level lower, so p=reject acts as quarantine.
        sendFrom(BAD_IP, "alice@testing.test", token, List.of());

        Optional<String> quarantined = awaitInRepository(QUARANTINE, token);
        assertThat(quarantined).as("in %s; James log:%n%s", QUARANTINE, james.logTail()).isPresent();
        assertThat(quarantined.get()).contains("dmarc=fail");
        assertNotDelivered(token);
    }

    @Test
    void runJamesPrintsTheDmarcSettings() throws IOException {
        String out = Files.readString(james.scriptOutput());

        assertThat(out)
            .contains("DMARC check    DmarcCheck in conf/mailetcontainer.xml: authserv-id " + AUTHSERV_ID)
            .contains("DMARC DNS      " + dns.hostPort())
            .contains("IsDmarcFail=quarantine -> ToProcessor dmarc-quarantine")
            .contains("DMARC at SMTP  DmarcMessageHook in conf/smtpserver.xml: rejectFailures true");
    }

    // ------------------------------------------------------------------------------------------

    private static String token() {
        return TestMail.token();
    }

    private static void sendFrom(String ip, String from, String token, List<String> extraHeaders)
            throws MessagingException {
        SmtpClient.from(james, ip, "mail." + TestMail.domainOf(from))
            .sendRaw(message(from, token, extraHeaders), from, james.user());
    }

    private static byte[] message(String from, String token, List<String> extraHeaders) {
        return TestMail.message(from, james.user(), token, extraHeaders);
    }

    private static MimeMessage awaitDelivered(String token) throws MessagingException, IOException {
        Optional<MimeMessage> got = ImapInbox.of(james).await("X-Test-Token", token, DELIVERY_TIMEOUT);
        assertThat(got).as("delivered over IMAP; James log:%n%s", james.logTail()).isPresent();
        System.out.printf("%s delivered with Authentication-Results %s%n", token, authResults(got.get()));
        return got.get();
    }

    private static void assertNotDelivered(String token) throws MessagingException, IOException {
        assertThat(ImapInbox.of(james).await("X-Test-Token", token, ABSENCE_WAIT)).as("not in INBOX").isEmpty();
    }

    private static List<String> authResults(MimeMessage m) throws MessagingException {
        return TestMail.authResults(m);
    }

    /** The Authentication-Results fields that carry our authserv-id. */
    private static List<String> ourAuthResults(MimeMessage m) throws MessagingException {
        return TestMail.authResults(m, AUTHSERV_ID);
    }

    private static Optional<String> awaitInRepository(String repository, String token) throws Exception {
        return MailRepositories.await(james, repository, token, DELIVERY_TIMEOUT);
    }

    private static List<String> repositoryMessages(String repository) throws IOException, InterruptedException {
        return MailRepositories.messages(james, repository);
    }
}
