package org.jamesdmarc.dns.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.dns.DnsSettings;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small scripted DNS server on 127.0.0.1 (UDP and TCP on the same ephemeral port) for tests. It acts
 * like a recursive resolver in front of one in-memory zone:
 *
 * <pre>{@code
 * try (FakeDnsServer dns = FakeDnsServer.start()) {
 *     dns.txt("_dmarc.example.com", "v=DMARC1; p=reject")
 *        .a("example.com", "192.0.2.1")
 *        .servfail("broken.example")
 *        .timeout("slow.example");
 *     DnsClient client = DnsClients.create(dns.settings());
 * }
 * }</pre>
 *
 * Names without scripted data are NXDOMAIN, names with data (or data below them) but none of the type
 * asked are NODATA; negative answers carry an SOA (see {@link #negativeSoa}) unless {@link #withoutSoa()}.
 * CNAMEs are followed inside the zone like a resolver would. UDP replies larger than the client's EDNS
 * size (512 without EDNS) are truncated with TC set, as real servers do. Every query is logged
 * ({@link #queries()}), so tests can see cache hits and the TCP fallback. {@link #latency(Duration)} and
 * {@link #latency(String, Duration)} delay replies (a slow server, e.g. an attacker's), without making other
 * queries wait: replies are sent when due, in parallel.
 */
public final class FakeDnsServer implements AutoCloseable {

    /** What the server does for a name (or name and type) instead of answering from its data. */
    public enum Behaviour {
        NXDOMAIN, NODATA, SERVFAIL, REFUSED,
        /** Never reply (the client times out). */
        TIMEOUT,
        /** Over UDP reply with TC set and no records; over TCP answer fully. */
        TRUNCATE,
        /** Reply with a CNAME at the name but do not follow it (no target data, no SOA). */
        CNAME_ONLY,
        /** Reply with the right data under another message ID, as an off-path spoofer would. */
        WRONG_ID
    }

    /** One query received. */
    public record Query(String name, int type, boolean tcp) {
        @Override
        public String toString() {
            return name + "/" + Type.string(type) + (tcp ? "/tcp" : "/udp");
        }
    }

    private record Key(Name name, int type) {
    }

    private static final int ANY_TYPE = -1;
    private static final long DEFAULT_TTL = 3600;
    private static final int MAX_CHAIN = 16;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-dns");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService delayed = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "fake-dns-delayed");
        t.setDaemon(true);
        return t;
    });
    private final Map<Name, Duration> latencies = new ConcurrentHashMap<>();
    private volatile Duration latency = Duration.ZERO;
    private final Map<Name, List<Record>> data = new ConcurrentHashMap<>();
    private final Map<Key, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private volatile long soaTtl = 300;
    private volatile long soaMinimum = 300;
    private volatile boolean includeSoa = true;
    private volatile boolean closed;

    private FakeDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        workers.execute(this::serveUdp);
        workers.execute(this::acceptTcp);
    }

    /** Starts a server on 127.0.0.1, UDP and TCP on one free port. */
    public static FakeDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        IOException last = null;
        for (int i = 0; i < 20; i++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()), 50);
                return new FakeDnsServer(udp, tcp);
            } catch (BindException e) {
                udp.close();
                last = e;
            }
        }
        throw last;
    }

    // ---- where it listens ----

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    public int port() {
        return udp.getLocalPort();
    }

    /** "127.0.0.1:port", as the {@code dnsServers} parameter takes it. */
    public String serverSpec() {
        return "127.0.0.1:" + port();
    }

    /** Settings that ask only this server, with a 1s timeout and no retries. */
    public DnsSettings settings() {
        return DnsSettings.defaults().withServers(List.of(address())).withTimeout(Duration.ofSeconds(1)).withRetries(0);
    }

    // ---- scripted data ----

    /** Adds any record. */
    public FakeDnsServer record(Record record) {
        data.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    /** One TXT record holding {@code text}, split into 255-octet character-strings when longer. */
    public FakeDnsServer txt(String name, String text) {
        return txt(name, DEFAULT_TTL, text);
    }

    public FakeDnsServer txt(String name, long ttl, String text) {
        return record(TestRecords.txt(name, ttl, text));
    }

    /** One TXT record made of exactly these character-strings (each at most 255 octets). */
    public FakeDnsServer txtStrings(String name, String... strings) {
        List<byte[]> parts = new ArrayList<>();
        for (String s : strings) {
            parts.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return txtBytes(name, DEFAULT_TTL, parts);
    }

    /** One TXT record made of exactly these raw character-strings. */
    public FakeDnsServer txtBytes(String name, long ttl, List<byte[]> strings) {
        return record(TestRecords.txtBytes(name, ttl, strings));
    }

    public FakeDnsServer a(String name, String ipv4) {
        return a(name, DEFAULT_TTL, ipv4);
    }

    public FakeDnsServer a(String name, long ttl, String ipv4) {
        return record(TestRecords.a(name, ttl, ipv4));
    }

    public FakeDnsServer aaaa(String name, String ipv6) {
        return record(TestRecords.aaaa(name, DEFAULT_TTL, ipv6));
    }

    public FakeDnsServer mx(String name, int preference, String exchange) {
        return record(TestRecords.mx(name, DEFAULT_TTL, preference, exchange));
    }

    public FakeDnsServer cname(String name, String target) {
        return cname(name, DEFAULT_TTL, target);
    }

    public FakeDnsServer cname(String name, long ttl, String target) {
        return record(TestRecords.cname(name, ttl, target));
    }

    // ---- scripted misbehaviour (takes precedence over data) ----

    public FakeDnsServer nxdomain(String name) {
        return behave(name, ANY_TYPE, Behaviour.NXDOMAIN);
    }

    public FakeDnsServer nodata(String name) {
        return behave(name, ANY_TYPE, Behaviour.NODATA);
    }

    public FakeDnsServer servfail(String name) {
        return behave(name, ANY_TYPE, Behaviour.SERVFAIL);
    }

    public FakeDnsServer refused(String name) {
        return behave(name, ANY_TYPE, Behaviour.REFUSED);
    }

    /** Never answers queries for {@code name}. */
    public FakeDnsServer timeout(String name) {
        return behave(name, ANY_TYPE, Behaviour.TIMEOUT);
    }

    /** UDP answers for {@code name} come back empty with TC set; TCP gives the data. */
    public FakeDnsServer truncate(String name) {
        return behave(name, ANY_TYPE, Behaviour.TRUNCATE);
    }

    /** Answers {@code name} with its CNAME alone, like a resolver that stopped following the chain. */
    public FakeDnsServer cnameOnly(String name) {
        return behave(name, ANY_TYPE, Behaviour.CNAME_ONLY);
    }

    /** Replies for {@code name} carry the wrong message ID (the client must ignore them). */
    public FakeDnsServer wrongId(String name) {
        return behave(name, ANY_TYPE, Behaviour.WRONG_ID);
    }

    /** {@code behaviour} for queries of {@code type} (a {@link Type} constant) at {@code name} only. */
    public FakeDnsServer behave(String name, int type, Behaviour behaviour) {
        behaviours.put(new Key(name(name), type), behaviour);
        return this;
    }

    /** Every reply is sent {@code delay} after its query came in (a slow path to the server). */
    public FakeDnsServer latency(Duration delay) {
        this.latency = delay;
        return this;
    }

    /**
     * Replies to queries for {@code zone} and names below it are sent {@code delay} after the query came in (a
     * slow server for that zone only); the longest matching zone wins over {@link #latency(Duration)}.
     */
    public FakeDnsServer latency(String zone, Duration delay) {
        latencies.put(name(zone), delay);
        return this;
    }

    /** The SOA sent with negative answers: its TTL and MINIMUM (RFC 2308 §5 uses the smaller). */
    public FakeDnsServer negativeSoa(long ttl, long minimum) {
        this.soaTtl = ttl;
        this.soaMinimum = minimum;
        this.includeSoa = true;
        return this;
    }

    /** Negative answers come without an SOA (the client must fall back to its own negative TTL). */
    public FakeDnsServer withoutSoa() {
        this.includeSoa = false;
        return this;
    }

    /** Forgets all data, behaviours and logged queries. */
    public FakeDnsServer reset() {
        data.clear();
        behaviours.clear();
        queries.clear();
        latencies.clear();
        latency = Duration.ZERO;
        soaTtl = 300;
        soaMinimum = 300;
        includeSoa = true;
        return this;
    }

    // ---- what it saw ----

    public List<Query> queries() {
        return List.copyOf(queries);
    }

    public int queryCount() {
        return queries.size();
    }

    /** Queries seen for {@code name} (any case, trailing dot optional) and {@code type}, UDP or TCP. */
    public long queryCount(String name, int type) {
        String n = name(name).toString().toLowerCase(Locale.ROOT);
        return queries.stream().filter(q -> q.name().equals(n) && q.type() == type).count();
    }

    public void clearQueries() {
        queries.clear();
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
        }
        workers.shutdownNow();
        delayed.shutdownNow();
    }

    // ---- serving ----

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] in = new byte[packet.getLength()];
                System.arraycopy(packet.getData(), packet.getOffset(), in, 0, in.length);
                byte[] out = respond(in, false);
                if (out != null) {
                    DatagramPacket reply = new DatagramPacket(out, out.length, packet.getSocketAddress());
                    long delay = delayMillis(in);
                    if (delay <= 0) {
                        udp.send(reply);
                    } else {
                        delayed.schedule(() -> sendQuietly(reply), delay, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (SocketException e) {
                return; // closed
            } catch (IOException | RuntimeException e) {
                // a bad packet: ignore it, like a server would
            }
        }
    }

    private void sendQuietly(DatagramPacket reply) {
        try {
            udp.send(reply);
        } catch (IOException e) {
            // closed meanwhile
        }
    }

    /** How long the reply to this query waits: the latency of the longest zone holding its name, else the default. */
    private long delayMillis(byte[] wire) {
        Duration delay = latency;
        try {
            Record question = new Message(wire).getQuestion();
            if (question != null) {
                int best = -1;
                for (Map.Entry<Name, Duration> e : latencies.entrySet()) {
                    Name zone = e.getKey();
                    Name qname = question.getName();
                    if ((qname.equals(zone) || qname.subdomain(zone)) && zone.labels() > best) {
                        best = zone.labels();
                        delay = e.getValue();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no question: no delay
        }
        return delay.toMillis();
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                workers.execute(() -> serveTcp(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serveTcp(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                int length = in.readUnsignedShort();
                byte[] query = new byte[length];
                in.readFully(query);
                byte[] reply = respond(query, true);
                long delay = delayMillis(query);
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                if (reply != null) {
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                }
            }
        } catch (EOFException e) {
            // client done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // connection trouble: drop it
        }
    }

    /** The wire reply to {@code wire}, or null for no reply. */
    private byte[] respond(byte[] wire, boolean overTcp) throws IOException {
        Message query = new Message(wire);
        Record question = query.getQuestion();
        if (question == null) {
            return null;
        }
        Name qname = question.getName();
        int qtype = question.getType();
        queries.add(new Query(qname.toString().toLowerCase(Locale.ROOT), qtype, overTcp));

        Behaviour behaviour = behaviours.get(new Key(qname, qtype));
        if (behaviour == null) {
            behaviour = behaviours.get(new Key(qname, ANY_TYPE));
        }
        int id = query.getHeader().getID();
        Message reply = new Message(behaviour == Behaviour.WRONG_ID ? (id + 1) & 0xffff : id);
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            reply.getHeader().setFlag(Flags.RD);
        }
        reply.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            reply.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        }

        if (behaviour != null) {
            switch (behaviour) {
                case TIMEOUT:
                    return null;
                case SERVFAIL:
                    reply.getHeader().setRcode(Rcode.SERVFAIL);
                    return reply.toWire();
                case REFUSED:
                    reply.getHeader().setRcode(Rcode.REFUSED);
                    return reply.toWire();
                case NXDOMAIN:
                    reply.getHeader().setRcode(Rcode.NXDOMAIN);
                    addSoa(reply, qname);
                    return reply.toWire();
                case NODATA:
                    addSoa(reply, qname);
                    return reply.toWire();
                case CNAME_ONLY:
                    data.getOrDefault(qname, List.of()).stream().filter(r -> r.getType() == Type.CNAME)
                        .forEach(r -> reply.addRecord(r, Section.ANSWER));
                    return finish(reply, opt, overTcp);
                case TRUNCATE:
                    if (!overTcp) {
                        reply.getHeader().setFlag(Flags.TC);
                        return reply.toWire();
                    }
                    break;
                default:
                    break;
            }
        }

        // Answer from the data, following CNAMEs like a recursive resolver.
        Name at = qname;
        for (int hop = 0; hop <= MAX_CHAIN; hop++) {
            List<Record> here = data.getOrDefault(at, List.of());
            List<Record> matching = here.stream().filter(r -> r.getType() == qtype).toList();
            if (!matching.isEmpty()) {
                matching.forEach(r -> reply.addRecord(r, Section.ANSWER));
                return finish(reply, opt, overTcp);
            }
            Record cname = here.stream().filter(r -> r.getType() == Type.CNAME).findFirst().orElse(null);
            if (cname == null) {
                break;
            }
            reply.addRecord(cname, Section.ANSWER);
            at = ((CNAMERecord) cname).getTarget();
        }
        if (!exists(at)) {
            reply.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        addSoa(reply, at);
        return finish(reply, opt, overTcp);
    }

    private byte[] finish(Message reply, OPTRecord queryOpt, boolean overTcp) {
        if (overTcp) {
            return reply.toWire();
        }
        int max = queryOpt == null ? 512 : Math.max(512, queryOpt.getPayloadSize());
        return reply.toWire(max); // sets TC when the records do not fit
    }

    /** The name has data, or data below it (an empty non-terminal: NODATA, not NXDOMAIN, RFC 8020). */
    private boolean exists(Name name) {
        for (Name owner : data.keySet()) {
            if (owner.equals(name) || owner.subdomain(name)) {
                return true;
            }
        }
        return false;
    }

    private void addSoa(Message reply, Name name) {
        if (!includeSoa) {
            return;
        }
        Name zone = name.labels() > 3 ? new Name(name, name.labels() - 3) : name;
        try {
            Name mname = Name.fromString("ns.fake-dns.test.");
            Name rname = Name.fromString("hostmaster.fake-dns.test.");
            reply.addRecord(new SOARecord(zone, DClass.IN, soaTtl, mname, rname, 1, 3600, 600, 86400, soaMinimum),
                Section.AUTHORITY);
        } catch (TextParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Name name(String name) {
        return TestRecords.name(name);
    }
}
