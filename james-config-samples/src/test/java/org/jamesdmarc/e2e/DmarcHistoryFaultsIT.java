package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.SPF;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.mail.MessagingException;

import org.jamesdmarc.e2e.HistoryDatabase.Counts;
import org.jamesdmarc.e2e.HistoryDatabase.Server;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.jamesdmarc.testsupport.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's faults, with real processes: a real James 3.8.1 (./run-james) recording every DMARC evaluation through
 * {@code DmarcHistoryModule} and the {@code DmarcHistory} mailet into this machine's real PostgreSQL or MariaDB, in
 * a database of the test's own. The database is made unreachable through a {@link TcpProxy} the test cuts
 * (never the shared servers themselves); James is killed with {@code kill -9}.
 *
 * <p>The configuration is the samples' (whose root processor records delivered mail with {@code DmarcHistory})
 * plus a {@code conf/} overlay with {@code extensions.properties} (the module) and {@code dmarc.properties} (the
 * database, journal durability, the default). Senders connect
 * from 127.0.0.2, which the SPF record of {@code aligned.test} (served by knotd) authorises: every message passes
 * DMARC and is delivered.
 *
 * <ul>
 *   <li>{@code kill -9} after delivery, with the records in the database or the journal, and again with the
 *       database cut before the messages came (all of them only in the journal): after a restart with the same
 *       home every message is in the database exactly once.</li>
 *   <li>The database unreachable under steady SMTP traffic (a message every 200 ms): PostgreSQL for 60 s (15 s
 *       before and after); MariaDB for 20 s only (10 s before and after), to keep the run short: the same code
 *       path, the cut's length matters only for PostgreSQL's backoff reaching its 30 s ceiling. SMTP
 *       transactions during the cut are not slower than before (p95 at most 3 × p95 before + 500 ms), every
 *       message is delivered, and every record reaches the database once it is back.</li>
 *   <li>Credentials refused at start-up (MariaDB, a user of the test's own, a wrong password in
 *       {@code db.passwordFile}): James starts, logs one line naming the URL and the refusal, no stack trace and
 *       never the password; mail flows and its records are journaled; with the right password and a restart they
 *       reach the database exactly once.</li>
 * </ul>
 */
class DmarcHistoryFaultsIT {

    private static final String DOMAIN = "aligned.test";
    private static final String FROM = "alice@" + DOMAIN;
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    /** Journal replay after a restart or reconnect; PostgreSQL's backoff may wait 30 s before its next attempt. */
    private static final Duration STORED_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SEND_INTERVAL = Duration.ofMillis(200);

    private static KnotDnsServer dns;

