package org.jamesdmarc.dns.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jamesdmarc.dns.DnsSettings;

/**
 * A real authoritative server (Debian's knotd) on 127.0.0.1 serving one zone, for integration tests.
 * Use {@link #isAvailable()} in an assumption so machines without Knot skip rather than fail.
 */
public final class KnotServer implements AutoCloseable {

    public static final Path KNOTD = Path.of("/usr/sbin/knotd");

    private final Path dir;
    private final Process process;
    private final int port;

    private KnotServer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    public static boolean isAvailable() {
        return Files.isExecutable(KNOTD);
    }

    /** Serves {@code zoneText} (a zone file with $ORIGIN and SOA) as {@code zone}. */
    public static KnotServer start(String zone, String zoneText) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("knot");
        int port = freePort();
        Files.writeString(dir.resolve("zone.db"), zoneText, StandardCharsets.UTF_8);
        String config = String.join("\n",
            "server:",
            "    listen: 127.0.0.1@" + port,
            "    rundir: " + dir,
            "database:",
            "    storage: " + dir.resolve("db"),
            "log:",
            "  - target: stderr",
            "    any: warning",
            "zone:",
            "  - domain: " + zone,
            "    storage: " + dir,
            "    file: zone.db",
            "");
        Files.writeString(dir.resolve("knot.conf"), config, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(KNOTD.toString(), "-c", dir.resolve("knot.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("knot.log").toFile())
            .start();
        KnotServer server = new KnotServer(dir, p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = Files.readString(dir.resolve("knot.log"));
                server.close();
                throw new IOException("knotd exited: " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(server.address(), 200);
                return server;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        server.close();
        throw new IOException("knotd did not start listening on " + port);
    }

    private static int freePort() throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                 ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, loopback)) {
                return udp.getLocalPort();
            } catch (IOException tryAnother) {
                // port busy on TCP
            }
        }
        throw new IOException("no free port pair");
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    public DnsSettings settings() {
        return DnsSettings.defaults().withServers(List.of(address())).withTimeout(Duration.ofSeconds(2)).withRetries(0);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // temp files; leave them
        }
    }
}
