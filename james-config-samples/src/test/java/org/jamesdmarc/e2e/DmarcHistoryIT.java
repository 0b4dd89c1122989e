package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jamesdmarc.e2e.SampleSetup.BAD_IP;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.QUARANTINE;
import static org.jamesdmarc.e2e.SampleSetup.SPF;
import static org.jamesdmarc.e2e.SampleSetup.closeAll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The evaluation history as an administrator gets it: the sample configuration (DmarcHistoryModule in
 * {@code extensions.properties}, DmarcHistory in {@code mailetcontainer.xml} with its commented {@code historyFile}
 * set, the embedded H2 default of
 * {@code conf/dmarc.properties}) in a real James started by {@code ./run-james}, knotd serving the senders'
 * records, and {@code ./dmarc history list|stats --home <James home>} run as separate processes while James runs
 * (they reach James's H2 database through its auto-server on loopback).
 *
 * <p>Each test's sender has a domain of its own, so {@code history list --domain} finds exactly its message.
 * The time from the end of the SMTP transaction (the reply to DATA) to the first {@code history list} that shows
 * the message is printed (issue 9's goal: within a second) and bounded generously (a loaded machine starts JVMs
 * slowly).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DmarcHistoryIT {
    /** Generous: the goal is one second, but each poll starts a JVM and CI machines are loaded. */
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(10);
    private static final Duration POLL_GIVE_UP = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final String SECOND_USER = "second@james.local";
    /** The sample's (commented) historyFile, relative to the James home. */
    private static final String HISTORY_FILE = "var/dmarc/opendmarc-history.dat";

    private static KnotDnsServer dns;
    private static JamesProcess james;
    private static Instant started;
    /** How long one {@code history list} took before any mail: the floor of every latency measured here. */
    private static long listCommandMillis = -1;
    /** A connection of this test JVM to James's embedded H2, through its auto-server: the database as soon as it has it. */
    private static Connection database;

    @BeforeAll
    static void start() throws Exception {
        dns = KnotDnsServer.builder()
            .zone("history-pass.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject")
            .zone("history-quarantine.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=quarantine")
            .zone("history-reject.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=reject")
            .zone("history-stop.test")
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=none")
            .start();
        james = JamesProcess.builder("dmarc-history").dnsServers(dns.hostPort()).confOverlay(historyFileVariant())
            .start();
        createUser(SECOND_USER, "secret2");
        started = Instant.now();
    }

    /**
     * The sample {@code mailetcontainer.xml} with its commented {@code historyFile} set on both DmarcHistory
     * mailets (delivered, quarantined): the variant of the sample that also writes OpenDMARC's history file.
     */
    private static Path historyFileVariant() throws IOException {
        String sample = Files.readString(JamesProcess.repositoryRoot()
            .resolve("james-config-samples/conf/mailetcontainer.xml"));
        String commented = "<!-- <historyFile>" + HISTORY_FILE + "</historyFile> -->";
        assertThat(sample.split(java.util.regex.Pattern.quote(commented), -1)).as("on both DmarcHistory mailets")
            .hasSize(3);
        Path dir = Files.createDirectories(JamesProcess.repositoryRoot()
            .resolve("james-config-samples/target/james-e2e"));
        Path overlay = Files.createTempDirectory(dir, "history-file-conf-");
        Files.writeString(overlay.resolve("mailetcontainer.xml"),
            sample.replace(commented, "<historyFile>" + HISTORY_FILE + "</historyFile>"));
        return overlay;
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(database, james, dns);
    }

    @Test
    @Order(1)
    void runJamesNamesTheEmbeddedH2DatabaseOfItsHome() throws IOException {
        Path file = james.home().resolve("var/dmarc/history.mv.db");
        assertThat(Files.readString(james.scriptOutput()))
            .contains("DMARC history database  jdbc:h2:file:" + james.home().resolve("var/dmarc/history")
                + ";AUTO_SERVER=TRUE (embedded H2 default of the James home " + james.home() + "), file " + file)
            .contains("DMARC history  DmarcHistory in conf/mailetcontainer.xml: delivered (root), "
                + "quarantined (dmarc-quarantine); rejected (DmarcMessageHook, at SMTP)")
            .doesNotContain("not wired yet");
    }

    @Test
    @Order(1)
    void theCommandReadsTheEmptyHistoryWhileJamesRuns() throws Exception {
        // Also warms the command up (page cache, H2's first connection to James's auto-server), so that the
        // latencies below measure the history, not a cold start.
        Instant before = Instant.now();
        DmarcCommand.Result list = dmarc("history", "list", "--json");
        listCommandMillis = Duration.between(before, Instant.now()).toMillis();
        System.out.printf("DmarcHistoryIT: an empty `dmarc history list` took %d ms%n", listCommandMillis);
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).isEmpty();
        assertThat(list.err()).contains("history database jdbc:h2:file:" + james.home().resolve("var/dmarc/history"));
    }

    @Test
    @Order(2)
    void aPassingMessageToTwoRecipientsIsOneRecordDelivered() throws Exception {
        String from = "alice@history-pass.test";

        Instant sent = send(GOOD_IP, from, List.of(james.user(), SECOND_USER));

        JsonNode r = awaitRecorded("history-pass.test", sent);
        assertThat(r.get("action").asText()).isEqualTo("delivered");
        assertThat(r.get("result").asText()).isEqualTo("pass");
        assertThat(r.get("disposition").asText()).isEqualTo("none");
        assertThat(r.get("sourceIp").asText()).isEqualTo(GOOD_IP);
        assertThat(r.get("headerFrom").asText()).isEqualTo("history-pass.test");
        assertThat(r.get("envelopeFrom").asText()).isEqualTo("history-pass.test");
        assertThat(r.get("policyDomain").asText()).isEqualTo("history-pass.test");
        assertThat(texts(r.get("envelopeTo"))).as("both recipients' domain, once").containsExactly("james.local");
        assertThat(r.get("published").get("p").asText()).isEqualTo("reject");
        assertThat(r.get("spf").get("result").asText()).isEqualTo("pass");
        assertThat(r.get("spf").get("alignment").asText()).isEqualTo("aligned");
        assertThat(r.get("spf").get("domain").asText()).isEqualTo("history-pass.test");
        assertThat(r.get("dkim")).isEmpty();
    }

    @Test
    @Order(3)
    void aQuarantinePolicyFailureIsRecordedQuarantined() throws Exception {
        String from = "alice@history-quarantine.test";

        Instant sent = send(BAD_IP, from, List.of(james.user()));

        JsonNode r = awaitRecorded("history-quarantine.test", sent);
        assertThat(r.get("action").asText()).isEqualTo("quarantined");
        assertThat(r.get("result").asText()).isEqualTo("fail");
        assertThat(r.get("disposition").asText()).isEqualTo("quarantine");
        assertThat(r.get("sourceIp").asText()).isEqualTo(BAD_IP);
        assertThat(r.get("headerFrom").asText()).isEqualTo("history-quarantine.test");
        assertThat(r.get("spf").get("result").asText()).isEqualTo("fail");
        assertThat(MailRepositories.messages(james, QUARANTINE)).as("and in the quarantine repository")
            .anyMatch(m -> m.contains(from));
    }

    @Test
    @Order(4)
    void aRejectPolicyFailureRefusedAtSmtpIsRecordedRejected() throws Exception {
        String from = "alice@history-reject.test";

        Instant[] refusedAt = new Instant[1];
        assertThatThrownBy(() -> {
            try {
                send(BAD_IP, from, List.of(james.user()));
            } finally {
                refusedAt[0] = Instant.now();
            }
        }).isInstanceOf(SendFailedException.class).hasStackTraceContaining("550").hasStackTraceContaining("5.7.1");

        JsonNode r = awaitRecorded("history-reject.test", refusedAt[0]);
        assertThat(r.get("action").asText()).isEqualTo("rejected");
        assertThat(r.get("result").asText()).isEqualTo("fail");
        assertThat(r.get("disposition").asText()).isEqualTo("reject");
        assertThat(r.get("sourceIp").asText()).isEqualTo(BAD_IP);
        assertThat(r.get("policyDomain").asText()).isEqualTo("history-reject.test");
    }

    @Test
    @Order(5)
    void statsAgreesWithTheList() throws Exception {
        DmarcCommand.Result stats = dmarc("history", "stats", "--json");
        assertThat(stats.exit()).as(stats.toString()).isZero();
        JsonNode s = stats.json();

        DmarcCommand.Result list = dmarc("history", "list", "--json", "--limit", "1000");
        assertThat(list.exit()).as(list.toString()).isZero();
        List<JsonNode> all = list.jsonLines();
        Set<String> policyDomains = new HashSet<>();
        all.forEach(r -> policyDomains.add(r.get("policyDomain").asText()));
        long first = all.stream().mapToLong(r -> Instant.parse(r.get("time").asText()).getEpochSecond()).min()
            .orElseThrow();
        long last = all.stream().mapToLong(r -> Instant.parse(r.get("time").asText()).getEpochSecond()).max()
            .orElseThrow();

        assertThat(all).as("the three messages of this class").hasSize(3);
        assertThat(s.get("messages").asLong()).isEqualTo(all.size());
        assertThat(s.get("policyDomains").asLong()).isEqualTo(policyDomains.size()).isEqualTo(3);
        assertThat(s.get("first").asLong()).isEqualTo(first).isGreaterThanOrEqualTo(started.getEpochSecond() - 1);
        assertThat(s.get("last").asLong()).isEqualTo(last).isLessThanOrEqualTo(Instant.now().getEpochSecond());
        assertThat(james.home().resolve("var/dmarc/history.mv.db")).as("the H2 file run-james named").exists();
        assertThat(stats.err()).as("says which database")
            .contains("history database jdbc:h2:file:" + james.home().resolve("var/dmarc/history"));
    }

    /**
     * A normal stop of James (SIGTERM: {@code GuiceJamesServer.stop()}) right after a burst of mail was delivered:
     * James's lifecycle closes the history after its mailet container and SMTP server, every record handed to it
     * is in the database afterwards, and the JVM hook's fallback did not have to close it.
     */
    @Test
    @Order(9)
    void aNormalStopKeepsEveryRecordAndClosesTheHistoryThroughJamesLifecycle() throws Exception {
        int n = 20;
        int inboxBefore = ImapInbox.of(james).count();
        for (int i = 0; i < n; i++) {
            send(GOOD_IP, "alice@history-stop.test", List.of(james.user()));
        }
        long deadline = System.nanoTime() + POLL_GIVE_UP.toNanos();
        while (ImapInbox.of(james).count() < inboxBefore + n && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
        assertThat(ImapInbox.of(james).count()).as("delivered, so handed to DmarcHistory").isEqualTo(inboxBefore + n);
        if (database != null) {
            database.close();
            database = null;
        }

        james.close(); // SIGTERM, as an administrator stops it

        String log = Files.readString(james.logFile());
        assertThat(log).as("closed by James's lifecycle")
                .contains("DMARC history: James is stopping, its mail processing stopped; closing the history")
                .contains("DMARC history closed: ")
                .doesNotContain("James's lifecycle did not close the history");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + james.home().resolve("var/dmarc/history"),
                "sa", "");
             PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM dmarc_message WHERE header_from = ?")) {
            q.setString(1, "history-stop.test");
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("every record of the burst, after the stop").isEqualTo(n);
            }
        }

        // historyFile: every record the DmarcHistory mailets handed on is in OpenDMARC's format, written out at
        // the stop (the SMTP hook's rejections are in the database only).
        Set<String> handedOn = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + james.home().resolve("var/dmarc/history"),
                "sa", "");
             PreparedStatement q = c.prepareStatement(
                 "SELECT message_key FROM dmarc_message WHERE action_taken <> 'rejected'");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                handedOn.add(rs.getString(1));
            }
        }
        Path historyFile = james.home().resolve(HISTORY_FILE);
        List<String> jobs = Files.readAllLines(historyFile).stream().filter(l -> l.startsWith("job "))
            .map(l -> l.substring(4)).toList();
        assertThat(jobs).as("one entry per record handed on, once").hasSize(handedOn.size())
            .containsExactlyInAnyOrderElementsOf(handedOn);
        assertThat(handedOn).hasSize(n + 2); // the burst, the pass and the quarantine messages

        // ... and our own importer reads it back: the same messages, domains and actions.
        Path imported = Files.createTempDirectory(james.home(), "imported-");
        String db = "jdbc:h2:file:" + imported.resolve("history");
        DmarcCommand.Result importRun = dmarc("history", "import", "--db", db, "--json", historyFile.toString());
        assertThat(importRun.exit()).as(importRun.toString()).isZero();
        assertThat(importRun.json().get("new").asLong()).isEqualTo(handedOn.size());
        assertThat(importRun.json().get("skipped").asLong()).isZero();
        DmarcCommand.Result list = dmarc("history", "list", "--db", db, "--json", "--limit", "1000");
        assertThat(list.exit()).as(list.toString()).isZero();
        Map<String, List<String>> actionsByDomain = new java.util.TreeMap<>();
        list.jsonLines().forEach(r -> actionsByDomain.computeIfAbsent(r.get("headerFrom").asText(),
            k -> new ArrayList<>()).add(r.get("action").asText()));
        assertThat(actionsByDomain).containsOnlyKeys("history-pass.test", "history-quarantine.test",
            "history-stop.test");
        assertThat(actionsByDomain.get("history-pass.test")).containsExactly("delivered");
        assertThat(actionsByDomain.get("history-quarantine.test")).containsExactly("quarantined");
        assertThat(actionsByDomain.get("history-stop.test")).hasSize(n).containsOnly("delivered");
    }

    // ------------------------------------------------------------------------------------------

    /**
     * Polls {@code dmarc history list --domain D --json} every 100 ms until it shows a message, prints how long
     * after {@code sent} that was, and returns the one record (one message: one record, whatever its recipients).
     */
    private static JsonNode awaitRecorded(String domain, Instant sent) throws Exception {
        Duration inDatabase = awaitRow(domain, sent);
        Instant stored = sent.plus(inDatabase);
        System.out.printf("DmarcHistoryIT: %s in James's database %d ms after the end of the SMTP transaction "
                + "(polled every 20 ms over JDBC through the H2 auto-server)%n", domain, inDatabase.toMillis());
        assertThat(inDatabase).as("in the database within %s", VISIBLE_WITHIN).isLessThanOrEqualTo(VISIBLE_WITHIN);
        Instant giveUp = sent.plus(POLL_GIVE_UP);
        int polls = 0;
        Duration lastEmptyEnded = null;
        while (true) {
            Instant before = Instant.now();
            DmarcCommand.Result list = dmarc("history", "list", "--domain", domain, "--json");
            Instant after = Instant.now();
            polls++;
            assertThat(list.exit()).as(list.toString()).isZero();
            List<JsonNode> records = list.jsonLines();
            if (!records.isEmpty()) {
                Duration latency = Duration.between(sent, after);
                System.out.printf("DmarcHistoryIT: %s visible in `dmarc history list` %d ms after the end of the "
                        + "SMTP transaction (poll %d; that list command ran %d ms; the previous one, without it, "
                        + "ended %s; an empty list took %d ms)%n", domain, latency.toMillis(), polls,
                    Duration.between(before, after).toMillis(),
                    lastEmptyEnded == null ? "- (first poll)" : lastEmptyEnded.toMillis() + " ms after",
                    listCommandMillis);
                assertThat(records).as("one message, one record").hasSize(1);
                // How long the command itself runs is the machine's business (a JVM start; seconds on a loaded
                // CI machine), reported above, not asserted: the behaviour is that it shows what is stored.
                Thread.sleep(500);
                DmarcCommand.Result again = dmarc("history", "list", "--domain", domain, "--json");
                assertThat(again.jsonLines()).as("still one record a moment later").hasSize(1);
                return records.get(0);
            }
            assertThat(before).as("`dmarc history list` started %d ms after the row was in the database and did "
                + "not show it", Duration.between(stored, before).toMillis()).isBeforeOrEqualTo(stored);
            lastEmptyEnded = Duration.between(sent, after);
            assertThat(after).as("%s never appeared in the history; James log:%n%s", domain, james.logTail())
                .isBefore(giveUp);
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /**
     * Polls James's database itself (not the command, whose JVM start dominates its time) every 20 ms for the
     * message of {@code domain}; returns how long after {@code sent} it was there.
     */
    private static Duration awaitRow(String domain, Instant sent) throws Exception {
        if (database == null) {
            database = DriverManager.getConnection("jdbc:h2:file:" + james.home().resolve("var/dmarc/history")
                    + ";AUTO_SERVER=TRUE", "sa", "");
        }
        Instant giveUp = sent.plus(POLL_GIVE_UP);
        try (PreparedStatement q = database.prepareStatement(
                "SELECT COUNT(*) FROM dmarc_message WHERE policy_domain = ? OR header_from = ?")) {
            q.setString(1, domain);
            q.setString(2, domain);
            while (true) {
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return Duration.between(sent, Instant.now());
                    }
                }
                assertThat(Instant.now()).as("%s never reached the database; James log:%n%s", domain, james.logTail())
                        .isBefore(giveUp);
                Thread.sleep(20);
            }
        }
    }

    /**
     * Sends a small message from {@code sourceIp} with envelope sender and From {@code from} to {@code to}; returns
     * when the server has answered DATA (the end of the SMTP transaction).
     */
    private static Instant send(String sourceIp, String from, List<String> to) throws MessagingException {
        SmtpClient client = SmtpClient.from(james, sourceIp, "mail." + TestMail.domainOf(from));
        Session session = client.session();
        session.getProperties().setProperty("mail.smtp.from", from);
        byte[] raw = TestMail.message(from, String.join(", ", to), TestMail.token(), List.of());
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
        Address[] recipients = new Address[to.size()];
        for (int i = 0; i < to.size(); i++) {
            recipients[i] = new InternetAddress(to.get(i));
        }
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, recipients);
            return Instant.now();
        }
    }

    private static void createUser(String user, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(james.webAdmin("/users/" + user))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT /users/%s: %s", user, response.body()).isBetween(200, 299);
    }

    private static DmarcCommand.Result dmarc(String... args) throws IOException, InterruptedException {
        return DmarcCommand.run(james.home(), args);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
