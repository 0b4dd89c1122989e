package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.reporting.aggregate.ReportFormat;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.jamesdmarc.reporting.delivery.DeliveryFixtures;
import org.jamesdmarc.reporting.delivery.HandOff;
import org.jamesdmarc.reporting.delivery.ReportMail;
import org.jamesdmarc.reporting.delivery.ReportMessage;
import org.junit.jupiter.api.Test;

class MailetContextReportOutboundTest {

    private static ReportMessage message() {
        Reporter reporter = new Reporter("Example Receiver", "dmarc-reports@mx.example.net", Optional.empty(),
                DomainName.of("mx.example.net"), "test");
        return ReportMail.compose(reporter, DomainName.of("example.com"), DeliveryFixtures.DAY, ReportFormat.RFC9990,
                "rua@example.com", new byte[] {31, -117, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                Instant.parse("2026-12-02T00:30:00Z"));
    }

    @Test
    void queuesOneMailWithTheEnvelopeTheMarkerAndTheMessageAsComposedIntoRoot() throws Exception {
        FakeMailContext context = FakeMailContext.defaultContext();
        ReportMessage message = message();

        HandOff h = new MailetContextReportOutbound(context).handOff(message);

        assertThat(h).isInstanceOf(HandOff.Accepted.class);
        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail sent = context.getSentMails().get(0);
        assertThat(sent.getSender()).isEqualTo(new MailAddress("dmarc-reports@mx.example.net"));
        assertThat(sent.getRecipients()).containsExactly(new MailAddress("rua@example.com"));
        assertThat(sent.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(sent.getAttributes()).containsEntry(MailetContextReportOutbound.REPORT,
                new Attribute(MailetContextReportOutbound.REPORT, AttributeValue.of(message.reportId().value())));
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        sent.getMsg().writeTo(written);
        assertThat(written.toString(StandardCharsets.US_ASCII))
                .as("the message goes out byte for byte as composed (Message-ID included)")
                .isEqualTo(new String(message.content(), StandardCharsets.US_ASCII));
        assertThat(sent.getMsg().getMessageID()).isEqualTo("<" + message.messageId() + ">");
    }

    @Test
    void theMailKeepsItsAttributesForSendMailOfAMail() throws Exception {
        Mail mail = MailetContextReportOutbound.toMail(message());
        assertThat(MailetContextReportOutbound.isReportMail(mail)).isTrue();
        assertThat(MailetContextReportOutbound.reportId(mail)).contains(message().reportId().value());
        assertThat(mail.getState()).isEqualTo("root");
    }

    @Test
    void aContextThatRefusesDefersAndNeverThrows() throws Exception {
        MailetContext context = mock(MailetContext.class);
        doThrow(new MessagingException("spool is full")).when(context).sendMail(any(Mail.class));

        HandOff h = new MailetContextReportOutbound(context).handOff(message());

        assertThat(h).isInstanceOf(HandOff.Deferred.class);
        assertThat(((HandOff.Deferred) h).reason()).contains("spool is full");
    }

    @Test
    void aRuntimeFailureDefersToo() throws Exception {
        MailetContext context = mock(MailetContext.class);
        doThrow(new IllegalStateException("queue closed")).when(context).sendMail(any(Mail.class));

        assertThat(new MailetContextReportOutbound(context).handOff(message())).isInstanceOf(HandOff.Deferred.class);
    }
}
