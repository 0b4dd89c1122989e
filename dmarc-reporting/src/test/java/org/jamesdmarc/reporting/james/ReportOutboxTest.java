package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.reporting.delivery.DeliveryFixtures;
import org.jamesdmarc.reporting.delivery.DestinationAuthorizer;
import org.jamesdmarc.reporting.delivery.ReportRun;
import org.jamesdmarc.reporting.delivery.RunResult;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.ReportLedger.State;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report outbox with James's own memory mail repository, a real ledger (H2) filled by a real run through
 * {@link MailetContextReportOutbound}, and the two mailets that report back ({@link DmarcReportDelivered},
 * {@link DmarcReportBounce}). The mailet context records what is handed to it.
 */
class ReportOutboxTest {

    @TempDir
    Path tmp;
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();
    private ReportDatabase database;
    private final MemoryMailRepository repository = new MemoryMailRepository();
    private final ReportOutbox outbox = new ReportOutbox(Optional.of("memory://var/mail/dmarc-report-outbox/"),
            url -> repository);
    private final List<Mail> sent = new ArrayList<>();
    private ReportLedger ledger;

    @BeforeEach
    void handOffTheReportsOfTwoDomains() throws Exception {
        database = stores.closeAfter(
                new ReportDatabase(stores.database(Backend.H2, tmp).config(), JdbcHistoryStore::open));
        JdbcHistoryStore store = database.store();
        store.write(DeliveryFixtures.passing(2));
        ledger = new ReportLedger(store);
        RunResult r = run(new MailetContextReportOutbound(recordingContext(sent), outbox));
        assertThat(r.handedOff()).isEqualTo(DeliveryFixtures.destinations(2));
    }

    @AfterEach
    void close() {
        sent.forEach(m -> ((MailImpl) m).dispose());
    }

    private RunResult run(MailetContextReportOutbound outbound) {
        ReportRun run = new ReportRun(database.store(), ReportRun.reporter(DeliveryFixtures.settings()),
                DeliveryFixtures.settings(), DestinationAuthorizer.allowAll(), DeliveryFixtures.CLOCK);
        return run.send(run.duePeriods(Optional.of(DeliveryFixtures.DAY.begin())), Optional.empty(), outbound);
    }

