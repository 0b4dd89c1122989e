package org.jamesdmarc.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.jamesdmarc.testsupport.MissingTool;


/**
 * A real Postfix (Debian's {@code /usr/sbin/postfix}) in front of a next hop, the way
 * {@code james-config-samples/postfix/} puts a Postfix MX in front of James: a private instance with its
 * own {@code config_directory}, {@code queue_directory}, {@code data_directory} and mail log under a
 * temporary directory, listening on 127.0.0.1 on a free port. It never reads or writes the system
 * instance ({@code /etc/postfix}, {@code /var/spool/postfix}) and does not use port 25.
 *
 * <p>It relays mail for one domain ({@code relay_domains}, default {@code james.local}) to the next hop
 * at 127.0.0.1, in one of two {@link Mode}s. Only 127.0.0.1 is in {@code mynetworks}: the test senders
 * on 127.0.0.2–9 are ordinary Internet clients that may send to the relayed domain and nowhere else
 * ({@code reject_unauth_destination}). Postfix connects to the next hop from 127.0.0.1
 * ({@code smtp_bind_address}), the address James lists in {@code trustedRelays}. Nothing leaves loopback:
 * no DNS (client names are not looked up, the next hop is an address literal, {@code myhostname} is
 * set), and mail for any other destination fails at once ({@code default_transport = error}).
 *
 * <p>Requires root (Postfix's master runs as root and drops to the {@code postfix} user) and the
 * {@code postfix} user and {@code postdrop} group of the Debian package. When something is missing,
 * {@link Builder#start()} aborts the calling test (JUnit assumption) with a message on stderr, or fails
 * it when the environment variable {@value MissingTool#REQUIRE_ENV} is set, as {@code .ci/run} does
 * (see {@link MissingTool}).
 *
 * <p>{@link #close()} runs {@code postfix stop}, kills whatever of the instance outlives it (by process
 * id: the master and the daemons it started) and deletes the directory.
 */
