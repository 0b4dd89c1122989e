package org.jamesdmarc.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Asks recursive resolvers (dnsjava messages over a {@link DnsTransport}, by default
 * {@link SocketDnsTransport}) and sorts the reply into FOUND / NXDOMAIN / NODATA / TEMPFAIL. Names are
 * always absolute (no search domains).
 *
 * <ul>
 *   <li>Servers are tried in order; a timeout, network error, SERVFAIL, REFUSED or any other RCODE moves
 *       on to the next one. Timeouts and network errors are retried {@link DnsSettings#retries()} more
 *       times per server; a server that answered with an error RCODE is not asked again. Worst case a
 *       query takes {@code timeout × servers × (1 + retries)}.</li>
 *   <li>When every try failed the answer is TEMPFAIL with the reasons in its detail.</li>
 *   <li>A UDP reply with the TC bit is re-asked over TCP by the transport (RFC 7766 §5).</li>
 *   <li>CNAME chains in the answer section are followed; only records of the type asked are returned.
 *       When a resolver stops at a CNAME without data or a negative proof (no SOA), the target is asked
 *       for; at most {@value #MAX_CNAME_HOPS} CNAMEs are followed, more is TEMPFAIL.</li>
 *   <li>A name that cannot exist in DNS (see {@link DnsNames#toAbsolute}) is answered NXDOMAIN with detail
 *       "invalid name" without asking anyone: no record can live there, which for DMARC is the safe
 *       reading (no policy, not "try again later" forever).</li>
 *   <li>With a {@code maxWait} ({@link #lookup(String, int, Duration)}), no try waits past it and none starts
 *       after it: the answer is then TEMPFAIL.</li>
 * </ul>
 * Thread-safe; never throws for DNS trouble.
 */
public final class DnsjavaClient extends AbstractDnsClient implements DnsLookup {

    static final int MAX_CNAME_HOPS = 8;
    /** No deadline (a lookup without {@code maxWait}). */
    private static final long NO_DEADLINE = Long.MIN_VALUE;
    /** Longest {@code maxWait} honoured; longer ones are cut to it (no overflow in nanosecond arithmetic). */
    private static final long MAX_WAIT_MILLIS = 24L * 3600 * 1000;
    private static final int DEFAULT_PORT = 53;

    private final List<InetSocketAddress> servers;
    private final DnsTransport transport;
    private final int triesPerServer;
    private final Duration timeout;

    /** A client on the default {@link SocketDnsTransport}. */
    public DnsjavaClient(DnsSettings settings) {
        this(settings, new SocketDnsTransport());
    }

    public DnsjavaClient(DnsSettings settings, DnsTransport transport) {
        this.servers = settings.servers().isEmpty() ? systemServers() : settings.servers();
        this.transport = Objects.requireNonNull(transport, "transport");
        this.triesPerServer = 1 + settings.retries();
        this.timeout = settings.timeout();
    }

    /** The resolvers dnsjava finds on this system (resolv.conf, system properties...), else localhost. */
    static List<InetSocketAddress> systemServers() {
        List<InetSocketAddress> system = ResolverConfig.getCurrentConfig().servers();
        if (system == null || system.isEmpty()) {
            return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT));
        }
        return List.copyOf(system);
    }

    /** The servers this client asks, in order. */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    @Override
    public DnsAnswer query(String name, int type) {
        return lookup(name, type).answer();
    }

    /**
     * {@inheritDoc}
     *
     * @throws org.xbill.DNS.InvalidTypeException when {@code type} is not 0..65535 (a programming error)
     */
    @Override
    public CacheableAnswer lookup(String name, int type) {
        return lookup(name, type, NO_DEADLINE);
    }

    @Override
    public DnsAnswer query(String name, int type, Duration maxWait) {
        return lookup(name, type, maxWait).answer();
    }

    /** {@inheritDoc} No try waits longer than what is left of {@code maxWait}, none starts after it. */
    @Override
    public CacheableAnswer lookup(String name, int type, Duration maxWait) {
        long wait = maxWait.compareTo(Duration.ofMillis(MAX_WAIT_MILLIS)) > 0 ? MAX_WAIT_MILLIS
            : Math.max(0, maxWait.toMillis());
        return lookup(name, type, System.nanoTime() + wait * 1_000_000L);
    }

    private CacheableAnswer lookup(String name, int type, long deadlineNanos) {
        Type.check(type);
        Optional<Name> parsed = DnsNames.toAbsolute(name);
        if (parsed.isEmpty()) {
            return CacheableAnswer.uncacheable(DnsAnswer.of(DnsStatus.NXDOMAIN, "invalid name: '" + printable(name) + "'"));
        }
        Name qname = parsed.get();
        String what = qname + "/" + Type.string(type);
        Name current = qname;
        long chainTtl = Long.MAX_VALUE;
        int hops = 0;
        while (true) {
            Exchange exchange = exchange(current, type, deadlineNanos);
            if (exchange instanceof Failed failed) {
                return CacheableAnswer.uncacheable(DnsAnswer.of(DnsStatus.TEMPFAIL, what + ": " + failed.detail()));
            }
            Message reply = ((Replied) exchange).reply();
            List<Record> answers = reply.getSection(Section.ANSWER);
            Name asked = current;
            while (true) {
                List<Record> data = recordsAt(answers, current, type);
                if (!data.isEmpty()) {
                    long ttl = chainTtl;
                    for (Record r : data) {
                        ttl = Math.min(ttl, r.getTTL());
                    }
                    return CacheableAnswer.of(new DnsAnswer(DnsStatus.FOUND, data, ""), OptionalLong.of(ttl));
                }
                Optional<CNAMERecord> cname = cnameAt(answers, current);
                if (cname.isEmpty()) {
                    break;
                }
                if (++hops > MAX_CNAME_HOPS) {
                    return CacheableAnswer.uncacheable(DnsAnswer.of(DnsStatus.TEMPFAIL,
                        what + ": CNAME chain longer than " + MAX_CNAME_HOPS + " (loop?)"));
                }
                chainTtl = Math.min(chainTtl, cname.get().getTTL());
                current = cname.get().getTarget();
            }
            OptionalLong negativeTtl = negativeTtl(reply);
            OptionalLong ttl = negativeTtl.isPresent() && chainTtl != Long.MAX_VALUE
                ? OptionalLong.of(Math.min(chainTtl, negativeTtl.getAsLong()))
                : negativeTtl;
            String at = current.equals(qname) ? what : what + " (via CNAME " + current + ")";
            if (reply.getRcode() == Rcode.NXDOMAIN) {
                // RFC 6604 §3: with a CNAME chain the RCODE speaks of the last name in it.
                return CacheableAnswer.of(DnsAnswer.of(DnsStatus.NXDOMAIN, at + ": NXDOMAIN"), ttl);
            }
            if (!current.equals(asked) && negativeTtl.isEmpty()) {
                // The resolver gave the CNAME but neither the data nor a negative proof for its target.
                continue;
            }
            return CacheableAnswer.of(DnsAnswer.of(DnsStatus.NODATA, at + ": no records of that type"), ttl);
        }
    }

    private static List<Record> recordsAt(List<Record> answers, Name owner, int type) {
        List<Record> out = new ArrayList<>();
        for (Record r : answers) {
            if (r.getType() == type && r.getDClass() == DClass.IN && r.getName().equals(owner)) {
                out.add(r);
            }
        }
        return out;
    }

    private static Optional<CNAMERecord> cnameAt(List<Record> answers, Name owner) {
        for (Record r : answers) {
            if (r instanceof CNAMERecord c && r.getName().equals(owner)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** RFC 2308 §5: a negative answer lives min(SOA TTL, SOA MINIMUM); empty without an SOA. */
    private static OptionalLong negativeTtl(Message reply) {
        for (Record r : reply.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return OptionalLong.of(Math.min(soa.getTTL(), soa.getMinimum()));
            }
        }
        return OptionalLong.empty();
    }

    private sealed interface Exchange permits Replied, Failed {
    }

    private record Replied(Message reply) implements Exchange {
    }

    private record Failed(String detail) implements Exchange {
    }

    /**
     * One question to the servers, in order, until one gives NOERROR or NXDOMAIN; with a deadline
     * ({@code System.nanoTime()} value, or {@link #NO_DEADLINE}), no try outlasts it.
     */
    private Exchange exchange(Name name, int type, long deadlineNanos) {
        Set<String> failures = new LinkedHashSet<>();
        boolean[] gaveUp = new boolean[servers.size()];
        for (int attempt = 0; attempt < triesPerServer; attempt++) {
            for (int i = 0; i < servers.size(); i++) {
                if (gaveUp[i]) {
                    continue;
                }
                Duration wait = timeout;
                if (deadlineNanos != NO_DEADLINE) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        failures.add("time allowed for the lookup used up");
                        return new Failed(String.join("; ", failures));
                    }
                    wait = Duration.ofNanos(Math.min(left, timeout.toNanos()));
                }
                String server = describe(servers.get(i));
                try {
                    // A fresh query (and message ID) for every try.
                    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
                    Message reply = transport.exchange(query, servers.get(i), wait);
                    int rcode = reply.getRcode();
                    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                        return new Replied(reply);
                    }
                    // SERVFAIL, REFUSED, FORMERR, NOTIMP...: that server cannot help with this question.
                    failures.add(Rcode.string(rcode) + " from " + server);
                    gaveUp[i] = true;
                } catch (SocketTimeoutException e) {
                    failures.add(timeoutDetail(server, wait));
                } catch (IOException e) {
                    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    failures.add(message.toLowerCase(Locale.ROOT).contains("timed out")
                        ? timeoutDetail(server, wait)
                        : "network error with " + server + ": " + message);
                } catch (RuntimeException e) {
                    // dnsjava may trip over a malformed reply; that is the server's fault, not ours.
                    failures.add("bad reply from " + server + ": " + e);
                    gaveUp[i] = true;
                }
                if (Thread.currentThread().isInterrupted()) {
                    failures.add("interrupted");
                    return new Failed(String.join("; ", failures));
                }
            }
        }
        if (failures.isEmpty()) {
            failures.add("no DNS server configured");
        }
        return new Failed(String.join("; ", failures));
    }

    private static String timeoutDetail(String server, Duration wait) {
        return "timeout after " + wait.toMillis() + "ms from " + server;
    }

    private static String describe(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static String printable(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && i < 80; i++) {
            char c = name.charAt(i);
            sb.append(c < ' ' || c == 0x7f ? '?' : c);
        }
        if (name.length() > 80) {
            sb.append("...");
        }
        return sb.toString();
    }
}
