package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.reporting.delivery.DeliveryFixtures;
import org.jamesdmarc.reporting.delivery.DestinationAuthorizer;
import org.jamesdmarc.reporting.delivery.HandOff;
import org.jamesdmarc.reporting.delivery.ReportRun;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportLedger;
import org.jamesdmarc.store.StoreException;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The bounce mailet against a real ledger (H2) filled by a real run. */
class DmarcReportBounceTest {

    @TempDir
    Path tmp;
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();
    private ReportDatabase database;

    /** A ledger with the reports of 1 domain handed off; returns one (Report-ID, destination) row. */
    private ReportLedger.Entry handedOff() {
        database = stores.closeAfter(
                new ReportDatabase(stores.database(Backend.H2, tmp).config(), JdbcHistoryStore::open));
        JdbcHistoryStore store = database.store();
        store.write(DeliveryFixtures.passing(1));
        ReportRun run = new ReportRun(store, ReportRun.reporter(DeliveryFixtures.settings()),
                DeliveryFixtures.settings(), DestinationAuthorizer.allowAll(), DeliveryFixtures.CLOCK);
        run.send(run.duePeriods(Optional.of(DeliveryFixtures.DAY.begin())), Optional.empty(),
                m -> new HandOff.Accepted("queued"));
        List<ReportLedger.Entry> rows = new ReportLedger(store).list(Optional.of(ReportLedger.State.HANDED_OFF), 10);
        assertThat(rows).isNotEmpty();
        return rows.get(0);
    }

    private DmarcReportBounce mailet(String consume) throws MessagingException {
        DmarcReportBounce m = new DmarcReportBounce(() -> new ReportLedger(database.store()),
                DeliveryFixtures.CLOCK);
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DmarcReportBounce");
        if (consume != null) {
            config.setProperty(DmarcReportBounce.CONSUME, consume);
        }
        m.init(config.build());
        return m;
    }

    private static FakeMail bounced(String reportId, String recipient) throws MessagingException {
        return FakeMail.builder().name("bounce-1").sender("dmarc-reports@mx.example.net").recipient(recipient)
                .state("bounces")
                .attribute(new Attribute(MailetContextReportOutbound.REPORT, AttributeValue.of(reportId)))
                .attribute(new Attribute(DmarcReportBounce.DELIVERY_ERROR,
                        AttributeValue.of("550 5.1.1 no such user")))
                .attribute(new Attribute(DmarcReportBounce.DELIVERY_ERROR_CODE, AttributeValue.of(550)))
                .build();
    }

    @Test
    void aBouncedReportIsRecordedFailedWithRemoteDeliverysReason() throws Exception {
        ReportLedger.Entry row = handedOff();
        FakeMail mail = bounced(row.reportId(), row.destination());

        mailet(null).service(mail);

        ReportLedger.Entry after = new ReportLedger(database.store()).find(row.key()).orElseThrow();
        assertThat(after.state()).isEqualTo(ReportLedger.State.FAILED);
        assertThat(after.reason()).contains("RemoteDelivery: 550 550 5.1.1 no such user");
        assertThat(mail.getState()).as("goes on by default").isEqualTo("bounces");
    }

    @Test
    void consumeEndsTheReportMailOnceRecorded() throws Exception {
        ReportLedger.Entry row = handedOff();
        FakeMail mail = bounced(row.reportId(), row.destination());

        mailet("true").service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void otherMailPassesUntouched() throws Exception {
        handedOff();
        FakeMail mail = FakeMail.builder().name("other").sender("alice@example.com").recipient("bob@example.org")
                .state("bounces")
                .attribute(new Attribute(DmarcReportBounce.DELIVERY_ERROR, AttributeValue.of("550 no")))
                .build();

        mailet("true").service(mail);

        assertThat(mail.getState()).isEqualTo("bounces");
        assertThat(mail.attributeNames().map(n -> n.asString()))
                .containsExactly(DmarcReportBounce.DELIVERY_ERROR_NAME);
        assertThat(new ReportLedger(database.store()).list(Optional.of(ReportLedger.State.FAILED), 10)).isEmpty();
    }

    @Test
    void anUnknownReportIsLoggedAndTheMailGoesOn() throws Exception {
        handedOff();
        FakeMail mail = bounced("nosuch@mx.example.net", "rua@d0.test");

        mailet("true").service(mail);

        assertThat(mail.getState()).as("nothing recorded: not consumed").isEqualTo("bounces");
    }

    @Test
    void aDatabaseFailureNeverFailsTheMail() throws Exception {
        DmarcReportBounce m = new DmarcReportBounce(() -> {
            throw new StoreException("connection refused");
        }, DeliveryFixtures.CLOCK);
        m.init(FakeMailetConfig.builder().mailetName("DmarcReportBounce").setProperty("consume", "true").build());
        FakeMail mail = bounced("id@mx.example.net", "rua@d0.test");

        m.service(mail);

        assertThat(mail.getState()).isEqualTo("bounces");
    }

    @Test
    void theReasonWithoutRemoteDeliverysAttributes() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipient("rua@d0.test").build();
        assertThat(DmarcReportBounce.reason(mail)).isEqualTo("RemoteDelivery: no delivery-error attribute");
        mail.setErrorMessage("Delivery failure");
        assertThat(DmarcReportBounce.reason(mail)).isEqualTo("RemoteDelivery: Delivery failure");
    }

    @Test
    void refusesAWrongConsumeValue() {
        assertThatThrownBy(() -> mailet("yes")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("consume='yes'");
    }

    @Test
    void theAttributeNamesAreRemoteDeliverysOf381() {
        assertThat(DmarcReportBounce.DELIVERY_ERROR.asString()).isEqualTo("delivery-error");
        assertThat(DmarcReportBounce.DELIVERY_ERROR_CODE.asString()).isEqualTo("delivery-error-code");
    }
}
