package org.jamesdmarc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server for tests: Debian's Knot DNS ({@code knotd}) listening on
 * {@code 127.0.0.1} on a free port (UDP and TCP), serving zones built in code or read from zone files.
 *
 * <pre>{@code
 * try (KnotDnsServer dns = KnotDnsServer.builder()
 *         .zone("example.test")
 *             .txt("_dmarc", "v=DMARC1; p=reject; rua=mailto:d@example.test")
 *             .a("mail", "127.0.0.2")
 *             .mx("@", 10, "mail")
 *         .brokenZone("broken.test")          // every query below it gets SERVFAIL
 *         .start()) {
 *     String hostPort = dns.hostPort();       // "127.0.0.1:40123"
 * }
 * }</pre>
 *
 * <p>By default an empty root zone is served too, so a name outside every configured zone gets
 * NXDOMAIN, as on the Internet for a non-existent TLD, instead of Knot's REFUSED (which a DNS client
 * rightly treats as a temporary failure). Turn it off with {@link Builder#withoutRootZone()}.
 *
 * <p>If {@code knotd} is not installed the test is <em>skipped</em> (JUnit assumption) with a loud
 * message on stderr; CI installs the {@code knot} package, so there it runs. The binary is looked up in
 * the {@code KNOTD} environment variable, {@code /usr/sbin/knotd}, then {@code PATH}.
 */
public final class KnotDnsServer implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final Path dir;
    private final int port;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private KnotDnsServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.shutdownHook = new Thread(this::stopProcess, "knotd-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The knotd binary, when installed. */
    public static Optional<Path> findKnotd() {
        String env = System.getenv("KNOTD");
        if (env != null && !env.isBlank() && Files.isExecutable(Paths.get(env))) {
            return Optional.of(Paths.get(env));
        }
        Path debian = Paths.get("/usr/sbin/knotd");
        if (Files.isExecutable(debian)) {
            return Optional.of(debian);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                Path candidate = Paths.get(d, "knotd");
                if (!d.isEmpty() && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, the form the {@code --dns} option and DNS settings take. */
    public String hostPort() {
        return host() + ":" + port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** A dnsjava resolver aimed at this server (UDP, falling back to TCP on truncation). */
    public SimpleResolver resolver() {
        SimpleResolver r = new SimpleResolver(address());
        r.setTimeout(Duration.ofSeconds(2));
        return r;
    }

    /** The server's log so far (useful in assertion messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("knotd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        deleteRecursively(dir);
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Collects zones, then {@link #start()}s the server. */
    public static final class Builder {

        private final Map<String, ZoneSource> zones = new LinkedHashMap<>();
        private boolean rootZone = true;

        private Builder() {
        }

        /** Starts (or continues) a zone built record by record; SOA and NS are added for you. */
        public ZoneBuilder zone(String origin) {
            String o = normalizeOrigin(origin);
            ZoneSource existing = zones.get(o);
            if (existing instanceof ZoneBuilder zb) {
                return zb;
            }
            ZoneBuilder zb = new ZoneBuilder(this, o);
            zones.put(o, zb);
            return zb;
        }

        /** A zone whose file does not load, so Knot answers SERVFAIL for every name in it. */
        public Builder brokenZone(String origin) {
            String o = normalizeOrigin(origin);
            zones.put(o, new TextZone(brokenZoneText(o), true));
            return this;
        }

        /** A zone read from a zone file on disk (master-file format; relative names are relative to origin). */
        public Builder zoneFile(String origin, Path file) {
            try {
                return zoneText(origin, Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read zone file " + file, e);
            }
        }

        /** A zone read from a zone file on the test class path, e.g. {@code "/zones/example.test.zone"}. */
        public Builder zoneResource(String origin, String resource) {
            String r = resource.startsWith("/") ? resource : "/" + resource;
            try (InputStream in = KnotDnsServer.class.getResourceAsStream(r)) {
                if (in == null) {
                    throw new IllegalArgumentException("no zone file resource " + r + " on the class path");
                }
                return zoneText(origin, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read zone file resource " + r, e);
            }
        }

        /** A zone given as zone-file text. A {@code $ORIGIN} line is prepended when it has none. */
        public Builder zoneText(String origin, String zoneFileText) {
            String o = normalizeOrigin(origin);
            String text = zoneFileText.toUpperCase(Locale.ROOT).contains("$ORIGIN")
                    ? zoneFileText
                    : "$ORIGIN " + absolute(o) + "\n" + zoneFileText;
            zones.put(o, new TextZone(text, false));
            return this;
        }

        /** Do not serve the empty root zone: names outside every zone then get REFUSED. */
        public Builder withoutRootZone() {
            rootZone = false;
            return this;
        }

        /**
         * Writes the zones, starts knotd and waits until every zone answers. Skips the calling test
         * (JUnit assumption) when knotd is not installed.
         */
        public KnotDnsServer start() {
            Optional<Path> knotd = findKnotd();
            if (knotd.isEmpty()) {
                MissingTool.unavailable("knotd (Knot DNS) is not installed; this test needs a real DNS server."
                        + " Install it with: apt-get install knot   (or set KNOTD=/path/to/knotd)");
            }
            Map<String, ZoneSource> all = new LinkedHashMap<>(zones);
            if (rootZone && !all.containsKey(".")) {
                all.put(".", new ZoneBuilder(this, "."));
            }
            IllegalStateException last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                try {
                    return startOnce(knotd.get(), all);
                } catch (PortTakenException e) {
                    // Another process grabbed the port between probing and knotd binding it: retry.
                    last = e;
                }
            }
            throw last;
        }

        private static KnotDnsServer startOnce(Path knotd, Map<String, ZoneSource> zones) {
            Path dir;
            try {
                dir = Files.createTempDirectory("knotd-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int port = freePort();
            Process process;
            try {
                StringBuilder conf = new StringBuilder();
                conf.append("server:\n")
                        .append("    listen: 127.0.0.1@").append(port).append('\n')
                        .append("    rundir: \"").append(dir).append("\"\n")
                        .append("database:\n")
                        .append("    storage: \"").append(dir.resolve("db")).append("\"\n")
                        .append("log:\n")
                        .append("  - target: stderr\n")
                        .append("    any: info\n")
                        .append("template:\n")
                        .append("  - id: default\n")
                        .append("    storage: \"").append(dir).append("\"\n")
                        .append("    zonefile-load: whole\n")
                        .append("    zonefile-sync: -1\n")
                        .append("    journal-content: none\n")
                        .append("zone:\n");
                int i = 0;
                for (Map.Entry<String, ZoneSource> z : zones.entrySet()) {
                    String file = "zone" + (i++) + ".zone";
                    Files.writeString(dir.resolve(file), z.getValue().render(), StandardCharsets.UTF_8);
                    conf.append("  - domain: \"").append(absolute(z.getKey())).append("\"\n")
                            .append("    file: \"").append(file).append("\"\n");
                }
                Path confFile = dir.resolve("knot.conf");
                Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);
                process = new ProcessBuilder(knotd.toString(), "-c", confFile.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("knotd.log").toFile())
                        .start();
            } catch (IOException e) {
                deleteRecursively(dir);
                throw new UncheckedIOException("cannot start knotd", e);
            }
            KnotDnsServer server = new KnotDnsServer(process, dir, port);
            try {
                server.awaitReady(zones);
                return server;
            } catch (RuntimeException e) {
                String log = server.log();
                server.close();
                if (log.contains("Address already in use") || log.contains("failed to bind")) {
                    throw new PortTakenException(port, log);
                }
                throw new IllegalStateException(e.getMessage() + "\n--- knotd log ---\n" + log, e);
            }
        }
    }

    /** Polls until each healthy zone answers its SOA and each broken one answers at all (SERVFAIL). */
    private void awaitReady(Map<String, ZoneSource> zones) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SimpleResolver resolver = resolver();
        resolver.setTimeout(Duration.ofMillis(300));
        for (Map.Entry<String, ZoneSource> z : zones.entrySet()) {
            boolean broken = z.getValue().isBroken();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("knotd exited with status " + process.exitValue());
                }
                Optional<Integer> rcode = soaRcode(resolver, z.getKey());
                if (rcode.isPresent() && (broken || rcode.get() == Rcode.NOERROR)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("knotd did not serve zone '" + z.getKey() + "' within "
                            + STARTUP_TIMEOUT.toSeconds() + "s (last rcode: "
                            + rcode.map(Rcode::string).orElse("no answer") + ")");
                }
                sleep(50);
            }
        }
    }

    private static Optional<Integer> soaRcode(SimpleResolver resolver, String zone) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(absolute(zone)), Type.SOA, DClass.IN));
            Message r = resolver.send(q);
            if (r.getRcode() == Rcode.NOERROR && r.getSection(Section.ANSWER).isEmpty()) {
                return Optional.of(Rcode.SERVFAIL); // not loaded yet
            }
            return Optional.of(r.getRcode());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for knotd", e);
        }
    }

    /** A port that is free for both TCP and UDP on 127.0.0.1 right now. */
    private static int freePort() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, lo)) {
                int p = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, p))) {
                    return p;
                } catch (IOException udpTaken) {
                    // try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP on 127.0.0.1");
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: temp files
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    static String normalizeOrigin(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        if (o.equals(".") || o.isEmpty()) {
            return ".";
        }
        return o.endsWith(".") ? o.substring(0, o.length() - 1) : o;
    }

    static String absolute(String origin) {
        return origin.equals(".") ? "." : origin + ".";
    }

    private static String brokenZoneText(String origin) {
        // An SOA without its RDATA: the zone loader rejects the file, the zone stays unloaded,
        // and Knot answers SERVFAIL for names in it.
        return "$ORIGIN " + absolute(origin) + "\n$TTL 60\n@ SOA garbage\n";
    }

    // ---------------------------------------------------------------------------------------------

    private sealed interface ZoneSource permits ZoneBuilder, TextZone {
        String render();

        boolean isBroken();
    }

    private record TextZone(String text, boolean isBroken) implements ZoneSource {
        @Override
        public String render() {
            return text.endsWith("\n") ? text : text + "\n";
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(int port, String log) {
            super("port " + port + " taken before knotd could bind it\n" + log);
        }
    }

    /**
     * Records of one zone. Owner names are relative to the zone ({@code "@"} or {@code ""} for the apex)
     * unless they end with a dot. TTLs are 60 s. Chain {@link #zone(String)} to start the next zone and
     * {@link #start()} to start the server.
     */
    public static final class ZoneBuilder implements ZoneSource {

        private final Builder parent;
        private final String origin;
        private final List<String> lines = new ArrayList<>();
        private boolean broken;
        private boolean hasNs;

        private ZoneBuilder(Builder parent, String origin) {
            this.parent = parent;
            this.origin = origin;
        }

        /** One TXT record; a value longer than 255 bytes is split into several character-strings. */
        public ZoneBuilder txt(String name, String value) {
            return add(name, "TXT", txtRdata(value));
        }

        /** One TXT record made of exactly these character-strings (each at most 255 bytes). */
        public ZoneBuilder txtStrings(String name, String... strings) {
            StringBuilder sb = new StringBuilder();
            for (String s : strings) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                if (b.length > 255) {
                    throw new IllegalArgumentException("a TXT character-string holds at most 255 bytes: " + s);
                }
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(quoted(b, 0, b.length));
            }
            return add(name, "TXT", sb.toString());
        }

        public ZoneBuilder a(String name, String ipv4) {
            return add(name, "A", ipv4);
        }

        public ZoneBuilder aaaa(String name, String ipv6) {
            return add(name, "AAAA", ipv6);
        }

        public ZoneBuilder mx(String name, int preference, String exchange) {
            return add(name, "MX", preference + " " + exchange);
        }

        public ZoneBuilder cname(String name, String target) {
            return add(name, "CNAME", target);
        }

        public ZoneBuilder ns(String name, String target) {
            if (isApex(name)) {
                hasNs = true;
            }
            return add(name, "NS", target);
        }

        /** Any other record, RDATA in zone-file syntax, e.g. {@code record("x", "CAA", "0 issue \"ca.test\"")}. */
        public ZoneBuilder record(String name, String type, String rdata) {
            if (isApex(name) && type.equalsIgnoreCase("NS")) {
                hasNs = true;
            }
            return add(name, type.toUpperCase(Locale.ROOT), rdata);
        }

        /** Make this zone fail to load: Knot answers SERVFAIL for every name in it. */
        public ZoneBuilder broken() {
            this.broken = true;
            return this;
        }

        /** Starts the next zone. */
        public ZoneBuilder zone(String nextOrigin) {
            return parent.zone(nextOrigin);
        }

        public Builder brokenZone(String otherOrigin) {
            return parent.brokenZone(otherOrigin);
        }

        public Builder zoneFile(String otherOrigin, Path file) {
            return parent.zoneFile(otherOrigin, file);
        }

        public Builder zoneResource(String otherOrigin, String resource) {
            return parent.zoneResource(otherOrigin, resource);
        }

        public Builder withoutRootZone() {
            return parent.withoutRootZone();
        }

        /** Back to the server builder. */
        public Builder and() {
            return parent;
        }

        public KnotDnsServer start() {
            return parent.start();
        }

        @Override
        public boolean isBroken() {
            return broken;
        }

        @Override
        public String render() {
            if (broken) {
                return brokenZoneText(origin);
            }
            String abs = absolute(origin);
            String host = origin.equals(".") ? "ns.invalid." : "ns." + abs;
            StringBuilder sb = new StringBuilder();
            sb.append("$ORIGIN ").append(abs).append('\n')
                    .append("$TTL 60\n")
                    .append("@ SOA ").append(host).append(" hostmaster.")
                    .append(origin.equals(".") ? "invalid." : abs)
                    .append(" 1 3600 600 86400 60\n");
            if (!hasNs) {
                sb.append("@ NS ").append(host).append('\n');
                if (!origin.equals(".")) {
                    sb.append("ns A 127.0.0.1\n");
                }
            }
            for (String line : lines) {
                sb.append(line).append('\n');
            }
            return sb.toString();
        }

        private ZoneBuilder add(String name, String type, String rdata) {
            lines.add(owner(name) + " " + type + " " + rdata);
            return this;
        }

        private static boolean isApex(String name) {
            return name == null || name.isEmpty() || name.equals("@");
        }

        private static String owner(String name) {
            if (isApex(name)) {
                return "@";
            }
            if (name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("owner name with white space: '" + name + "'");
            }
            return name;
        }

        /** RFC 1035 §3.3.14: a TXT record is one or more character-strings of at most 255 bytes each. */
        static String txtRdata(String value) {
            byte[] b = value.getBytes(StandardCharsets.UTF_8);
            if (b.length == 0) {
                return "\"\"";
            }
            StringBuilder sb = new StringBuilder();
            for (int from = 0; from < b.length; from += 255) {
                if (from > 0) {
                    sb.append(' ');
                }
                sb.append(quoted(b, from, Math.min(b.length, from + 255)));
            }
            return sb.toString();
        }

        /** Zone-file quoted string: printable ASCII as is, {@code "} and {@code \} escaped, other bytes as \DDD. */
        private static String quoted(byte[] b, int from, int to) {
            StringBuilder sb = new StringBuilder("\"");
            for (int i = from; i < to; i++) {
                int c = b[i] & 0xff;
                if (c == '"' || c == '\\') {
                    sb.append('\\').append((char) c);
                } else if (c >= 0x20 && c < 0x7f) {
                    sb.append((char) c);
                } else {
                    sb.append(String.format(Locale.ROOT, "\\%03d", c));
                }
            }
            return sb.append('"').toString();
        }
    }
}
