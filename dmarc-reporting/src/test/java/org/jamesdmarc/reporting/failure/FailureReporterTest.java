package org.jamesdmarc.reporting.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.ClientIdentity;
import org.jamesdmarc.check.FailedMessage;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.check.ResultSource;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.DmarcEvaluator;
import org.jamesdmarc.policy.EvaluationOptions;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.jamesdmarc.reporting.delivery.DestinationAuthorizer;
import org.jamesdmarc.reporting.delivery.HandOff;
import org.jamesdmarc.store.FailureReportLog;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Secret;
import org.jamesdmarc.store.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink end to end without James: decision, verification, log, rate limit, message, hand-off (H2). */
class FailureReporterTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path tmp;
    private JdbcHistoryStore store;
    private FailureReporter reporter;
    private final List<FailureReportMessage> handedOff = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (reporter != null) {
            reporter.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private final List<FailureReportListener.Event> events = new CopyOnWriteArrayList<>();

    private FailureReporter reporter(DestinationAuthorizer authorizer, FailureReportLog.RateLimits limits) {
        return reporter(authorizer, limits, 100, m -> {
            handedOff.add(m);
            return new HandOff.Accepted("ok");
        });
    }

    private FailureReporter reporter(DestinationAuthorizer authorizer, FailureReportLog.RateLimits limits,
                                     int queueCapacity, FailureReportOutbound outbound) {
        store = JdbcHistoryStore.open(new StoreConfig("jdbc:h2:file:" + tmp.resolve("db").toAbsolutePath(), "sa",
                Secret.none(), 2));
        reporter = new FailureReporter(new Reporter("Receiver", "dmarc@receiver.example", Optional.empty(),
                DomainName.of("receiver.example"), "test"), FailureReportOptions.defaults(),
                LocalPartRedactor.withSecret(new byte[32]), () -> new FailureReportLog(store), limits, authorizer,
                outbound, Clock.fixed(T0, ZoneOffset.UTC), queueCapacity, events::add);
        return reporter;
    }

    private static FailedMessage failed(String record, int n) throws Exception {
        InMemoryDnsClient dns = new InMemoryDnsClient().dmarc("example.com", record);
        SpfOutcome spf = new SpfOutcome(SpfResult.FAIL, DomainName.parse("example.com"), SpfScope.MFROM,
                Optional.of("v=spf1 ip4:198.51.100.0/24 -all"));
        List<DkimOutcome> dkim = List.of(new DkimOutcome(DkimResult.FAIL, Optional.of(DomainName.of("example.com")),
                "sel", "bad", Optional.of("@mail.example.com")));
        DmarcEvaluation e = new DmarcEvaluator(dns, EvaluationOptions.defaults()).evaluate("example.com", spf, dkim);
        CheckOutcome.Evaluated outcome = new CheckOutcome.Evaluated(e, spf, dkim, ResultSource.SELF, ResultSource.SELF,
                new ClientIdentity(InetAddress.getByName("192.0.2.7"), "helo.example", false),
                "mx.receiver.example; dmarc=fail header.from=example.com", List.of());
        byte[] message = ("From: x@example.com\r\nTo: y@receiver.example\r\nMessage-ID: <" + n
                + "@example.com>\r\nSubject: s\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        return FailedMessage.of(MessageKey.of(InetAddress.getByName("192.0.2.7"), Optional.of("x@example.com"),
                        Optional.of("<" + n + "@example.com>"), message), T0, outcome, Optional.of("x@example.com"),
                message, Optional.of(ActionTaken.REJECTED_AT_SMTP)).orElseThrow();
    }

    @Test
    void a_failed_message_gives_one_report_per_type_and_destination() throws Exception {
        FailureReporter r = reporter(DestinationAuthorizer.allowAll(), new FailureReportLog.RateLimits(10, 10,
                Duration.ofHours(1)));
        r.offer(failed("v=DMARC1; p=reject; fo=0:d; ruf=mailto:a@example.com,mailto:b@example.com", 1));
        assertThat(r.drain(30_000)).isTrue();
        assertThat(handedOff).extracting(FailureReportMessage::recipient)
                .containsExactlyInAnyOrder("a@example.com", "b@example.com", "a@example.com", "b@example.com");
        assertThat(handedOff).extracting(m -> new String(m.content(), StandardCharsets.US_ASCII).contains(
                "Auth-Failure: signature")).containsExactlyInAnyOrder(true, true, false, false);
        assertThat(handedOff.get(0).envelopeFrom()).isEqualTo("dmarc@receiver.example");
        assertThat(new String(handedOff.get(0).content(), StandardCharsets.US_ASCII))
                .contains("Delivery-Result: reject").contains("Source-IP: 192.0.2.7")
                .doesNotContain("y@receiver.example");
        assertThat(r.counters().sent()).isEqualTo(4);
        assertThat(new FailureReportLog(store).counts(T0)).containsEntry(FailureReportLog.Outcome.SENT, 4L);
    }

    @Test
    void the_same_message_offered_twice_is_reported_once() throws Exception {
        FailureReporter r = reporter(DestinationAuthorizer.allowAll(), FailureReportLog.RateLimits.defaults());
        FailedMessage m = failed("v=DMARC1; p=reject; ruf=mailto:a@example.com", 1);
        r.offer(m);
        r.offer(m);
        assertThat(r.drain(30_000)).isTrue();
        assertThat(handedOff).hasSize(1);
        assertThat(r.counters().duplicate()).isEqualTo(1);
    }

    @Test
    void a_burst_is_cut_to_the_rate_limit() throws Exception {
        FailureReporter r = reporter(DestinationAuthorizer.allowAll(), FailureReportLog.RateLimits.defaults());
        for (int i = 0; i < 50; i++) {
            r.offer(failed("v=DMARC1; p=reject; ruf=mailto:a@example.com", i));
        }
        assertThat(r.drain(60_000)).isTrue();
        assertThat(handedOff).hasSize(1);
        assertThat(r.counters().rateLimited()).isEqualTo(49);
        assertThat(events).as("the listener (metrics) hears each").filteredOn(FailureReportListener.Event.RATE_LIMITED::equals)
                .hasSize(49);
        assertThat(events).filteredOn(FailureReportListener.Event.SENT::equals).hasSize(1);
        assertThat(new FailureReportLog(store).counts(T0)).containsEntry(FailureReportLog.Outcome.RATE_LIMITED, 49L);
    }

    @Test
    void an_unverified_external_destination_gets_nothing() throws Exception {
        FailureReporter r = reporter((domain, host) -> host.equals(domain)
                ? new DestinationAuthorizer.Authorization.Allowed(Optional.empty(), "same")
                : new DestinationAuthorizer.Authorization.Refused("external destination not authorized"),
                FailureReportLog.RateLimits.defaults());
        r.offer(failed("v=DMARC1; p=reject; ruf=mailto:a@example.com,mailto:spy@elsewhere.example", 1));
        assertThat(r.drain(30_000)).isTrue();
        assertThat(handedOff).extracting(FailureReportMessage::recipient).containsExactly("a@example.com");
        assertThat(r.counters().unauthorized()).isEqualTo(1);
        assertThat(events).containsExactlyInAnyOrder(FailureReportListener.Event.SENT,
                FailureReportListener.Event.UNAUTHORIZED);
        assertThat(new FailureReportLog(store).recent(10)).filteredOn(e -> e.key().destination().startsWith("spy"))
                .singleElement().extracting(FailureReportLog.Entry::outcome)
                .isEqualTo(FailureReportLog.Outcome.UNAUTHORIZED);
    }

    @Test
    void a_full_queue_drops_and_counts_and_a_failed_hand_off_is_counted_failed() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FailureReporter r = reporter(DestinationAuthorizer.allowAll(), new FailureReportLog.RateLimits(10, 10,
                Duration.ofHours(1)), 1, m -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new HandOff.Failed("refused");
                });
        for (int i = 0; i < 5; i++) {
            r.offer(failed("v=DMARC1; p=reject; ruf=mailto:a@example.com", i));
        }
        // One in the worker (perhaps not yet taken: then one more dropped), one queued, the rest dropped.
        assertThat(r.counters().dropped()).isBetween(2L, 3L);
        release.countDown();
        assertThat(r.drain(30_000)).isTrue();
        assertThat(r.counters().failed()).isEqualTo(5 - r.counters().dropped());
        assertThat(events).filteredOn(FailureReportListener.Event.DROPPED::equals).hasSize((int) r.counters().dropped());
        assertThat(events).filteredOn(FailureReportListener.Event.FAILED::equals).hasSize((int) r.counters().failed());
    }

    @Test
    void the_report_carries_the_spf_record_the_check_kept_and_the_signatures_identity() throws Exception {
        FailedMessage m = failed("v=DMARC1; p=reject; fo=0:d:s; ruf=mailto:a@example.com", 1);
        for (var type : org.jamesdmarc.policy.FailureReportType.values()) {
            FailureReport report = FailureReporter.report(m, type, DomainName.of("example.com"));
            assertThat(report.spfRecord()).as("%s", type).contains("v=spf1 ip4:198.51.100.0/24 -all");
        }
        FailureReport dkim = FailureReporter.report(m, org.jamesdmarc.policy.FailureReportType.DKIM,
                DomainName.of("example.com"));
        assertThat(dkim.dkim()).flatMap(DkimOutcome::identity).contains("@mail.example.com");
        assertThat(dkim.spfRecord()).as("the failed aligned SPF identifier, named in every report")
                .contains("v=spf1 ip4:198.51.100.0/24 -all");
    }

    @Test
    void a_dmarc_pass_with_fo0_makes_no_failed_message() throws Exception {
        InMemoryDnsClient dns = new InMemoryDnsClient().dmarc("example.com", "v=DMARC1; p=reject; ruf=mailto:a@example.com");
        SpfOutcome spf = new SpfOutcome(SpfResult.PASS, DomainName.parse("example.com"), SpfScope.MFROM);
        DmarcEvaluation e = new DmarcEvaluator(dns, EvaluationOptions.defaults()).evaluate("example.com", spf, List.of());
        CheckOutcome.Evaluated outcome = new CheckOutcome.Evaluated(e, spf, List.of(), ResultSource.SELF,
                ResultSource.SELF, new ClientIdentity(InetAddress.getByName("192.0.2.7"), "h", false), "x", List.of());
        assertThat(FailedMessage.of(new MessageKey("0123456789abcdef0123456789abcdef"), T0, outcome, Optional.empty(),
                new byte[0], Optional.of(ActionTaken.DELIVERED))).isEmpty();
    }

    @Test
    void only_the_header_section_waits_in_the_queue_by_default() throws Exception {
        FailedMessage m = failed("v=DMARC1; p=reject; ruf=mailto:a@example.com", 1);
        FailedMessage cut = FailureReporter.headersOnly(m);
        String kept = new String(cut.message(), StandardCharsets.US_ASCII);
        assertThat(kept).startsWith("From: x@example.com\r\n").endsWith("Subject: s\r\n").doesNotContain("body");
        assertThat(cut.key()).isEqualTo(m.key());
        assertThat(FailureReporter.headersOnly(cut).message()).isEqualTo(cut.message());
    }
}
