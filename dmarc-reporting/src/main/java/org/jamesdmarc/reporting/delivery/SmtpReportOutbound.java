package org.jamesdmarc.reporting.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Hands report messages to an SMTP server (RFC 5321), one connection per message: EHLO (HELO when refused),
 * MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. A 2xx for the DATA is {@link HandOff.Accepted}; a 4xx at any
 * step, a connection refused, reset or silent longer than {@code timeout} is {@link HandOff.Deferred}; a 5xx is
 * {@link HandOff.Failed}. Meant for a local smarthost (no TLS, no authentication): {@code dmarc report send}.
 */
public final class SmtpReportOutbound implements ReportOutbound {

    private static final int MAX_REPLY_LINES = 100;
    private static final int MAX_LINE = 4096;

    private final String host;
    private final int port;
    private final Duration timeout;
    private final String helo;

    /**
     * @param host    the SMTP server
     * @param port    its port
     * @param timeout the longest wait to connect and for each reply
     * @param helo    the name given in EHLO (the submitter domain)
     */
    public SmtpReportOutbound(String host, int port, Duration timeout, String helo) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.helo = Objects.requireNonNull(helo, "helo");
    }

    @Override
    public HandOff handOff(ReportMessage message) {
        try (Socket socket = new Socket()) {
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            Reply r = read(in);
            if (!r.positive()) {
                return verdict("greeting", r);
            }
            r = command(in, out, "EHLO " + helo);
            if (r.code() / 100 == 5) {
                r = command(in, out, "HELO " + helo);
            }
            if (!r.positive()) {
                return verdict("EHLO", r);
            }
            r = command(in, out, "MAIL FROM:<" + message.envelopeFrom() + ">");
            if (!r.positive()) {
                return verdict("MAIL FROM", r);
            }
            r = command(in, out, "RCPT TO:<" + message.recipient() + ">");
            if (!r.positive()) {
                return verdict("RCPT TO", r);
            }
            r = command(in, out, "DATA");
            if (r.code() != 354) {
                return verdict("DATA", r);
            }
            writeData(out, message.content());
            out.flush();
            r = read(in);
            if (!r.positive()) {
                return verdict("end of DATA", r);
            }
            try {
                command(in, out, "QUIT");
            } catch (IOException e) {
                // the message is taken; a lost QUIT changes nothing
            }
            return new HandOff.Accepted(host + ":" + port + " " + r.text());
        } catch (IOException e) {
            return new HandOff.Deferred(host + ":" + port + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private HandOff verdict(String step, Reply r) {
        String text = host + ":" + port + " " + step + ": " + r.text();
        return r.code() / 100 == 4 ? new HandOff.Deferred(text) : new HandOff.Failed(text);
    }

    /**
     * The message as DATA: CRLF line ends (a bare LF or CR becomes CRLF), a line starting with '.' gets another
     * (RFC 5321 §4.5.2), then the end-of-data line.
     */
    static void writeData(OutputStream out, byte[] content) throws IOException {
        boolean lineStart = true;
        for (int i = 0; i < content.length; i++) {
            byte b = content[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < content.length && content[i + 1] == '\n') {
                    i++;
                }
                out.write('\r');
                out.write('\n');
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = false;
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static Reply command(InputStream in, OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read(in);
    }

    /** One reply, multi-line ones ({@code 250-...}) joined. */
    static Reply read(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int lines = 0; lines < MAX_REPLY_LINES; lines++) {
            String line = readLine(in);
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2))) {
                throw new IOException("not an SMTP reply: " + line);
            }
            if (text.length() > 0) {
                text.append(" / ");
            }
            text.append(line);
            if (line.length() == 3 || line.charAt(3) != '-') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString());
            }
        }
        throw new IOException("an SMTP reply of more than " + MAX_REPLY_LINES + " lines");
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection");
            }
            if (b == '\n') {
                break;
            }
            if (b != '\r' && line.size() < MAX_LINE) {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** One SMTP reply. */
    record Reply(int code, String text) {
        boolean positive() {
            return code / 100 == 2;
        }
    }
}
