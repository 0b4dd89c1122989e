package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Postfix front relay harness against a real Postfix and an in-test SMTP sink standing in for James:
 * what James will see behind Postfix (the original client in Postfix's Received field, the relay's own
 * address as SMTP client), that the test senders on 127.0.0.2-9 cannot relay elsewhere, that the
 * before-queue proxy mode hands James's refusal to the original client, and that close() stops the
 * instance.
 */
class PostfixRelayTest {

    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Duration LOG = Duration.ofSeconds(10);
    private static final String SENDER_IP = "127.0.0.3";
    private static final String SENDER_HELO = "mail.sender-three.test";
    /** Postfix's Received field: {@code from HELO (NAME [IP]) by HOST (Postfix) with ESMTP ...}. */
    private static final Pattern POSTFIX_RECEIVED = Pattern.compile(
            "from (\\S+) \\((\\S+) \\[([0-9.]+)\\]\\)\\s+by (\\S+) \\(Postfix\\) with E?SMTP\\b.*");

    @BeforeEach
    void tools() {
        Swaks.assumeInstalled();
    }

    @Test
    void relaysToTheNextHopWithAReceivedFieldNamingTheOriginalClient() throws Exception {
        try (SmtpSink james = SmtpSink.accepting();
             PostfixRelay postfix = PostfixRelay.builder().nextHop(james.port()).start()) {
            String marker = UUID.randomUUID().toString();

            Swaks.Result sent = Swaks.to(PostfixRelay.HOST, postfix.smtpPort())
                    .from(SENDER_IP).helo(SENDER_HELO)
                    .mailFrom("alice@sender-three.test").rcptTo("bob@james.local")
                    .header("Subject: relay " + marker)
                    .send();

            assertThat(sent.delivered()).as("swaks:\n%s", sent.transcript()).isTrue();
            SmtpSink.Message got = james.awaitMessage(DELIVERY).orElseThrow(
                    () -> new AssertionError("nothing relayed; mail log:\n" + postfix.mailLogTail()));
            assertThat(got.headerValues("Subject")).containsExactly("relay " + marker);
            assertThat(got.mailFrom()).isEqualTo("alice@sender-three.test");
            assertThat(got.recipients()).containsExactly("bob@james.local");
            // James sees Postfix as its SMTP client: this is the address James lists in trustedRelays.
            assertThat(got.client()).isEqualTo(InetAddress.getByName(PostfixRelay.HOST));
            assertThat(got.helo()).isEqualTo(postfix.myhostname());

            List<String> received = got.headerValues("Received");
            assertThat(received).as("Received fields of\n%s", got.data()).isNotEmpty();
            Matcher topmost = POSTFIX_RECEIVED.matcher(received.get(0));
            assertThat(topmost.matches()).as("topmost Received: %s", received.get(0)).isTrue();
            assertThat(topmost.group(1)).isEqualTo(SENDER_HELO);
            assertThat(topmost.group(2)).isEqualTo("unknown"); // no reverse DNS on the test relay
            assertThat(topmost.group(3)).isEqualTo(SENDER_IP);
            assertThat(topmost.group(4)).isEqualTo(postfix.myhostname());
        }
    }

    @Test
    void connectsToTheNextHopFromTheChosenSourceAddress() throws Exception {
        try (SmtpSink james = SmtpSink.accepting();
             PostfixRelay postfix = PostfixRelay.builder().nextHop(james.port()).sourceAddress("127.0.0.25").start()) {

            Swaks.Result sent = Swaks.to(PostfixRelay.HOST, postfix.smtpPort())
                    .from(SENDER_IP).helo(SENDER_HELO)
                    .mailFrom("alice@sender-three.test").rcptTo("bob@james.local")
                    .send();

            assertThat(sent.delivered()).as("swaks:\n%s", sent.transcript()).isTrue();
            SmtpSink.Message got = james.awaitMessage(DELIVERY).orElseThrow(
                    () -> new AssertionError("nothing relayed; mail log:\n" + postfix.mailLogTail()));
            assertThat(got.client()).isEqualTo(InetAddress.getByName("127.0.0.25"));
        }
    }

