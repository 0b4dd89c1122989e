package org.jamesdmarc.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A minimal SMTP server on 127.0.0.1 (free port) that stands in for James behind a relay: it accepts
 * every MAIL FROM and RCPT TO, records each message (client address, HELO, envelope, DATA with
 * dot-stuffing removed) and answers the end of DATA with a configurable reply, so a test can also play
 * a James that refuses a message. Sessions are served one after the other on one thread.
 *
 * <p>Work is bounded: command lines longer than {@value #MAX_LINE} bytes end the session with a 500,
 * messages longer than {@value #MAX_MESSAGE} bytes are answered 552, idle clients are dropped after
 * {@link #IDLE_TIMEOUT}.
 */
public final class SmtpSink implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    static final int MAX_LINE = 8192;
    static final int MAX_MESSAGE = 4 * 1024 * 1024;
    static final int MAX_RECIPIENTS = 100;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final String NAME = "sink.test";

    /** One message as the sink received it. */
    public record Message(InetAddress client, String helo, String mailFrom, List<String> recipients, String data) {
        public Message {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(helo, "helo");
            Objects.requireNonNull(mailFrom, "mailFrom");
            recipients = List.copyOf(recipients);
            Objects.requireNonNull(data, "data");
        }

        /** The header section (up to the first empty line), fields unfolded, in order. */
        public List<String> headerFields() {
            List<String> fields = new ArrayList<>();
            for (String line : data.split("\r?\n", -1)) {
                if (line.isEmpty()) {
                    break;
                }
                if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                    int last = fields.size() - 1;
                    fields.set(last, fields.get(last) + " " + line.strip());
                } else {
                    fields.add(line);
                }
            }
            return fields;
        }

        /** Values (after the colon, trimmed, unfolded) of the fields with this name, topmost first. */
        public List<String> headerValues(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headerFields().stream()
                    .filter(f -> f.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(f -> f.substring(prefix.length()).strip())
                    .toList();
        }
    }

    private final ServerSocket server;
    private final Function<Message, String> dataReply;
    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private SmtpSink(ServerSocket server, Function<Message, String> dataReply) {
        this.server = server;
        this.dataReply = dataReply;
        this.acceptor = new Thread(this::serve, "smtp-sink-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** A sink that answers the end of DATA with {@code 250 2.0.0 Ok: queued}. */
    public static SmtpSink accepting() {
        return start(message -> "250 2.0.0 Ok: queued");
    }

    /** A sink that records each message but answers the end of DATA with {@code reply}, e.g. a 550. */
    public static SmtpSink replyingToData(String reply) {
        requireReply(reply);
        return start(message -> reply);
    }

    /**
     * A sink that records each message and answers the end of DATA with what {@code reply} returns for it (a one-line
     * SMTP reply), e.g. a 550 for one recipient's mail only.
     */
    public static SmtpSink answeringData(Function<Message, String> reply) {
        Objects.requireNonNull(reply, "reply");
        return start(message -> requireReply(reply.apply(message)));
    }

    private static String requireReply(String reply) {
        if (reply == null || !reply.matches("[245]\\d\\d [\\x20-\\x7e]*")) {
            throw new IllegalArgumentException("not a one-line SMTP reply: " + reply);
        }
        return reply;
    }

    private static SmtpSink start(Function<Message, String> dataReply) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return new SmtpSink(server, dataReply);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + HOST, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next message received, waiting at most {@code timeout}. */
    public Optional<Message> awaitMessage(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The messages received and not yet taken by {@link #awaitMessage}. */
    public List<Message> pending() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            acceptor.join(IDLE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        while (!closed) {
            try (Socket client = server.accept()) {
                client.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
                new Session(client).run();
            } catch (SocketException e) {
                if (closed) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // a broken session does not stop the sink; the test sees the missing message
            }
        }
    }

    /** One SMTP session, RFC 5321 §4.1 commands the relays use; anything else is 502. */
    private final class Session {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private String helo = "";
        private String mailFrom;
        private final List<String> recipients = new ArrayList<>();

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void run() throws IOException {
            reply("220 " + NAME + " ESMTP sink");
            while (true) {
                byte[] raw = readLine();
                if (raw == null) {
                    return;
                }
                String line = new String(raw, StandardCharsets.UTF_8);
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> {
                        helo = line.substring(4).strip();
                        reset();
                        reply("250-" + NAME, "250-8BITMIME", "250 SIZE " + MAX_MESSAGE);
                    }
                    case "HELO" -> {
                        helo = line.substring(4).strip();
                        reset();
                        reply("250 " + NAME);
                    }
                    case "MAIL" -> {
                        mailFrom = path(line, "MAIL FROM:");
                        recipients.clear();
                        reply(mailFrom == null ? "501 5.5.4 MAIL FROM:<path>" : "250 2.1.0 Ok");
                    }
                    case "RCPT" -> rcpt(line);
                    case "DATA" -> {
                        if (mailFrom == null || recipients.isEmpty()) {
                            reply("503 5.5.1 need MAIL and RCPT first");
                        } else {
                            reply("354 End data with <CR><LF>.<CR><LF>");
                            data();
                        }
                    }
                    case "RSET" -> {
                        reset();
                        reply("250 2.0.0 Ok");
                    }
                    case "NOOP" -> reply("250 2.0.0 Ok");
                    case "QUIT" -> {
                        reply("221 2.0.0 Bye");
                        return;
                    }
                    default -> reply("502 5.5.2 command not implemented");
                }
            }
        }

        private void rcpt(String line) throws IOException {
            String to = path(line, "RCPT TO:");
            if (mailFrom == null) {
                reply("503 5.5.1 need MAIL first");
            } else if (to == null || to.isEmpty()) {
                reply("501 5.5.4 RCPT TO:<path>");
            } else if (recipients.size() >= MAX_RECIPIENTS) {
                reply("452 4.5.3 too many recipients");
            } else {
                recipients.add(to);
                reply("250 2.1.5 Ok");
            }
        }

        private void data() throws IOException {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            boolean tooBig = false;
            while (true) {
                byte[] raw = readLine();
                if (raw == null) {
                    return; // client went away: no message
                }
                if (raw.length == 1 && raw[0] == '.') {
                    break;
                }
                int from = raw.length > 0 && raw[0] == '.' ? 1 : 0; // RFC 5321 §4.5.2 dot-stuffing
                if (message.size() + raw.length + 2 > MAX_MESSAGE) {
                    tooBig = true;
                    continue;
                }
                message.write(raw, from, raw.length - from);
                message.write('\r');
                message.write('\n');
            }
            if (tooBig) {
                reply("552 5.3.4 message too big for the sink");
            } else {
                Message received = new Message(socket.getInetAddress(), helo, mailFrom, recipients,
                        message.toString(StandardCharsets.UTF_8));
                String answer;
                try {
                    answer = dataReply.apply(received);
                } catch (RuntimeException e) {
                    answer = "451 4.3.0 sink: " + e.getClass().getSimpleName();
                }
                messages.add(received);
                reply(answer);
            }
            reset();
        }

        private void reset() {
            mailFrom = null;
            recipients.clear();
        }

        /** The path between the angle brackets after {@code prefix}, or null; parameters are ignored. */
        private String path(String line, String prefix) {
            if (!line.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return null;
            }
            String rest = line.substring(prefix.length()).strip();
            int open = rest.indexOf('<');
            int close = rest.indexOf('>');
            if (open != 0 || close < 0) {
                return null;
            }
            return rest.substring(1, close);
        }

        /** One line without its CRLF (or bare LF), null at end of stream; over-long lines end the session. */
        private byte[] readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return java.util.Arrays.copyOf(bytes, n);
                }
                if (line.size() >= MAX_LINE) {
                    reply("500 5.5.6 line too long");
                    return null;
                }
                line.write(b);
            }
        }

        private void reply(String... lines) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(l).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }
}
