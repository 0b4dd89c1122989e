package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.jamesdmarc.mail.HeaderField;
import org.junit.jupiter.api.Test;

class MessageContextTest {

    private static MessageContext context(String message) throws Exception {
        return new MessageContext(InetAddress.getByName("192.0.2.1"), "helo.example", Optional.empty(), false,
                message.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theHeaderIsReadOnceAndKept() throws Exception {
        MessageContext c = context("From: a@b.example\r\nMessage-ID: <1@b.example>\r\n\r\nbody\r\n");
        assertThat(c.header()).isSameAs(c.header());
        assertThat(c.header().fields()).containsExactly(new HeaderField("From", "a@b.example"),
                new HeaderField("Message-ID", "<1@b.example>"));
    }

    @Test
    void aHeaderOfAnotherMessageIsNotTakenOver() throws Exception {
        MessageContext first = context("From: a@first.example\r\n\r\n");
        first.header();
        byte[] other = "From: a@second.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        MessageContext second = new MessageContext(first.clientAddress(), first.helo(), first.mailFrom(),
                first.authenticated(), other, first.headerOnce());
        assertThat(second.header().fields()).containsExactly(new HeaderField("From", "a@second.example"));
        assertThat(first.header().fields()).containsExactly(new HeaderField("From", "a@first.example"));
    }

    @Test
    void theSameMessageArraySharesItsReading() throws Exception {
        MessageContext first = context("From: a@b.example\r\n\r\n");
        MessageContext copy = new MessageContext(first.clientAddress(), "other", first.mailFrom(), true,
                first.message(), first.headerOnce());
        assertThat(copy.header()).isSameAs(first.header());
    }
}
