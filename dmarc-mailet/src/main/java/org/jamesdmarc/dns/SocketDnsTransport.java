package org.jamesdmarc.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.WireParseException;

/**
 * Blocking UDP, then TCP when the UDP reply is truncated (RFC 1035 §4.2.1, RFC 7766 §5), on the calling
 * thread. The default transport: dnsjava 3.5.2's {@code SimpleResolver} (what James 3.8.1 ships) runs
 * all queries through one NIO selector thread that only takes in new queries when a select() times out
 * with no ready keys, so under concurrent load a query can sit unsent for up to a second (fixed in
 * dnsjava 3.5.3); plain sockets have no such shared state. dnsjava still does all the wire formatting.
 *
 * <p>Spoofing defences: a fresh socket per query (OS-chosen ephemeral source port), connected to the
 * server so datagrams from elsewhere are dropped, a random message ID (dnsjava's SecureRandom), and the
 * reply's ID and question must match the query (RFC 5452 §9.1); datagrams that do not match are ignored.
 */
public final class SocketDnsTransport implements DnsTransport {

    /** EDNS(0) UDP payload size advertised (RFC 6891; 1232 avoids IP fragmentation). */
    static final int EDNS_PAYLOAD = 1232;

    @Override
    public Message exchange(Message query, InetSocketAddress server, Duration timeout) throws IOException {
        Message q = query.clone();
        if (q.getOPT() == null) {
            q.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        byte[] wire = q.toWire();
        Message reply = udp(q, wire, server, timeout);
        if (reply.getHeader().getFlag(Flags.TC)) {
            // RFC 7766 §5: a truncated UDP reply is retried over TCP.
            reply = tcp(q, wire, server, timeout);
        }
        return reply;
    }

    private static Message udp(Message query, byte[] wire, InetSocketAddress server, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            socket.send(new DatagramPacket(wire, wire.length));
            byte[] buffer = new byte[65535];
            while (true) {
                socket.setSoTimeout(remainingMillis(deadline, timeout));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] in = new byte[packet.getLength()];
                System.arraycopy(buffer, packet.getOffset(), in, 0, in.length);
                Message reply = parseMatching(query, in);
                if (reply != null) {
                    return reply;
                }
                // Not the reply to this query (late, spoofed, garbage): keep waiting until the deadline.
            }
        }
    }

    private static Message tcp(Message query, byte[] wire, InetSocketAddress server, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(server, remainingMillis(deadline, timeout));
            socket.setSoTimeout(remainingMillis(deadline, timeout));
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readUnsignedShort();
            socket.setSoTimeout(remainingMillis(deadline, timeout));
            byte[] body = new byte[length];
            in.readFully(body);
            Message reply = parseMatching(query, body);
            if (reply == null) {
                throw new WireParseException("TCP reply does not match the query");
            }
            return reply;
        }
    }

    /** The parsed reply when it answers {@code query} (same ID and question), else null. */
    private static Message parseMatching(Message query, byte[] in) {
        if (in.length < Header.LENGTH) {
            return null;
        }
        int id = ((in[0] & 0xff) << 8) | (in[1] & 0xff);
        if (id != query.getHeader().getID()) {
            return null;
        }
        Message reply;
        try {
            reply = new Message(in);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (!reply.getHeader().getFlag(Flags.QR)) {
            return null;
        }
        Record asked = query.getQuestion();
        Record got = reply.getQuestion();
        if (got == null || !got.getName().equals(asked.getName()) || got.getType() != asked.getType()
            || got.getDClass() != asked.getDClass()) {
            return null;
        }
        return reply;
    }

    private static int remainingMillis(long deadlineNanos, Duration timeout) throws SocketTimeoutException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("timeout after " + timeout.toMillis() + "ms");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }
}
