package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.store.Records;
import org.junit.jupiter.api.Test;

class DmarcHistoryTest {

    private final List<EvaluationRecord> accepted = new CopyOnWriteArrayList<>();

    private DmarcHistory mailet(String action) throws MessagingException {
        DmarcHistory mailet = new DmarcHistory(accepted::add);
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DmarcHistory");
        if (action != null) {
            config.setProperty("action", action);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mailWith(EvaluationRecord record) throws MessagingException {
        return FakeMail.builder().name("mail-1").recipients("bob@example.org").state(Mail.DEFAULT)
                .attribute(new Attribute(DmarcHistory.EVALUATION, AttributeValue.of(EvaluationRecordCodec.encode(record))))
                .build();
    }

    @Test
    void recordsTheEvaluationWithTheActionDeliveredByDefault() throws Exception {
        EvaluationRecord checked = Records.record(3).withAction(ActionTaken.DELIVERED);
        FakeMail mail = mailWith(checked.withAction(ActionTaken.TAGGED)); // whatever the check put there

        mailet(null).service(mail);

        assertThat(accepted).containsExactly(checked);
    }

    @Test
    void recordsTheConfiguredAction() throws Exception {
        EvaluationRecord checked = Records.record(4).withAction(ActionTaken.DELIVERED);

        mailet("quarantined").service(mailWith(checked));
        mailet(" Tagged ").service(mailWith(checked));
        mailet("delivered").service(mailWith(checked));

        assertThat(accepted).extracting(EvaluationRecord::action)
                .containsExactly(ActionTaken.QUARANTINED, ActionTaken.TAGGED, ActionTaken.DELIVERED);
        assertThat(accepted).allSatisfy(r -> assertThat(r.withAction(ActionTaken.DELIVERED)).isEqualTo(checked));
    }

    @Test
    void refusesAnUnknownActionAndRejectedWhichIsTheHooks() {
        assertThatThrownBy(() -> mailet("bounced")).isInstanceOf(MessagingException.class)
                .hasMessage("DmarcHistory parameter action='bounced': expected delivered, quarantined, tagged");
        assertThatThrownBy(() -> mailet("rejected")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("rejections are recorded by DmarcMessageHook");
    }

    @Test
    void aMailWithoutTheAttributeRecordsNothing() throws Exception {
        mailet(null).service(FakeMail.builder().name("m").recipients("bob@example.org").build());
        assertThat(accepted).isEmpty();
    }

    @Test
    void aMalformedAttributeRecordsNothingAndTheMailGoesOnUnchanged() throws Exception {
        DmarcHistory mailet = mailet("quarantined");
        FakeMail damaged = FakeMail.builder().name("damaged").recipients("bob@example.org").state("transport")
                .attribute(new Attribute(DmarcHistory.EVALUATION, AttributeValue.of(new byte[] {1, 2, 3})))
                .build();
        FakeMail wrongType = FakeMail.builder().name("string").recipients("bob@example.org").state("transport")
                .attribute(new Attribute(DmarcHistory.EVALUATION, AttributeValue.of("not bytes")))
                .build();

        mailet.service(damaged);
        mailet.service(wrongType);

        assertThat(accepted).isEmpty();
        assertThat(damaged.getState()).isEqualTo("transport");
        assertThat(wrongType.getState()).isEqualTo("transport");
        assertThat(damaged.getAttribute(DmarcHistory.EVALUATION)).isPresent();
    }

    @Test
    void keepsTheAttributeAndTheStateAndNeverThrows() throws Exception {
        DmarcHistory failing = new DmarcHistory(record -> {
            throw new IllegalStateException("a sink must not throw, but if it does");
        });
        failing.init(FakeMailetConfig.builder().mailetName("DmarcHistory").build());
        FakeMail mail = mailWith(Records.record(5));

        failing.service(mail);
        mailet(null).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(mail.getAttribute(DmarcHistory.EVALUATION)).as("left for a later DmarcHistory").isPresent();
        assertThat(accepted).hasSize(1);
    }

    @Test
    void reportMailRecordsNothingEvenWithAnEvaluation() throws Exception {
        FakeMail mail = mailWith(Records.record(5));
        mail.setAttribute(new Attribute(MailetContextReportOutbound.REPORT, AttributeValue.of("id-1@example.net")));

        mailet("delivered").service(mail);

        assertThat(accepted).as("report mail never enters the history").isEmpty();
        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
    }

    @Test
    void theReportMarkerIsTheCoresAttribute() {
        assertThat(MailetContextReportOutbound.REPORT).isEqualTo(org.jamesdmarc.james.DmarcAttributes.REPORT);
    }

    @Test
    void theAttributeNameIsTheOneTheCheckSets() {
        assertThat(DmarcHistory.EVALUATION.asString()).isEqualTo("org.jamesdmarc.evaluation");
    }
}
