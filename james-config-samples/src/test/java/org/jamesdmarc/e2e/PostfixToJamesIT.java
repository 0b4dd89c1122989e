package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The setup of {@code james-config-samples/postfix/}: a real Postfix MX in front of a real James 3.8.1
 * (sample configuration, started by ./run-james). Mail from an Internet sender (swaks on 127.0.0.3)
 * goes through Postfix to the local user's INBOX carrying the Received field James DMARC reads the
 * original client from; in before-queue mode James's own refusal reaches the sender.
 */
class PostfixToJamesIT {

    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String SENDER_IP = "127.0.0.3";
    private static final String SENDER_HELO = "mail.sender-three.test";
    private static JamesProcess james;

    @BeforeAll
    static void startJames() throws IOException {
        PostfixRelay.assumeUsable(); // before paying for a James start
        Swaks.assumeInstalled();
        james = JamesProcess.builder("postfix").start();
    }

    @AfterAll
    static void stopJames() {
        if (james != null) {
            james.close();
        }
    }

    @BeforeEach
    void tools() {
        Swaks.assumeInstalled();
    }

    @Test
    void mailRelayedByPostfixReachesTheInboxWithTheOriginalClientInPostfixsReceivedField() throws Exception {
        try (PostfixRelay postfix = PostfixRelay.builder().nextHop(james.smtpPort()).start()) {
            String token = UUID.randomUUID().toString();

            Swaks.Result sent = Swaks.to(PostfixRelay.HOST, postfix.smtpPort())
                    .from(SENDER_IP).helo(SENDER_HELO)
                    .mailFrom("alice@sender-three.test").rcptTo(james.user())
                    .header("X-Test-Token: " + token)
                    .send();

            assertThat(sent.delivered()).as("swaks:\n%s", sent.transcript()).isTrue();
            Optional<MimeMessage> delivered = ImapInbox.of(james).await("X-Test-Token", token, DELIVERY);
            assertThat(delivered).as("delivered; Postfix log:\n%s\nJames log:\n%s",
                    postfix.mailLogTail(), james.logTail()).isPresent();
            List<String> received = List.of(delivered.get().getHeader("Received"));
            // topmost: James's own field, client = Postfix (the trustedRelays address), HELO = Postfix's name
            assertThat(received.get(0)).contains(postfix.myhostname()).contains("127.0.0.1");
            // below it: Postfix's field naming the Internet client and its HELO
            assertThat(received.get(1).replaceAll("\\s+", " "))
                    .startsWith("from " + SENDER_HELO + " (unknown [" + SENDER_IP + "])")
                    .contains("by " + postfix.myhostname() + " (Postfix)");
        }
    }

    @Test
    void beforeQueueModeGivesJamessRefusalToTheSender() throws Exception {
        try (PostfixRelay postfix = PostfixRelay.builder().nextHop(james.smtpPort())
                .mode(PostfixRelay.Mode.BEFORE_QUEUE_PROXY).start()) {

            Swaks.Result sent = Swaks.to(PostfixRelay.HOST, postfix.smtpPort())
                    .from(SENDER_IP).helo(SENDER_HELO)
                    .mailFrom("alice@sender-three.test").rcptTo("nobody@james.local")
                    .send();

            // James refuses the unknown user; with speed_adjust Postfix talks to James after the client's
            // DATA, so the client gets James's 550 there. In store-and-forward mode this would be a bounce.
            assertThat(sent.delivered()).isFalse();
            assertThat(sent.transcript()).as("swaks:\n%s", sent.transcript())
                    .containsPattern("<\\*\\* 550 5\\.1\\.1 .*nobody@james\\.local");
        }
    }
}