public final class PostfixRelay implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    static final Path POSTCONF = Path.of("/usr/sbin/postconf");
    static final Path MASTER = Path.of("/usr/lib/postfix/sbin/master");
    private static final Path SCRIPT = Path.of("/usr/bin/script");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 30;
    private static final Pattern PARAMETER_NAME = Pattern.compile("[a-z0-9_]+");

    /** How Postfix hands mail to the next hop. */
    public enum Mode {
        /**
         * Store and forward (the usual MX): Postfix queues the message, answers the client 250, then
         * relays it ({@code relay_transport = relay:[127.0.0.1]:port}). A refusal by the next hop becomes
         * a bounce from Postfix.
         */
        QUEUE,
        /**
         * Before-queue proxy ({@code smtpd_proxy_filter = 127.0.0.1:port}): Postfix passes the SMTP
         * transaction through while the client is connected, so the next hop's reply to the end of DATA
         * (e.g. James DMARC's {@code 550 5.7.1}) is the reply the client gets. Nothing is queued in Postfix.
         */
        BEFORE_QUEUE_PROXY
    }

    private final Path directory;
    private final int smtpPort;
    private final String myhostname;
    private final long masterPid;
    private final Thread shutdownHook;
    private boolean closed;

    private PostfixRelay(Path directory, int smtpPort, String myhostname, long masterPid) {
        this.directory = directory;
        this.smtpPort = smtpPort;
        this.myhostname = myhostname;
        this.masterPid = masterPid;
        this.shutdownHook = new Thread(() -> stop(directory, masterPid), "postfix-relay-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port Postfix's smtpd listens on, at {@link #HOST}. */
    public int smtpPort() {
        return smtpPort;
    }

    /** Postfix's {@code myhostname}: the "by" host of the Received field it adds. */
    public String myhostname() {
        return myhostname;
    }

    /** The instance's {@code config_directory} (main.cf, master.cf). */
    public Path configDirectory() {
        return directory.resolve("conf");
    }

    public Path queueDirectory() {
        return directory.resolve("queue");
    }

    public Path mailLog() {
        return directory.resolve("maillog");
    }

    /** The process id of Postfix's master daemon. */
    public long masterPid() {
        return masterPid;
    }

    /** The whole mail log (Postfix's {@code maillog_file}), for assertions and failure messages. */
    public String mailLogText() {
        return read(mailLog());
    }

    /**
     * Whether the mail log contains {@code text} within {@code timeout}: Postfix's daemons log through
     * postlogd, so a line may land a moment after the SMTP reply it belongs to.
     */
    public boolean awaitMailLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (mailLogText().contains(text)) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The last lines of the mail log, indented, for assertion messages. */
    public String mailLogTail() {
        return tail(mailLog());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs stop() itself
            return;
        }
        stop(directory, masterPid);
        if (!Boolean.getBoolean("jamesdmarc.e2e.keepPostfix")) {
            deleteTree(directory);
        }
    }

    /** Whether the master daemon still runs (a zombie left to an init that does not reap counts as gone). */
    public boolean isRunning() {
        return running(masterPid);
    }

    public static final class Builder {
        private String relayDomain = "james.local";
        private String nextHopHost = HOST;
        private int nextHopPort = -1;
        private String myhostname = "mx.postfix.test";
        private String sourceAddress = HOST;
        private Mode mode = Mode.QUEUE;
        private final Map<String, String> extraMainCf = new LinkedHashMap<>();
        private Path parent = Path.of(System.getProperty("java.io.tmpdir"));

        private Builder() {
        }

        /** The domain Postfix accepts mail for and relays (its {@code relay_domains}); default james.local. */
        public Builder relayDomain(String domain) {
            if (!domain.matches("[a-z0-9.-]{1,253}")) {
                throw new IllegalArgumentException("relay domain: " + domain);
            }
            this.relayDomain = domain;
            return this;
        }

        /** Where Postfix relays to: James's (or a sink's) SMTP port on 127.0.0.1. */
        public Builder nextHop(int port) {
            return nextHop(HOST, port);
        }

        /** Where Postfix relays to; the host must be a loopback IPv4 address. */
        public Builder nextHop(String host, int port) {
            if (!host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || port < 1 || port > 65535) {
                throw new IllegalArgumentException("next hop must be 127.x.y.z:port, got " + host + ":" + port);
            }
            this.nextHopHost = host;
            this.nextHopPort = port;
            return this;
        }

        /**
         * The address Postfix connects to the next hop from in {@link Mode#QUEUE} ({@code smtp_bind_address}
         * of the relay service); default 127.0.0.1. It is what James must list in {@code trustedRelays}.
         * A before-queue proxy connects from whatever the kernel picks (127.0.0.1 on loopback), so this
         * is refused together with {@link Mode#BEFORE_QUEUE_PROXY}.
         */
        public Builder sourceAddress(String address) {
            if (!address.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                throw new IllegalArgumentException("source address must be 127.x.y.z, got " + address);
            }
            this.sourceAddress = address;
            return this;
        }

        /** Postfix's {@code myhostname}; default mx.postfix.test. */
        public Builder myhostname(String name) {
            if (!name.matches("[a-z0-9.-]{1,253}")) {
                throw new IllegalArgumentException("myhostname: " + name);
            }
            this.myhostname = name;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Adds or overrides one main.cf parameter (e.g. a policy service); applied last. */
        public Builder mainCf(String name, String value) {
            if (!PARAMETER_NAME.matcher(name).matches() || value.contains("\n")) {
                throw new IllegalArgumentException("main.cf parameter: " + name + " = " + value);
            }
            extraMainCf.put(name, value);
            return this;
        }

        /**
         * The directory under which the instance's temporary directory is made; default java.io.tmpdir.
         * Keep it short: Postfix's UNIX-domain sockets live under it (queue/private/...), and socket
         * paths are limited to 107 bytes.
         */
        public Builder parentDirectory(Path parent) {
            this.parent = Objects.requireNonNull(parent, "parent");
            return this;
        }

        /**
         * Writes the configuration, runs {@code postfix start} and returns once smtpd greets on the port.
         *
         * @throws PostfixStartException with the command output and the mail log when Postfix does not come up
         */
        public PostfixRelay start() throws IOException, InterruptedException {
            if (nextHopPort < 0) {
                throw new IllegalStateException("nextHop(port) is required");
            }
            if (mode == Mode.BEFORE_QUEUE_PROXY && !sourceAddress.equals(HOST)) {
                throw new IllegalStateException("sourceAddress applies to Mode.QUEUE only");
            }
            assumeUsable();
            PostfixStartException last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                Path dir = newInstanceDirectory();
                int port = freePort();
                try {
                    return startIn(dir, port);
                } catch (PostfixStartException e) {
                    stopQuietly(dir);
                    deleteTree(dir);
                    last = e;
                    if (!e.getMessage().contains("Address already in use")) {
                        throw e; // only a port taken between our probe and Postfix's bind is worth a retry
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    stopQuietly(dir); // never leave a half-started instance behind
                    deleteTree(dir);
                    throw e;
                }
            }
            throw last;
        }

        private PostfixRelay startIn(Path dir, int port) throws IOException, InterruptedException {
            Path conf = dir.resolve("conf");
            Files.createDirectories(conf);
            Files.createDirectories(dir.resolve("queue"));
            // data_directory is left for Postfix to create: it must belong to the postfix user.
            Files.writeString(conf.resolve("main.cf"), mainCf(dir), StandardCharsets.US_ASCII);
            Files.writeString(conf.resolve("master.cf"), masterCf(port), StandardCharsets.US_ASCII);
            for (Path p : List.of(dir, conf, dir.resolve("queue"))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            CommandResult started = run(List.of(POSTFIX.toString(), "-c", conf.toString(), "start"));
            if (started.exitCode() != 0) {
                throw new PostfixStartException("postfix start exited " + started.exitCode() + "\n"
                        + started.output() + diagnose(conf) + "\nmail log:\n" + tail(dir.resolve("maillog")));
            }
            OptionalLong pid = masterPid(dir);
            if (pid.isEmpty()) {
                throw new PostfixStartException("postfix start left no master.pid\nmail log:\n" + tail(dir.resolve("maillog")));
            }
            awaitGreeting(dir, port);
            return new PostfixRelay(dir, port, myhostname, pid.getAsLong());
        }

        private String mainCf(Path dir) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("compatibility_level", "3.6");
            // A private instance: every path under our directory (the system's /etc/postfix is never read).
            p.put("queue_directory", dir.resolve("queue").toString());
            p.put("data_directory", dir.resolve("data").toString());
            p.put("maillog_file", dir.resolve("maillog").toString());
            p.put("maillog_file_prefixes", dir.toString());
            p.put("syslog_name", "postfix-jdmarc-e2e");
            p.put("myhostname", myhostname);
            p.put("mydomain", "postfix.test");
            p.put("myorigin", "$myhostname");
            p.put("inet_interfaces", HOST);
            p.put("inet_protocols", "ipv4");
            // Only Postfix itself may relay anywhere; 127.0.0.2-9 are Internet senders.
            p.put("mynetworks", "127.0.0.1/32");
            p.put("mynetworks_style", "host");
            p.put("relay_domains", relayDomain);
            p.put("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination");
            p.put("smtpd_helo_required", "yes");
            p.put("relay_transport", "relay:[" + nextHopHost + "]:" + nextHopPort);
            p.put("smtp_bind_address", sourceAddress);
            // No local delivery and nothing to the outside: mail for other domains (bounces) fails at once.
            p.put("mydestination", "");
            p.put("local_recipient_maps", "");
            p.put("local_transport", "error:5.1.1 no local delivery on this test relay");
            p.put("default_transport", "error:5.7.1 this test relay only relays to " + relayDomain);
            p.put("alias_maps", "");
            p.put("alias_database", "");
            p.put("notify_classes", "");
            // No DNS: client names are not looked up, the next hop is an address literal.
            p.put("smtpd_peername_lookup", "no");
            p.put("smtp_dns_support_level", "disabled");
            p.put("smtp_host_lookup", "native");
            p.put("lmtp_host_lookup", "native");
            p.put("smtp_tls_security_level", "none");
            p.put("smtpd_tls_security_level", "none");
            p.put("smtputf8_enable", "no");
            p.put("append_dot_mydomain", "no");
            p.put("biff", "no");
            // Immediate delivery, quick retries, no waits on errors.
            p.put("in_flow_delay", "0s");
            p.put("queue_run_delay", "1s");
            p.put("minimal_backoff_time", "1s");
            p.put("maximal_backoff_time", "2s");
            p.put("smtp_connect_timeout", "5s");
            p.put("smtpd_error_sleep_time", "0s");
            p.put("smtpd_proxy_timeout", "60s");
            p.putAll(extraMainCf);
            StringBuilder sb = new StringBuilder("# Written by org.jamesdmarc.e2e.PostfixRelay (test instance)\n");
            p.forEach((name, value) -> sb.append(name).append(" = ").append(value).append('\n'));
            return sb.toString();
        }

        /** Only the services this relay needs, none chrooted (chroot would need copies of /etc files). */
        private String masterCf(int port) {
            String smtpd = HOST + ":" + port + " inet n - n - - smtpd";
            if (mode == Mode.BEFORE_QUEUE_PROXY) {
                // as master.cf.snippet, mode B: whole message first, then one James session
                smtpd += "\n  -o smtpd_proxy_filter=" + nextHopHost + ":" + nextHopPort
                        + "\n  -o smtpd_proxy_options=speed_adjust";
            }
            return "# Written by org.jamesdmarc.e2e.PostfixRelay (test instance)\n"
                    + "# service type private unpriv chroot wakeup maxproc command\n"
                    + smtpd + "\n"
                    + """
                    pickup     unix  n - n 60    1 pickup
                    cleanup    unix  n - n -     0 cleanup
                    qmgr       unix  n - n 300   1 qmgr
                    rewrite    unix  - - n -     - trivial-rewrite
                    bounce     unix  - - n -     0 bounce
                    defer      unix  - - n -     0 bounce
                    trace      unix  - - n -     0 bounce
                    verify     unix  - - n -     1 verify
                    flush      unix  n - n 1000? 0 flush
                    proxymap   unix  - - n -     - proxymap
                    proxywrite unix  - - n -     1 proxymap
                    smtp       unix  - - n -     - smtp
                    relay      unix  - - n -     - smtp
                    showq      unix  n - n -     - showq
                    error      unix  - - n -     - error
                    retry      unix  - - n -     - error
                    discard    unix  - - n -     - discard
                    anvil      unix  - - n -     1 anvil
                    scache     unix  - - n -     1 scache
                    postlog    unix-dgram n - n - 1 postlogd
                    """;
        }

        private Path newInstanceDirectory() throws IOException {
            Files.createDirectories(parent);
            Path dir = Files.createTempDirectory(parent, "jdmarc-postfix-");
            // Postfix's daemons run as the postfix user and must reach the queue under this directory.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        }

        private static void awaitGreeting(Path dir, int port) throws InterruptedException {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            String lastProblem = "";
            while (System.nanoTime() < deadline) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), 1000);
                    socket.setSoTimeout(5000);
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                    String greeting = in.readLine();
                    if (greeting != null && greeting.startsWith("220 ")) {
                        OutputStream out = socket.getOutputStream();
                        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return;
                    }
                    lastProblem = "greeting: " + greeting;
                } catch (IOException e) {
                    lastProblem = e.toString();
                }
                Thread.sleep(POLL.toMillis());
            }
            throw new PostfixStartException("Postfix did not greet on " + HOST + ":" + port + " within "
                    + READY_TIMEOUT.toSeconds() + "s (" + lastProblem + ")\nmail log:\n" + tail(dir.resolve("maillog")));
        }
    }

    /** Postfix did not come up; the message carries its output and mail log. */
    public static final class PostfixStartException extends IllegalStateException {
        PostfixStartException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Aborts (or, with {@link MissingTool#REQUIRE_ENV} set, fails) the calling test when Postfix cannot run here. */
    static void assumeUsable() {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(POSTFIX, POSTCONF, MASTER)) {
            if (!Files.isExecutable(p)) {
                missing.add(p + " is missing (apt-get install postfix)");
            }
        }
        if (!isRoot()) {
            missing.add("Postfix's master must be started as root (user " + System.getProperty("user.name") + ")");
        }
        var lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
        try {
            lookup.lookupPrincipalByName("postfix");
            lookup.lookupPrincipalByGroupName("postdrop");
        } catch (UserPrincipalNotFoundException e) {
            missing.add("user postfix / group postdrop missing (" + e.getName() + ")");
        } catch (IOException e) {
            missing.add("cannot look up the postfix user: " + e);
        }
        if (missing.isEmpty()) {
            return;
        }
        MissingTool.unavailable("Postfix e2e test cannot run: " + String.join("; ", missing));
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Why the {@code postfix} command failed: it reports to stderr only when that is a terminal (otherwise
     * to postlogd, which does not run yet), so {@code postfix check} is rerun under {@code script(1)}.
     */
    private static String diagnose(Path conf) throws InterruptedException {
        if (!Files.isExecutable(SCRIPT) || conf.toString().contains("'")) {
            return "";
        }
        try {
            CommandResult check = run(List.of(SCRIPT.toString(), "-qec",
                    POSTFIX + " -c '" + conf + "' check", "/dev/null"));
            return "\npostfix check says:\n" + check.output().replace("\r", "");
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        }
    }

    private static OptionalLong masterPid(Path dir) {
        Path pidFile = dir.resolve("queue/pid/master.pid");
        try {
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            return text.matches("\\d{1,10}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code postfix stop}, then SIGKILL for the master and its daemons if they outlive it. */
    private static void stop(Path dir, long masterPid) {
        List<ProcessHandle> instance = new ArrayList<>();
        ProcessHandle.of(masterPid).ifPresent(master -> {
            instance.add(master);
            master.descendants().forEach(instance::add);
        });
        try {
            run(List.of(POSTFIX.toString(), "-c", dir.resolve("conf").toString(), "stop"));
        } catch (IOException e) {
            // fall through to the kill below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (instance.stream().anyMatch(p -> running(p.pid())) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ProcessHandle p : instance) {
            if (running(p.pid())) {
                p.destroyForcibly();
            }
        }
    }

    private static void stopQuietly(Path dir) {
        masterPid(dir).ifPresent(pid -> stop(dir, pid));
    }

    /**
     * Alive and not a zombie. Postfix's master daemonizes, so its processes are not our children; where
     * process 1 does not reap orphans they stay as zombies after exiting, which count as stopped.
     */
    static boolean running(long pid) {
        if (!Files.isDirectory(Path.of("/proc"))) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')'); // the command name in parentheses may contain anything
            char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : 'X';
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    private record CommandResult(int exitCode, String output) {
    }

    private static CommandResult run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("postfix-cmd-", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().remove("MAIL_CONFIG"); // -c decides the instance, not an inherited variable
            Process process = pb.start();
            process.getOutputStream().close();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new CommandResult(-1, String.join(" ", command) + " timed out\n" + read(output));
            }
            return new CommandResult(process.exitValue(), read(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path file) {
        if (!Files.exists(file)) {
            return "    (no " + file.getFileName() + ")";
        }
        List<String> lines = read(file).lines().toList();
        StringBuilder sb = new StringBuilder();
        for (String line : lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())) {
            sb.append("    ").append(line).append('\n');
        }
        return sb.toString();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("PostfixRelay: could not delete " + dir + ": " + e);
        }
    }
}
