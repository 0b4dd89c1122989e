package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default history opened by two processes at once, as James and the {@code dmarc} command do: the
 * first serves it (H2 auto-server) on 127.0.0.1 only, and the second reads what the first wrote.
 */
class H2AutoServerTest {

    @TempDir
    Path home;

    @Test
    void theAutoServerListensOnLoopbackOnlyAndASecondProcessReadsTheDatabase() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                H2AutoServerHolder.class.getName(), home.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("the holder opened the database and set " + H2Loopback.PROPERTY)
                    .isEqualTo("open 127.0.0.1");

            Properties lock = new Properties();
            try (Reader in = Files.newBufferedReader(home.resolve("var/dmarc/history.lock.db"),
                    StandardCharsets.ISO_8859_1)) {
                lock.load(in);
            }
            String server = lock.getProperty("server");
            assertThat(server).as("the lock file names the auto-server on loopback (H2 writes localhost for it)")
                    .matches("(localhost|127\\.0\\.0\\.1):\\d+");
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            assertThat(listeners(port)).as("sockets listening on port " + port)
                    .isNotEmpty().allMatch(H2AutoServerTest::isIpv4Loopback);

            DmarcSettings settings = DmarcSettings.load(home, Map.of());
            try (JdbcHistoryStore second = JdbcHistoryStore.open(settings.store())) {
                assertThat(second.count()).as("written by the other process").isEqualTo(3);
            }
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(30, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
        assertThat(holder.exitValue()).isZero();
    }

    /** 127.0.0.1 as /proc/net/tcp shows it, or as an IPv4-mapped IPv6 address (::ffff:127.0.0.1) in tcp6. */
    private static boolean isIpv4Loopback(String hex) {
        return hex.equals("0100007F") || hex.equals("0000000000000000FFFF00000100007F");
    }

    /** The local addresses (hex, as in /proc/net/tcp{,6}) of the sockets listening on {@code port}. */
    private static List<String> listeners(int port) throws Exception {
        List<String> addresses = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            // Read once: the table changes between two reads while other processes open and close sockets.
            List<String> rows = Files.readAllLines(p);
            for (String row : rows.subList(Math.min(1, rows.size()), rows.size())) {
                String[] f = row.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (local[1].equals(hexPort) && f[3].equals("0A")) { // 0A: LISTEN
                    addresses.add(local[0]);
                }
            }
        }
        return addresses;
    }
}
