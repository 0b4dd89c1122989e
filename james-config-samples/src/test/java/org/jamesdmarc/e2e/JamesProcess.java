package org.jamesdmarc.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Apache James 3.8.1 memory server, started through {@code ./run-james} (the very script an
 * admin uses) in its own James home under {@code target/james-e2e/}, on free loopback ports.
 *
 * <p>{@link Builder#start()} returns once the script reported the test user created, SMTP greets
 * and WebAdmin's {@code /healthcheck} is healthy, or throws {@link JamesStartException} with the
 * script output and the James log after a bounded timeout. {@link #close()} stops the script,
 * which stops James; the James JVM is killed if it outlives the script.
 */
public final class JamesProcess implements AutoCloseable {
    /** James listens on this address only. */
    public static final String HOST = "127.0.0.1";
    /** Printed by run-james once James is healthy and the test user exists. */
    private static final Pattern READY = Pattern.compile("James is ready \\(healthy after (\\d+) ms");
    private static final Duration POLL = Duration.ofMillis(200);
    /** DNS server of a James started without {@link Builder#dnsServers(String)}: nothing listens there. */
    public static final String LOOPBACK_NO_DNS = "127.0.0.1:53";
    private static final int LOG_TAIL_LINES = 40;
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ (common frames|more))");

    private final Process script;
    private final Path home;
    private final Ports ports;
    private final String user;
    private final String password;
    private final long javaPid;
    private final Duration scriptToReady;
    private final long jamesHealthyMillis;
    private final Thread shutdownHook;

    private JamesProcess(Process script, Path home, Ports ports, String user, String password, long javaPid,
                         Duration scriptToReady, long jamesHealthyMillis, Thread shutdownHook) {
        this.script = script;
        this.home = home;
        this.ports = ports;
        this.user = user;
        this.password = password;
        this.javaPid = javaPid;
        this.scriptToReady = scriptToReady;
        this.jamesHealthyMillis = jamesHealthyMillis;
        this.shutdownHook = shutdownHook;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public int smtpPort() {
        return ports.smtp();
    }

    public int imapPort() {
        return ports.imap();
    }

    public int webAdminPort() {
        return ports.webAdmin();
    }

    public URI webAdmin(String path) {
        return URI.create("http://" + HOST + ":" + ports.webAdmin() + path);
    }

    /** The local user run-james created, e.g. {@code user@james.local}. */
    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Path home() {
        return home;
    }

    public Path logFile() {
        return home.resolve("logs/james.log");
    }

    public Path scriptOutput() {
        return home.resolve("run-james.out");
    }

    /** From launching run-james to James ready (includes layout and, if needed, build). */
    public Duration scriptToReady() {
        return scriptToReady;
    }

    /** From launching the James JVM to a healthy /healthcheck, as measured by run-james. */
    public long jamesHealthyMillis() {
        return jamesHealthyMillis;
    }

    /** The process id of the James JVM (not of the run-james script). */
    public long javaPid() {
        return javaPid;
    }

    /**
     * {@code kill -9} of the James JVM: no shutdown hook, no flush, as in a crash or the OOM killer. Returns once
     * the JVM and the run-james script (which then exits) are gone.
     */
    public void killJvm() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
        ProcessHandle.of(javaPid).ifPresent(james -> {
            james.destroyForcibly(); // SIGKILL on Linux
            james.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
        try {
            if (!script.waitFor(30, TimeUnit.SECONDS)) {
                script.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            script.destroyForcibly();
        }
    }

    /** The last lines of the James log, for assertion messages. */
    public String logTail() {
        return tail(logFile(), LOG_TAIL_LINES);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: it does the same as below
        }
        stop(script, javaPid);
    }

    private static void stop(Process script, long javaPid) {
        script.destroy(); // SIGTERM: run-james stops James and waits for it
        try {
            if (!script.waitFor(60, TimeUnit.SECONDS)) {
                script.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            script.destroyForcibly();
        }
        if (javaPid > 0) {
            ProcessHandle.of(javaPid).filter(ProcessHandle::isAlive).ifPresent(james -> {
                james.destroyForcibly();
                james.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
            });
        }
    }

    public static final class Builder {
        private final String name;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<Path> extensionJars = new ArrayList<>();
        private String mailetBlock;
        private Path confOverlay;
        private Path home;
        private Duration startTimeout = Duration.ofMinutes(5);
        private int smtpPort;

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("name must be a plain file name: " + name);
            }
            this.name = name;
        }

        /** Mailet XML pasted into the root processor, where the DMARC check goes. */
        public Builder mailetBlock(String xml) {
            this.mailetBlock = xml;
            return this;
        }

        /** An extra jar for extensions-jars/, next to the dmarc-mailet jar. */
        public Builder extensionJar(Path jar) {
            extensionJars.add(jar.toAbsolutePath());
            return this;
        }

        /** Files that replace or add to the sample conf/ (ports are still rewritten). */
        public Builder confOverlay(Path dir) {
            this.confOverlay = dir.toAbsolutePath();
            return this;
        }

        /**
         * Runs James in this existing home (e.g. the one of a James that was stopped or killed, to restart it with
         * its {@code var/}) instead of a new one under {@code target/james-e2e/}. run-james lays out {@code conf/}
         * and {@code extensions-jars/} again and keeps the rest.
         */
        public Builder home(Path existingHome) {
            this.home = existingHome.toAbsolutePath();
            return this;
        }

        /** {@code host[:port],...}, given to James's dnsservice.xml and the DMARC mailet. */
        public Builder dnsServers(String servers) {
            return env("DMARC_DNS_SERVERS", servers);
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /**
         * This SMTP port instead of a free one: for a James that another process (e.g. a relaying James) was told to
         * reach before this one started. The caller makes sure nothing else listens there.
         */
        public Builder smtpPort(int port) {
            this.smtpPort = port;
            return this;
        }

        /** Whole start-up bound, build and James runtime resolution included. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public JamesProcess start() throws IOException {
            Path root = repositoryRoot();
            Path e2eDir = Paths.get(System.getProperty("jamesdmarc.e2e.dir",
                root.resolve("james-config-samples/target/james-e2e").toString()));
            Files.createDirectories(e2eDir);
            Path home = this.home != null ? this.home : Files.createTempDirectory(e2eDir, name + "-");
            Ports ports = Ports.free();
            if (smtpPort != 0) {
                ports = new Ports(smtpPort, ports.imap(), ports.webAdmin());
            }
            String user = env.getOrDefault("JAMES_USER", "user@james.local");
            String password = env.getOrDefault("JAMES_PASSWORD", "secret");

            ProcessBuilder pb = new ProcessBuilder(root.resolve("run-james").toString(), "--home", home.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("run-james.out").toFile());
            Map<String, String> penv = pb.environment();
            penv.put("JAMES_SMTP_PORT", Integer.toString(ports.smtp()));
            penv.put("JAMES_IMAP_PORT", Integer.toString(ports.imap()));
            penv.put("JAMES_WEBADMIN_PORT", Integer.toString(ports.webAdmin()));
            penv.put("JAMES_USER", user);
            penv.put("JAMES_PASSWORD", password);
            penv.put("JAMES_START_TIMEOUT", Long.toString(Math.max(30, startTimeout.toSeconds())));
            if (mailetBlock != null) {
                Path block = home.resolve("mailet-block.xml");
                Files.writeString(block, mailetBlock);
                penv.put("JAMES_MAILET_BLOCK", block.toString());
            }
            if (!extensionJars.isEmpty()) {
                penv.put("JAMES_EXTRA_EXTENSION_JARS",
                    String.join(":", extensionJars.stream().map(Path::toString).toList()));
            }
            if (confOverlay != null) {
                penv.put("JAMES_CONF_OVERLAY", confOverlay.toString());
            }
            // Tests never use the system resolvers (they are not on loopback): without
            // dnsServers(...), the DMARC check asks 127.0.0.1:53, where nothing listens, so every
            // lookup fails at once and mail gets dmarc=temperror.
            penv.put("DMARC_DNS_SERVERS", LOOPBACK_NO_DNS);
            penv.putAll(env);

            long launched = System.nanoTime();
            Process script = pb.start();
            Thread hook = new Thread(() -> stop(script, readPid(home)), "stop-james-" + name);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                long healthyMillis = awaitReady(script, home, ports, launched + startTimeout.toNanos());
                Duration scriptToReady = Duration.ofNanos(System.nanoTime() - launched);
                return new JamesProcess(script, home, ports, user, password, readPid(home),
                    scriptToReady, healthyMillis, hook);
            } catch (RuntimeException | IOException e) {
                long pid = readPid(home);
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down anyway
                }
                stop(script, pid);
                throw e;
            }
        }

        private static long awaitReady(Process script, Path home, Ports ports, long deadline) throws IOException {
            Path out = home.resolve("run-james.out");
            OptionalLong healthy = OptionalLong.empty();
            while (true) {
                if (healthy.isEmpty()) {
                    healthy = readyLine(out);
                }
                // run-james prints its summary after the ready line; tests read it, so wait for its last line too.
                if (healthy.isPresent() && summaryPrinted(out) && smtpGreets(ports.smtp())
                        && healthCheckPasses(ports.webAdmin())) {
                    return healthy.getAsLong();
                }
                if (!script.isAlive()) {
                    throw new JamesStartException("run-james exited with code " + script.exitValue()
                        + " before James was ready", home);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new JamesStartException("James was not ready in time", home);
                }
                sleep(POLL);
            }
        }
    }

    /** Start-up failure; the message carries the script output and the James log. */
    public static final class JamesStartException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        JamesStartException(String what, Path home) {
            super(what + "\n  home: " + home
                + "\n  run-james output (" + home.resolve("run-james.out") + "), last lines:\n"
                + tail(home.resolve("run-james.out"), LOG_TAIL_LINES, JamesProcess::isStackFrame)
                + "\n  James log (" + home.resolve("logs/james.log") + "), last lines without stack frames:\n"
                + tail(home.resolve("logs/james.log"), LOG_TAIL_LINES, JamesProcess::isStackFrame));
            System.err.println(getMessage());
        }
    }

    private record Ports(int smtp, int imap, int webAdmin) {
        static Ports free() throws IOException {
            // Hold all three sockets at once so that the ports differ.
            try (ServerSocket a = bind(); ServerSocket b = bind(); ServerSocket c = bind()) {
                return new Ports(a.getLocalPort(), b.getLocalPort(), c.getLocalPort());
            }
        }

        private static ServerSocket bind() throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket;
        }
    }

    /** The line run-james prints after its summary, once James is ready. */
    private static final String SUMMARY_END = "Press Ctrl-C to stop.";

    private static boolean summaryPrinted(Path out) {
        return Files.exists(out) && read(out).contains(SUMMARY_END);
    }

    private static OptionalLong readyLine(Path out) {
        if (!Files.exists(out)) {
            return OptionalLong.empty();
        }
        Matcher m = READY.matcher(read(out));
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static boolean smtpGreets(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            socket.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String greeting = in.readLine();
            return greeting != null && greeting.startsWith("220");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean healthCheckPasses(int port) {
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/healthcheck"))
                        .timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"status\":\"healthy\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long readPid(Path home) {
        Path pidFile = home.resolve("james.pid");
        try {
            return Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static Path repositoryRoot() {
        Optional<Path> configured = Optional.ofNullable(System.getProperty("jamesdmarc.root"))
            .map(p -> Paths.get(p).toAbsolutePath().normalize());
        if (configured.isPresent()) {
            return configured.get();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("run-james"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (run-james); set -Djamesdmarc.root");
    }

    private static boolean isStackFrame(String line) {
        return STACK_FRAME.matcher(line).lookingAt();
    }

    private static String tail(Path file, int lines) {
        return tail(file, lines, line -> false);
    }

    private static String tail(Path file, int lines, Predicate<String> skip) {
        if (!Files.exists(file)) {
            return "    (no " + file.getFileName() + ")";
        }
        List<String> all = read(file).lines().filter(skip.negate()).toList();
        StringBuilder sb = new StringBuilder();
        for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
            sb.append("    ").append(line).append('\n');
        }
        return sb.toString();
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for James", e);
        }
    }
}