    @Test
    void testSendersOnOtherLoopbackAddressesCannotRelayElsewhere() throws Exception {
        try (SmtpSink james = SmtpSink.accepting();
             PostfixRelay postfix = PostfixRelay.builder().nextHop(james.port()).start()) {

            Swaks.Result sent = Swaks.to(PostfixRelay.HOST, postfix.smtpPort())
                    .from(SENDER_IP).helo(SENDER_HELO)
                    .mailFrom("alice@sender-three.test").rcptTo("eve@elsewhere.test")
                    .send();

            assertThat(sent.delivered()).isFalse();
            assertThat(sent.transcript()).contains("554 5.7.1 <eve@elsewhere.test>: Relay access denied");
            // refused at RCPT: Postfix queued nothing that could reach the next hop
            assertThat(postfix.awaitMailLog("NOQUEUE: reject: RCPT from unknown[" + SENDER_IP + "]", LOG))
                    .as("mail log:\n%s", postfix.mailLogTail()).isTrue();
            assertThat(james.pending()).isEmpty();
        }
    }

    @Test
    void beforeQueueProxyGivesTheNextHopsRefusalToTheOriginalClient() throws Exception {
        String refusal = "550 5.7.1 DMARC policy of sender-three.test says reject";
        try (SmtpSink james = SmtpSink.replyingToData(refusal);
             PostfixRelay postfix = PostfixRelay.builder().nextHop(james.port())
                     .mode(PostfixRelay.Mode.BEFORE_QUEUE_PROXY).start()) {

            Swaks.Result sent = Swaks.to(PostfixRelay.HOST, postfix.smtpPort())
                    .from(SENDER_IP).helo(SENDER_HELO)
                    .mailFrom("alice@sender-three.test").rcptTo("bob@james.local")
                    .send();

            assertThat(sent.delivered()).isFalse();
            assertThat(sent.transcript()).contains(refusal);
            // the next hop saw the message during the client's session, with Postfix's Received field on top
            SmtpSink.Message seen = james.pending().get(0);
            Matcher topmost = POSTFIX_RECEIVED.matcher(seen.headerValues("Received").get(0));
            assertThat(topmost.matches()).isTrue();
            assertThat(topmost.group(3)).isEqualTo(SENDER_IP);
            assertThat(seen.client()).isEqualTo(InetAddress.getByName(PostfixRelay.HOST));
            assertThat(postfix.awaitMailLog("proxy-reject: END-OF-MESSAGE: " + refusal, LOG))
                    .as("mail log:\n%s", postfix.mailLogTail()).isTrue();
        }
    }

    @Test
    void runsAsAPrivateInstanceAndStopsOnClose() throws Exception {
        PostfixRelay postfix;
        try (SmtpSink james = SmtpSink.accepting()) {
            postfix = PostfixRelay.builder().nextHop(james.port()).start();
            try (postfix) {
                assertThat(postfix.configDirectory()).isNotEqualTo(Path.of("/etc/postfix"));
                assertThat(postfix.awaitMailLog("configuration " + postfix.configDirectory(), LOG))
                        .as("mail log:\n%s", postfix.mailLogTail()).isTrue();
                assertThat(postfix.smtpPort()).isNotEqualTo(25);
                assertThat(postfix.isRunning()).isTrue();
            }
        }
        assertThat(postfix.isRunning()).isFalse();
        assertThat(acceptsConnections(postfix.smtpPort())).isFalse();
        assertThat(postfix.configDirectory()).doesNotExist();
    }

    @Test
    void aFailedStartSaysWhyAndLeavesNothingBehind(@TempDir Path parent) throws Exception {
        try (SmtpSink james = SmtpSink.accepting()) {
            PostfixRelay.Builder broken = PostfixRelay.builder().nextHop(james.port())
                    .parentDirectory(parent)
                    .mainCf("inet_interfaces", "192.0.2.1"); // not an address of this host

            assertThatThrownBy(broken::start)
                    .isInstanceOf(PostfixRelay.PostfixStartException.class)
                    .hasMessageContaining("192.0.2.1");
            try (Stream<Path> left = Files.list(parent)) {
                assertThat(left).as("instance directories left in %s", parent).isEmpty();
            }
        }
    }

    private static boolean acceptsConnections(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(PostfixRelay.HOST), port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