    @BeforeAll
    static void startDns() {
        dns = KnotDnsServer.builder()
                .zone(DOMAIN)
                    .txt("@", SPF)
                    .txt("_dmarc", "v=DMARC1; p=none")
                .start();
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void killNineAfterDeliveryLosesNoRecordAndStoresNoneTwice() throws Exception {
        int n = 50;
        try (HistoryDatabase db = HistoryDatabase.create(Server.POSTGRESQL);
             TcpProxy proxy = new TcpProxy(Server.POSTGRESQL.port)) {
            proxy.open();
            Path overlay = overlay("kill", db.url(proxy.port()), "postgres", null);
            JamesProcess james = start("history-kill", null, overlay);
            Path home = james.home();
            try {
                // 1. The database reachable and the store open (a first message stored): when James dies right
                //    after delivering the others, each record is in the database, the journal or both.
                int first = 1 + n;
                sendAll(james, 1);
                assertThat(db.awaitRows(1, STORED_TIMEOUT).rows()).as("store open; James log:%n%s", james.logTail())
                        .isEqualTo(1);
                sendAll(james, n);
                awaitInbox(james, first);
                long storedBeforeKill = db.counts().rows();
                james.killJvm();
                System.out.printf("kill -9 (database reachable): %d of %d records in the database at the kill%n",
                        storedBeforeKill, first);

                james = start("history-kill", home, overlay);
                Counts afterRestart = db.awaitRows(first, STORED_TIMEOUT);
                assertThat(afterRestart).as("after kill -9 and restart; James log:%n%s", james.logTail())
                        .isEqualTo(new Counts(first, first));

                // 2. The database cut before the mail comes: the records are in the journal only.
                proxy.cut();
                sendAll(james, n);
                awaitInbox(james, n); // James's mailboxes are in memory: the restarted one holds these only
                assertThat(db.counts()).as("nothing reaches the database while it is cut")
                        .isEqualTo(new Counts(first, first));
                james.killJvm();
                proxy.open();

                james = start("history-kill", home, overlay);
                long all = first + n;
                Counts afterReplay = db.awaitRows(all, STORED_TIMEOUT);
                assertThat(afterReplay).as("journal replayed after kill -9; James log:%n%s", james.logTail())
                        .isEqualTo(new Counts(all, all));
                assertThat(Files.readString(james.logFile())).contains(n + " journaled records to replay");
                // Nothing comes twice later on either (a replay racing the first one).
                Thread.sleep(1000);
                assertThat(db.counts()).isEqualTo(new Counts(all, all));
            } finally {
                james.close();
            }
        }
    }

    @Test
    void postgresqlUnreachableForAMinuteDelaysNoMailAndLosesNoRecord() throws Exception {
        outage(Server.POSTGRESQL, Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofSeconds(15));
    }

    @Test
    void mariadbUnreachableDelaysNoMailAndLosesNoRecord() throws Exception {
        outage(Server.MARIADB, Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(10));
    }

    @Test
    void refusedCredentialsAtStartUpAreOneLogLineAndTheRecordsWaitInTheJournal() throws Exception {
        int n = 10;
        String user = "dmarc_e2e_" + hex(4);
        String right = "right-" + hex(8);
        String wrong = "wrong-" + hex(8);
        try (HistoryDatabase db = HistoryDatabase.create(Server.MARIADB)) {
            db.admin("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + right + "'");
            try {
                db.admin("GRANT ALL PRIVILEGES ON " + db.name() + ".* TO '" + user + "'@'%'");
                Path secrets = Files.createTempDirectory(e2eDir(), "history-secret-");
                Path passwordFile = secrets.resolve("db-password");
                Files.writeString(passwordFile, wrong + "\n");
                Path overlay = overlay("credentials", db.url(), user, passwordFile);

                JamesProcess james = start("history-credentials", null, overlay); // returns once healthy
                Path home = james.home();
                try {
                    sendAll(james, n);
                    awaitInbox(james, n);
                    List<String> refused = awaitLogLines(james, "refused the credentials", Duration.ofSeconds(30));
                    String log = Files.readString(james.logFile());
                    System.out.printf("credentials refused, logged as:%n%s%n", String.join("\n", refused));
                    assertThat(refused).as("James log:%n%s", james.logTail()).singleElement()
                            .satisfies(line -> assertThat(line).contains(db.url(), "'" + user + "'"));
                    assertThat(nextLine(log, refused.get(0))).as("no stack trace after the line")
                            .doesNotMatch("\\s+at .*|Caused by:.*|\\s+\\.\\.\\. \\d+ .*");
                    assertThat(log.lines().filter(l -> l.contains("Access denied"))).as("the refusal, once")
                            .hasSize(1);
                    assertThat(log).doesNotContain(wrong).doesNotContain(right);
                    assertThat(Files.readString(james.scriptOutput())).doesNotContain(wrong).doesNotContain(right);
                    assertThat(journalBytes(home)).as("records journaled in %s", home.resolve("var/dmarc/journal"))
                            .isPositive();
                    assertThat(db.counts()).isEqualTo(new Counts(0, 0));
                } finally {
                    james.close();
                }

                Files.writeString(passwordFile, right + "\n");
                james = start("history-credentials", home, overlay);
                try {
                    Counts stored = db.awaitRows(n, STORED_TIMEOUT);
                    assertThat(stored).as("James log:%n%s", james.logTail()).isEqualTo(new Counts(n, n));
                    String log = Files.readString(james.logFile());
                    assertThat(log).doesNotContain("refused the credentials").doesNotContain(right);
                } finally {
                    james.close();
                }
            } finally {
                db.admin("DROP USER IF EXISTS '" + user + "'@'%'");
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    /** Steady traffic with the database cut for {@code cut}: no mail slower, delayed or lost, no record lost. */
    private static void outage(Server server, Duration before, Duration cut, Duration after) throws Exception {
        try (HistoryDatabase db = HistoryDatabase.create(server);
             TcpProxy proxy = new TcpProxy(server.port)) {
            proxy.open();
            Path overlay = overlay("outage-" + server.name().toLowerCase(), db.url(proxy.port()), server.adminUser,
                    null);
            JamesProcess james = start("history-outage", null, overlay);
            try {
                // Warm up (JIT, connections, schema): not measured.
                int warmUp = 10;
                sendAll(james, warmUp);
                assertThat(db.awaitRows(warmUp, STORED_TIMEOUT).rows()).isEqualTo(warmUp);

                Traffic traffic = new Traffic(james);
                traffic.start();
                Thread.sleep(before.toMillis());
                proxy.cut();
                traffic.phase = Phase.DURING;
                Thread.sleep(cut.toMillis());
                proxy.open();
                traffic.phase = Phase.AFTER;
                Thread.sleep(after.toMillis());
                List<Sample> samples = traffic.stop();

                assertThat(samples.stream().filter(s -> s.error() != null))
                        .as("every SMTP transaction succeeds").isEmpty();
                Map<Phase, Latency> latency = Latency.byPhase(samples);
                System.out.printf("%s unreachable for %d s: %s%n", server, cut.toSeconds(), latency);
                Latency b = latency.get(Phase.BEFORE);
                Latency d = latency.get(Phase.DURING);
                assertThat(d.p95Millis()).as("p95 during the cut vs before: %s", latency)
                        .isLessThanOrEqualTo(3 * b.p95Millis() + 500);

                long total = warmUp + samples.size();
                awaitInbox(james, (int) total);
                Counts stored = db.awaitRows(total, STORED_TIMEOUT);
                assertThat(stored).as("every record once the database is back; James log:%n%s", james.logTail())
                        .isEqualTo(new Counts(total, total));
            } finally {
                james.close();
            }
        }
    }

    enum Phase { BEFORE, DURING, AFTER }

    /** One SMTP transaction: when it started (phase), how long it took, and its failure if any. */
    record Sample(Phase phase, long nanos, Exception error) {
    }

    /** p50 and p95 of the SMTP transactions of one phase. */
    record Latency(int count, long p50Millis, long p95Millis) {
        static Map<Phase, Latency> byPhase(List<Sample> samples) {
            Map<Phase, Latency> m = new java.util.EnumMap<>(Phase.class);
            for (Phase p : Phase.values()) {
                List<Long> ms = new ArrayList<>(samples.stream().filter(s -> s.phase() == p)
                        .map(s -> TimeUnit.NANOSECONDS.toMillis(s.nanos())).toList());
                Collections.sort(ms);
                m.put(p, new Latency(ms.size(), percentile(ms, 50), percentile(ms, 95)));
            }
            return m;
        }

        private static long percentile(List<Long> sorted, int p) {
            if (sorted.isEmpty()) {
                return 0;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.size()); // nearest rank
            return sorted.get(Math.max(0, rank - 1));
        }

        @Override
        public String toString() {
            return count + " messages, p50 " + p50Millis + " ms, p95 " + p95Millis + " ms";
        }
    }

    /** A message every {@link #SEND_INTERVAL}, each on a thread of a pool, so one slow transaction delays no other. */
    private static final class Traffic {
        private final JamesProcess james;
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final ExecutorService senders = Executors.newFixedThreadPool(8);
        private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        volatile Phase phase = Phase.BEFORE;

        Traffic(JamesProcess james) {
            this.james = james;
        }

        void start() {
            ticker.scheduleAtFixedRate(() -> senders.execute(this::sendOne), 0, SEND_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        private void sendOne() {
            Phase p = phase;
            long t0 = System.nanoTime();
            Exception error = null;
            try {
                send(james);
            } catch (MessagingException | RuntimeException e) {
                error = e;
            }
            samples.add(new Sample(p, System.nanoTime() - t0, error));
        }

        List<Sample> stop() throws InterruptedException {
            ticker.shutdown();
            ticker.awaitTermination(10, TimeUnit.SECONDS);
            senders.shutdown();
            assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).as("every send finished").isTrue();
            return List.copyOf(samples);
        }
    }

    private static void send(JamesProcess james) throws MessagingException {
        String token = TestMail.token();
        SmtpClient.from(james, GOOD_IP, "mail." + DOMAIN)
                .sendRaw(TestMail.message(FROM, james.user(), token, List.of()), FROM, james.user());
    }

    private static void sendAll(JamesProcess james, int n) throws MessagingException {
        for (int i = 0; i < n; i++) {
            send(james);
        }
    }

    private static void awaitInbox(JamesProcess james, int n) throws MessagingException, InterruptedException {
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        int count;
        while ((count = ImapInbox.of(james).count()) < n && System.nanoTime() - deadline < 0) {
            Thread.sleep(250);
        }
        assertThat(count).as("delivered; James log:%n%s", james.logTail()).isEqualTo(n);
    }

    private static JamesProcess start(String name, Path home, Path overlay) throws IOException {
        JamesProcess.Builder b = JamesProcess.builder(name).dnsServers(dns.hostPort()).confOverlay(overlay);
        if (home != null) {
            b.home(home);
        }
        return b.start();
    }

    /** {@code extensions.properties} with the history module and {@code dmarc.properties} for this database. */
    private static Path overlay(String name, String url, String user, Path passwordFile) throws IOException {
        Path dir = Files.createTempDirectory(e2eDir(), "history-conf-" + name + "-");
        Files.writeString(dir.resolve("extensions.properties"),
                "guice.extension.module=org.jamesdmarc.reporting.james.DmarcHistoryModule\n");
        StringBuilder props = new StringBuilder()
                .append("db.url=").append(url).append('\n')
                .append("db.user=").append(user).append('\n')
                .append("history.durability=journal\n");
        if (passwordFile != null) {
            props.append("db.passwordFile=").append(passwordFile.toAbsolutePath()).append('\n');
        }
        Files.writeString(dir.resolve("dmarc.properties"), props, StandardCharsets.UTF_8);
        return dir;
    }

    private static Path e2eDir() throws IOException {
        Path dir = Paths.get(System.getProperty("jamesdmarc.e2e.dir",
                JamesProcess.repositoryRoot().resolve("james-config-samples/target/james-e2e").toString()));
        return Files.createDirectories(dir);
    }

    private static List<String> awaitLogLines(JamesProcess james, String text, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = Files.readString(james.logFile()).lines().filter(l -> l.contains(text)).toList();
            if (!lines.isEmpty() || System.nanoTime() - deadline > 0) {
                return lines;
            }
            Thread.sleep(250);
        }
    }

    private static String nextLine(String log, String line) {
        List<String> lines = log.lines().toList();
        int i = lines.indexOf(line);
        return i >= 0 && i + 1 < lines.size() ? lines.get(i + 1) : "";
    }

    private static long journalBytes(Path home) throws IOException {
        Path journal = home.resolve("var/dmarc/journal");
        if (!Files.isDirectory(journal)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(journal)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
