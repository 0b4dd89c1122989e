package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real James 3.8.1 with the sample configuration, started by ./run-james: mail from an
 * unauthenticated remote client reaches the local user's INBOX, and nothing leaves the machine.
 */
class JamesSmokeIT {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    private static JamesProcess james;

    @BeforeAll
    static void startJames() throws IOException {
        james = JamesProcess.builder("smoke").start();
        System.out.printf("James healthy %d ms after its JVM was launched; run-james ready after %d ms%n",
            james.jamesHealthyMillis(), james.scriptToReady().toMillis());
    }

    @AfterAll
    static void stopJames() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void mailFromRemoteClientIsDeliveredToLocalUser() throws Exception {
        String token = UUID.randomUUID().toString();
        SmtpClient client = SmtpClient.from(james, "127.0.0.2", "mail.example.org");
        MimeMessage message = client.message("alice@example.org", james.user(), "smoke " + token, "hello " + token);
        message.setHeader("X-Test-Token", token);

        client.send(message);

        Optional<MimeMessage> delivered = ImapInbox.of(james).await("X-Test-Token", token, DELIVERY_TIMEOUT);
        assertThat(delivered).as("delivered over IMAP; James log:%n%s", james.logTail()).isPresent();
        MimeMessage got = delivered.get();
        assertThat(got.getSubject()).isEqualTo("smoke " + token);
        assertThat(((String) got.getContent()).trim()).isEqualTo("hello " + token);
        // James saw the client at 127.0.0.2 (the address the tests use for remote senders).
        assertThat(String.join("\n", got.getHeader("Received"))).contains("127.0.0.2");
        assertThat(got.getHeader("Delivered-To")).containsExactly(james.user());
    }

    @Test
    void unknownLocalUserIsRefusedAtRcpt() throws Exception {
        SmtpClient client = SmtpClient.from(james, "127.0.0.2", "mail.example.org");
        MimeMessage message = client.message("alice@example.org", "nobody@james.local", "unknown", "x");

        assertThatThrownBy(() -> client.send(message))
            .isInstanceOf(SendFailedException.class)
            .hasStackTraceContaining("550");
    }

    @Test
    void remoteClientCannotRelay() throws MessagingException {
        // 127.0.0.2 is outside authorizedAddresses: it is an Internet sender, not a submitter.
        SmtpClient client = SmtpClient.from(james, "127.0.0.2", "mail.example.org");
        MimeMessage message = client.message("alice@example.org", "bob@example.net", "relay", "x");

        assertThatThrownBy(() -> client.send(message))
            .isInstanceOf(SendFailedException.class)
            .hasStackTraceContaining("relaying denied");
    }

    /**
     * The sample relays through RemoteDelivery to {@code ${sys:james.relay.gateway}}; run-james's default gateway has
     * nothing listening, so the mail waits in the outgoing queue and never leaves the machine.
     */
    @Test
    void relayFromAuthorizedLoopbackWaitsInTheOutgoingQueueNotSent() throws Exception {
        String token = UUID.randomUUID().toString();
        SmtpClient client = SmtpClient.from(james, "127.0.0.1", "localhost");
        MimeMessage message = client.message(james.user(), "bob@example.net", "out " + token, "x");

        client.send(message);

        assertThat(awaitSize("/mailQueues/outgoing", 1, DELIVERY_TIMEOUT))
            .as("waiting in the outgoing queue; James log:%n%s", james.logTail())
            .isGreaterThanOrEqualTo(1);
        assertThat(Files.readString(james.scriptOutput())).contains("relay gateway          127.0.0.1:9 (nothing listens");
    }

    private static long awaitSize(String path, long atLeast, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = james.webAdmin(path);
        long deadline = System.nanoTime() + timeout.toNanos();
        long size;
        do {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            size = response.statusCode() == 200 ? parseSize(response.body()) : 0;
            if (size >= atLeast) {
                return size;
            }
            Thread.sleep(250);
        } while (System.nanoTime() - deadline < 0);
        return size;
    }

    private static long parseSize(String json) {
        // {"name":"outgoing","size":1}
        Matcher m = Pattern.compile("\"size\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
