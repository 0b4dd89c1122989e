package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.SPF;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An aggregate report survives a {@code kill -9} of James after James took it (issue 10, item 4): the sample's
 * report outbox ({@code report.outbox=file://var/mail/dmarc-report-outbox/}) keeps each report mail until
 * RemoteDelivery's {@code onSuccess} ({@code DmarcReportDelivered}) or {@code bounceProcessor} reports back, and the
 * report task hands what it still holds to James again at the next start.
 *
 * <p>A real James 3.8.1 (memory server: its spool and outgoing queue are in memory) with the sample configuration and
 * a one-minute report period. Its relay gateway, the rua mailbox, first defers every message (451): the report is
 * {@code handed_off} in the ledger and waits in RemoteDelivery's outgoing queue for its next try, minutes away. James
 * is then killed (SIGKILL) and started again on the same home with a gateway that accepts: the report arrives once,
 * the same message (Message-ID, Report-ID), the ledger says {@code delivered} and the outbox is empty. Without the
 * outbox the report would never arrive (the queue died with James) while the ledger said it was sent.
 */
class DmarcReportCrashIT {
    private static final String SENDER = "crash-sender.test";
    /** The rua is at the policy domain itself: no external destination verification needed (RFC 9990 §4). */
    private static final String RUA = "dmarc@" + SENDER;
    private static final String OUTBOX = "var/mail/dmarc-report-outbox";
    /** A one-minute period ends, then the delay, then the next check: well within this. */
    private static final Duration REPORT_WITHIN = Duration.ofSeconds(150);
    /** After the restart: the first tick (report.checkInterval, 2 s) re-sends, RemoteDelivery tries at once. */
    private static final Duration RESENT_WITHIN = Duration.ofSeconds(90);

    private KnotDnsServer dns;
    private SmtpSink deferring;
    private SmtpSink accepting;
    private JamesProcess james;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {james, deferring, accepting, dns}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort
                }
            }
        }
    }

    @Test
    void aReportJamesTookSurvivesAKillAndIsDeliveredOnceAfterTheRestart() throws Exception {
        Swaks.assumeInstalled();
        Instant start = Instant.now();
        dns = KnotDnsServer.builder()
            .zone(SENDER)
                .txt("@", SPF)
                .txt("_dmarc", "v=DMARC1; p=none; rua=mailto:" + RUA)
            .start();
        deferring = SmtpSink.replyingToData("451 4.3.0 try again later");
        Path overlay = SampleReportSender.shortReportPeriod();
        james = JamesProcess.builder("dmarc-report-crash").dnsServers(dns.hostPort())
            .env("JAMES_RELAY_GATEWAY", JamesProcess.HOST + ":" + deferring.port())
            .confOverlay(overlay)
            .start();
        Path home = james.home();

        Swaks.Result sent = Swaks.to(JamesProcess.HOST, james.smtpPort()).from(GOOD_IP).helo("mail." + SENDER)
            .mailFrom("alice@" + SENDER).rcptTo(james.user()).header("From: alice@" + SENDER).send();
        assertThat(sent.delivered()).as("accepted by James:%n%s", sent.transcript()).isTrue();
        DmarcCommand.awaitHistory(james, 1, Duration.ofSeconds(60));

        // The report reaches the gateway, which defers it: handed off, in RemoteDelivery's queue, not delivered.
        Optional<SmtpSink.Message> deferred = deferring.awaitMessage(REPORT_WITHIN);
        assertThat(deferred).as("the report tried at the gateway within %s; ledger: %s%nJames log:%n%s",
            REPORT_WITHIN, DmarcCommand.run(home, "report", "status", "--json"), james.logTail()).isPresent();
        MimeMessage first = mime(deferred.get());
        assertThat(first.getSubject()).startsWith("Report Domain: " + SENDER + " ");
        assertThat(deferred.get().recipients()).containsExactly(RUA);
        JsonNode before = awaitPeriod(home, p -> p.get("sent").asLong() == 1, "handed off");
        assertThat(before.get("delivered").asLong()).as("not delivered yet").isZero();
        assertThat(MailRepositories.messages(james, OUTBOX)).as("kept in the outbox").singleElement()
            .satisfies(m -> assertThat(m).contains(first.getMessageID()));

        james.killJvm();
        Instant killed = Instant.now();

        accepting = SmtpSink.accepting();
        james = JamesProcess.builder("dmarc-report-crash").home(home).dnsServers(dns.hostPort())
            .env("JAMES_RELAY_GATEWAY", JamesProcess.HOST + ":" + accepting.port())
            .confOverlay(overlay)
            .start();

        Optional<SmtpSink.Message> delivered = accepting.awaitMessage(RESENT_WITHIN);
        assertThat(delivered).as("the report delivered after the restart within %s; ledger: %s%nJames log:%n%s",
            RESENT_WITHIN, DmarcCommand.run(home, "report", "status", "--json"), james.logTail()).isPresent();
        MimeMessage again = mime(delivered.get());
        assertThat(again.getMessageID()).as("the same message").isEqualTo(first.getMessageID());
        assertThat(again.getSubject()).as("the same Report-ID").isEqualTo(first.getSubject());
        assertThat(delivered.get().recipients()).containsExactly(RUA);
        assertThat(delivered.get().headerValues("DKIM-Signature")).as("signed again by the dmarc-report processor")
            .hasSize(1);

        JsonNode after = awaitPeriod(home, p -> p.get("delivered").asLong() == 1, "delivered");
        assertThat(after.get("sent").asLong()).isEqualTo(1);
        assertThat(MailRepositories.messages(james, OUTBOX)).as("released once delivered").isEmpty();
        assertThat(accepting.pending()).as("delivered once").isEmpty();
        assertThat(deferring.pending()).as("the first gateway got no further try").isEmpty();
        System.out.printf("DmarcReportCrashIT: report deferred, James killed %s after the start, delivered %s "
            + "after the kill; %s in all%n", Duration.between(start, killed), Duration.between(killed, Instant.now()),
            Duration.between(start, Instant.now()));
    }

    private static MimeMessage mime(SmtpSink.Message m) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(m.data().getBytes(StandardCharsets.UTF_8)));
    }

    /** Polls {@code dmarc report status --json} until the one period with reports matches {@code done}. */
    private JsonNode awaitPeriod(Path home, Predicate<JsonNode> done, String what) throws Exception {
        Instant giveUp = Instant.now().plusSeconds(60);
        JsonNode status;
        while (true) {
            DmarcCommand.Result run = DmarcCommand.run(home, "report", "status", "--json");
            assertThat(run.exit()).as(run.toString()).isZero();
            status = run.json();
            for (JsonNode p : status.get("periods")) {
                if (p.get("sent").asLong() > 0 && done.test(p)) {
                    return p;
                }
            }
            assertThat(Instant.now()).as("a report %s in %s%nJames log:%n%s", what, status, james.logTail())
                .isBefore(giveUp);
            Thread.sleep(500);
        }
    }
}
