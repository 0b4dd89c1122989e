package org.jamesdmarc.reporting.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A real SMTP server on loopback for the delivery tests: EHLO/HELO, MAIL, RCPT, DATA (dot-unstuffed), RSET, NOOP,
 * QUIT. The reply to the end of DATA comes from {@code replies} (recipient, how many messages to it came before):
 * e.g. {@code "250 ok"}, {@code "451 later"}, {@code "550 no"}; {@code null} stalls (no reply, the connection kept
 * open). Every message whose DATA ended is kept, whatever the reply.
 */
public final class SmtpSink implements AutoCloseable {

    /** One message received. */
    public record Received(String from, String recipient, String content, String reply) {
    }

    private final ServerSocket server;
    private final BiFunction<String, Integer, String> replies;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> perRecipient = new ConcurrentHashMap<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public SmtpSink(BiFunction<String, Integer, String> replies) throws IOException {
        this.replies = replies;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static SmtpSink accepting() throws IOException {
        return new SmtpSink((rcpt, n) -> "250 2.0.0 queued");
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "smtp-sink-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                StandardCharsets.US_ASCII)); OutputStream out = s.getOutputStream()) {
            reply(out, "220 sink.test ESMTP");
            String from = null;
            String rcpt = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                    reply(out, "250-sink.test\r\n250 8BITMIME");
                } else if (upper.startsWith("MAIL FROM:")) {
                    from = line.substring(10).replaceAll("[<>]", "").strip();
                    reply(out, "250 ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    rcpt = line.substring(8).replaceAll("[<>]", "").strip();
                    reply(out, "250 ok");
                } else if (upper.equals("DATA")) {
                    reply(out, "354 go on");
                    StringBuilder content = new StringBuilder();
                    for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
                        content.append(d.startsWith(".") ? d.substring(1) : d).append("\r\n");
                    }
                    int n = perRecipient.computeIfAbsent(rcpt, k -> new AtomicInteger()).getAndIncrement();
                    String answer = replies.apply(rcpt, n);
                    received.add(new Received(from, rcpt, content.toString(), answer));
                    if (answer == null) {
                        Thread.sleep(Long.MAX_VALUE); // stall: never answer
                    }
                    reply(out, answer);
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 bye");
                    return;
                } else {
                    reply(out, "250 ok");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the sink closed
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        acceptor.interrupt();
    }
}