    /** A mailet context whose {@code sendMail(Mail)} keeps a copy of the mail, as James's spool does. */
    private static MailetContext recordingContext(List<Mail> into) {
        return (MailetContext) Proxy.newProxyInstance(ReportOutboxTest.class.getClassLoader(),
                new Class<?>[] {MailetContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendMail") && args.length == 1 && args[0] instanceof Mail m) {
                        into.add(MailImpl.duplicate(m));
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String reportId(Mail m) {
        return MailetContextReportOutbound.reportId(m).orElseThrow();
    }

    private static String destination(Mail m) {
        return m.getRecipients().iterator().next().asString();
    }

    /** The outbox key of a report mail, from its attribute and recipient (a duplicated mail has another name). */
    private static String key(Mail m) {
        return ReportOutbox.key(reportId(m), destination(m));
    }

    private Optional<State> state(Mail m) {
        return ledger.stateOf(reportId(m), destination(m));
    }

    @Test
    void eachReportIsKeptUnderItsKeyBeforeJamesGetsIt() throws Exception {
        assertThat(sent).hasSize(DeliveryFixtures.destinations(2));
        assertThat(outbox.keys()).containsExactlyInAnyOrderElementsOf(sent.stream().map(ReportOutboxTest::key)
                .toList());
        for (Mail m : sent) {
            assertThat(m.getName()).as("named by its key (the copy James keeps adds a suffix)").startsWith(key(m));
            assertThat(state(m)).contains(State.HANDED_OFF);
            Mail kept = repository.retrieve(new org.apache.james.mailrepository.api.MailKey(key(m)));
            assertThat(kept.getName()).isEqualTo(key(m));
            assertThat(kept.getMessage().getMessageID()).isEqualTo(m.getMessage().getMessageID());
            assertThat(reportId(kept)).isEqualTo(reportId(m));
        }
        assertThat(ReportOutbox.key("a@b", "x@y")).startsWith("dmarc-report-").hasSize(13 + 32)
                .isNotEqualTo(ReportOutbox.key("a@b", "z@y"));
    }

    @Test
    void aDeliveredReportIsRecordedDeliveredAndLeavesTheOutbox() throws Exception {
        Mail first = MailImpl.duplicate(sent.get(0));
        first.setState("relay-delivered");
        DmarcReportDelivered mailet = new DmarcReportDelivered(() -> new ReportLedger(database.store()), outbox,
                DeliveryFixtures.CLOCK);
        mailet.init(FakeMailetConfig.builder().mailetName("DmarcReportDelivered").build());

        mailet.service(first);

        assertThat(state(first)).contains(State.DELIVERED);
        assertThat(first.getState()).as("consumed by default").isEqualTo(Mail.GHOST);
        assertThat(outbox.keys()).doesNotContain(key(first)).hasSize(sent.size() - 1);
        assertThat(state(sent.get(1))).as("the others untouched").contains(State.HANDED_OFF);
        ((MailImpl) first).dispose();
    }

    @Test
    void beforeLocalDeliveryTheMailGoesOn() throws Exception {
        Mail first = MailImpl.duplicate(sent.get(0));
        first.setState("local-delivery");
        DmarcReportDelivered mailet = new DmarcReportDelivered(() -> new ReportLedger(database.store()), outbox,
                DeliveryFixtures.CLOCK);
        mailet.init(FakeMailetConfig.builder().mailetName("DmarcReportDelivered")
                .setProperty(DmarcReportDelivered.CONSUME, "false").build());

        mailet.service(first);

        assertThat(state(first)).contains(State.DELIVERED);
        assertThat(first.getState()).isEqualTo("local-delivery");
        assertThat(outbox.keys()).doesNotContain(key(first));
        ((MailImpl) first).dispose();
    }

    @Test
    void aBouncedReportIsRecordedFailedAndLeavesTheOutbox() throws Exception {
        Mail first = MailImpl.duplicate(sent.get(0));
        DmarcReportBounce mailet = new DmarcReportBounce(() -> new ReportLedger(database.store()), outbox,
                DeliveryFixtures.CLOCK);
        mailet.init(FakeMailetConfig.builder().mailetName("DmarcReportBounce").build());

        mailet.service(first);

        assertThat(state(first)).contains(State.FAILED);
        assertThat(outbox.keys()).doesNotContain(key(first)).hasSize(sent.size() - 1);
        ((MailImpl) first).dispose();
    }

    @Test
    void atStartUpWhatIsStillKeptAndHandedOffGoesToJamesAgainUnchanged() throws Exception {
        List<Mail> again = new ArrayList<>();

        ReportOutbox.Resent r = outbox.resend(recordingContext(again), ledger);

        assertThat(r).isEqualTo(new ReportOutbox.Resent(sent.size(), 0, 0));
        assertThat(again).hasSameSizeAs(sent);
        for (Mail m : sent) {
            Mail resent = again.stream().filter(x -> key(x).equals(key(m))).findFirst().orElseThrow();
            assertThat(resent.getMessage().getMessageID()).isEqualTo(m.getMessage().getMessageID());
            assertThat(resent.getMessage().getSubject()).isEqualTo(m.getMessage().getSubject());
            assertThat(resent.getRecipients()).isEqualTo(m.getRecipients());
            assertThat(resent.getMaybeSender()).isEqualTo(m.getMaybeSender());
            assertThat(reportId(resent)).isEqualTo(reportId(m));
            assertThat(resent.getState()).isEqualTo(Mail.DEFAULT);
        }
        assertThat(outbox.keys()).as("kept until RemoteDelivery reports back").hasSameSizeAs(sent);
        again.forEach(m -> ((MailImpl) m).dispose());
    }

    @Test
    void atStartUpCopiesOfFinishedRowsAreRemovedAndRowsARunSendsAgainAreLeftToIt() throws Exception {
        Mail delivered = sent.get(0);
        Mail failed = sent.get(1);
        Mail sending = sent.get(2);
        // A crash after the ledger was updated and before the copy was removed.
        assertThat(ledger.deliveredAfterHandOff(reportId(delivered), destination(delivered),
                DeliveryFixtures.CLOCK.instant())).isTrue();
        assertThat(ledger.failedAfterHandOff(reportId(failed), destination(failed), "550",
                DeliveryFixtures.CLOCK.instant())).isTrue();
        // A row a run claimed again (it re-sends it, replacing the copy).
        ReportLedger.Entry row = ledger.list(Optional.empty(), 100).stream()
                .filter(e -> e.reportId().equals(reportId(sending)) && e.destination().equals(destination(sending)))
                .findFirst().orElseThrow();
        ledger.record(row.key(), State.SENDING, Optional.empty(), Optional.empty(), DeliveryFixtures.CLOCK.instant());
        List<Mail> again = new ArrayList<>();

        ReportOutbox.Resent r = outbox.resend(recordingContext(again), ledger);

        assertThat(r).isEqualTo(new ReportOutbox.Resent(sent.size() - 3, 2, 1));
        assertThat(again).extracting(ReportOutboxTest::key).doesNotContain(key(delivered), key(failed), key(sending));
        assertThat(outbox.keys()).doesNotContain(key(delivered), key(failed)).contains(key(sending));
        again.forEach(m -> ((MailImpl) m).dispose());
    }

    @Test
    void deliveredNeverOverwritesAFailedRow() {
        Mail m = sent.get(0);
        ledger.failedAfterHandOff(reportId(m), destination(m), "550", DeliveryFixtures.CLOCK.instant());

        assertThat(ledger.deliveredAfterHandOff(reportId(m), destination(m), DeliveryFixtures.CLOCK.instant()))
                .isFalse();
        assertThat(state(m)).contains(State.FAILED);
        assertThat(ledger.stateOf("no-such-report", destination(m))).isEmpty();
    }

    @Test
    void aReportThatCannotBeKeptIsNotHandedToJames() throws Exception {
        for (ReportLedger.Entry e : ledger.list(Optional.empty(), 100)) { // due again
            ledger.record(e.key(), State.PENDING, Optional.empty(), Optional.empty(), DeliveryFixtures.CLOCK.instant());
        }
        List<Mail> more = new ArrayList<>();
        ReportOutbox broken = new ReportOutbox(Optional.of("file://nowhere/"), url -> {
            throw new MessagingException("disk full");
        });

        RunResult r = run(new MailetContextReportOutbound(recordingContext(more), broken));

        assertThat(r.handedOff()).isZero();
        assertThat(r.deferred()).isEqualTo(sent.size());
        assertThat(more).as("nothing handed over without its copy").isEmpty();
        assertThat(ledger.list(Optional.of(State.DEFERRED), 100)).hasSameSizeAs(sent).allSatisfy(e ->
                assertThat(e.reason()).hasValueSatisfying(reason -> assertThat(reason).contains("disk full")));
    }

    @Test
    void withoutReportOutboxNothingIsKept() throws Exception {
        ReportOutbox none = ReportOutbox.none();
        assertThat(none.enabled()).isFalse();
        none.keep(sent.get(0));
        none.release(reportId(sent.get(0)), destination(sent.get(0)));
        assertThat(none.keys()).isEmpty();
        assertThat(none.resend(recordingContext(new ArrayList<>()), ledger))
                .isEqualTo(new ReportOutbox.Resent(0, 0, 0));
    }
}
