package org.jamesdmarc.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One SMTP session to James from a chosen loopback source address, sending many messages over the one connection
 * and giving back each final reply (so a 550 at the end of DATA is an answer, not an exception, and the session goes
 * on): for floods of forged mail. No pipelining, no TLS, no AUTH.
 */
final class RawSmtpSession implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private RawSmtpSession(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code sourceAddress} and says EHLO {@code helo}. */
    static RawSmtpSession open(JamesProcess james, String sourceAddress, String helo) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
        socket.connect(new InetSocketAddress(JamesProcess.HOST, james.smtpPort()), 10_000);
        socket.setSoTimeout(60_000);
        RawSmtpSession s = new RawSmtpSession(socket);
        s.expect(s.reply(), "220");
        s.expect(s.command("EHLO " + helo), "250");
        return s;
    }

    /** Sends one message; returns the reply to its end of DATA (or the first refusal before it, after RSET). */
    String send(String mailFrom, String rcptTo, byte[] message) throws IOException {
        String mail = command("MAIL FROM:<" + mailFrom + ">");
        if (!mail.startsWith("250")) {
            command("RSET");
            return mail;
        }
        String rcpt = command("RCPT TO:<" + rcptTo + ">");
        if (!rcpt.startsWith("250")) {
            command("RSET");
            return rcpt;
        }
        expect(command("DATA"), "354");
        out.write(dotStuffed(message));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    private static byte[] dotStuffed(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\r\n")) {
            text += "\r\n";
        }
        text = text.replaceAll("(?m)^\\.", "..");
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    /** The last line of a (multi-line) reply. */
    private String reply() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("James closed the connection");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static void expect(String reply, String code) throws IOException {
        if (!reply.startsWith(code)) {
            throw new IOException("expected " + code + ", got: " + reply);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            command("QUIT");
        } catch (IOException e) {
            // closing anyway
        } finally {
            socket.close();
        }
    }
}
