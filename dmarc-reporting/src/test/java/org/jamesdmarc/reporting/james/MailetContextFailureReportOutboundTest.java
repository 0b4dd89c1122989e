package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;
import org.jamesdmarc.reporting.delivery.HandOff;
import org.jamesdmarc.reporting.failure.FailureReportMessage;
import org.junit.jupiter.api.Test;

class MailetContextFailureReportOutboundTest {

    private static final String CONTENT = "From: <dmarc@receiver.example>\r\nTo: <ruf@example.com>\r\n"
            + "Subject: DMARC failure report for example.com (dmarc)\r\nMessage-ID: <abc.dmarc@receiver.example>\r\n"
            + "\r\nbody\r\n";

    private static FailureReportMessage message() {
        return new FailureReportMessage("dmarc@receiver.example", "ruf@example.com", "abc.dmarc@receiver.example",
                CONTENT.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void queuesOneMarkedMailIntoRootAsComposed() throws Exception {
        FakeMailContext context = FakeMailContext.defaultContext();

        HandOff h = new MailetContextFailureReportOutbound(context).handOff(message());

        assertThat(h).isInstanceOf(HandOff.Accepted.class);
        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail sent = context.getSentMails().get(0);
        assertThat(sent.getSender()).isEqualTo(new MailAddress("dmarc@receiver.example"));
        assertThat(sent.getRecipients()).containsExactly(new MailAddress("ruf@example.com"));
        assertThat(sent.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(sent.getAttributes()).containsEntry(MailetContextReportOutbound.REPORT,
                new Attribute(MailetContextReportOutbound.REPORT,
                        AttributeValue.of("failure-report abc.dmarc@receiver.example")));
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        sent.getMsg().writeTo(written);
        assertThat(written.toString(StandardCharsets.US_ASCII)).isEqualTo(CONTENT);
    }

    @Test
    void theMarkerMakesItReportMailForTheCheckAndTheHistory() throws Exception {
        assertThat(MailetContextReportOutbound.isReportMail(MailetContextFailureReportOutbound.toMail(message())))
                .isTrue();
    }

    @Test
    void aContextThatRefusesFailsAndNeverThrows() throws Exception {
        MailetContext context = mock(MailetContext.class);
        doThrow(new MessagingException("spool is full")).when(context).sendMail(any(Mail.class));

        HandOff h = new MailetContextFailureReportOutbound(context).handOff(message());

        assertThat(h).isInstanceOf(HandOff.Failed.class);
        assertThat(((HandOff.Failed) h).reason()).contains("spool is full");
    }
}
