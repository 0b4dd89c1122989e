package org.jamesdmarc.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.testsupport.MissingTool;


/**
 * Sends one message with Debian's {@code swaks} from a chosen loopback address (127.0.0.2–9 play
 * Internet senders), so the receiving server sees that address and the HELO name we choose.
 */
public final class Swaks {

    public static final Path SWAKS = Path.of("/usr/bin/swaks");
    /** swaks' own per-command timeout; the process as a whole gets a little more. */
    private static final Duration SMTP_TIMEOUT = Duration.ofSeconds(30);

    /** The outcome: swaks' exit status (0 = delivered; 23 = MAIL, 24 = RCPT, 25 = DATA refused) and transcript. */
    public record Result(int exitCode, String transcript) {
        public boolean delivered() {
            return exitCode == 0;
        }
    }

    private final String server;
    private final int port;
    private String localInterface = "127.0.0.2";
    private String helo = "mail.sender.test";
    private String from = "alice@sender.test";
    private final List<String> to = new ArrayList<>();
    private final List<String> headers = new ArrayList<>();
    private String body = "Hello from swaks.";

    private Swaks(String server, int port) {
        this.server = Objects.requireNonNull(server, "server");
        this.port = port;
    }

    public static Swaks to(String server, int port) {
        return new Swaks(server, port);
    }

    /** Skips the calling test, loudly, when swaks is not installed (Debian package {@code swaks}). */
    public static void assumeInstalled() {
        if (!Files.isExecutable(SWAKS)) {
            MissingTool.unavailable(SWAKS + " is missing (apt-get install swaks)");
        }
    }

    /** The local address swaks connects from (what the server sees as the client IP). */
    public Swaks from(String localInterface) {
        this.localInterface = localInterface;
        return this;
    }

    public Swaks helo(String helo) {
        this.helo = helo;
        return this;
    }

    public Swaks mailFrom(String mailFrom) {
        this.from = mailFrom;
        return this;
    }

    public Swaks rcptTo(String recipient) {
        this.to.add(recipient);
        return this;
    }

    /** A header field {@code "Name: value"}; replaces swaks' default field of that name. */
    public Swaks header(String field) {
        this.headers.add(field);
        return this;
    }

    public Swaks body(String body) {
        this.body = body;
        return this;
    }

    public Result send() throws IOException, InterruptedException {
        if (to.isEmpty()) {
            throw new IllegalStateException("no recipient");
        }
        List<String> command = new ArrayList<>(List.of(SWAKS.toString(),
                "--server", server, "--port", Integer.toString(port),
                "--local-interface", localInterface,
                "--helo", helo,
                "--from", from,
                "--to", String.join(",", to),
                "--timeout", SMTP_TIMEOUT.toSeconds() + "s",
                "--body", body));
        for (String h : headers) {
            command.add("--header");
            command.add(h);
        }
        Path transcript = Files.createTempFile("swaks-", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(transcript.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(SMTP_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("swaks did not finish:\n" + Files.readString(transcript));
            }
            return new Result(process.exitValue(), new String(Files.readAllBytes(transcript), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(transcript);
        }
    }
}
