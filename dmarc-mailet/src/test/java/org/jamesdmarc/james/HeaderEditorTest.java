package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

class HeaderEditorTest {

    /** Counts the field comparisons javax.mail's removeHeader makes (it scans every field once per call). */
    private static final class CountingMessage extends MimeMessage {
        long scannedFields;

        CountingMessage(String raw) throws MessagingException {
            super(Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
        }

        @Override
        public void removeHeader(String name) throws MessagingException {
            scannedFields += Collections.list(getAllHeaderLines()).size();
            super.removeHeader(name);
        }
    }

    @Test
    void aHeaderOfManyDistinctFieldNamesIsEditedInBoundedWork() throws Exception {
        int n = 20_000;
        StringBuilder raw = new StringBuilder("Authentication-Results: mx.example.org; dmarc=pass header.from=bank.example\r\n")
                .append("Authentication-Results: upstream.example; spf=pass smtp.mailfrom=bank.example\r\n");
        for (int i = 0; i < n; i++) {
            raw.append("X-Field-").append(i).append(": v\r\n");
        }
        raw.append("From: a@bank.example\r\n\r\nbody\r\n");
        CountingMessage message = new CountingMessage(raw.toString());

        HeaderEditor.apply(message, List.of(0), List.of(new HeaderEditor.Field("Authentication-Results",
                "mx.example.org; dmarc=fail header.from=bank.example")));

        // Moving each of the 20 000 names below our field would scan the header 20 000 times (quadratic).
        assertThat(message.scannedFields).isLessThanOrEqualTo(10L * (n + 10));
        String[] ar = message.getHeader("Authentication-Results");
        assertThat(ar).containsExactly("mx.example.org; dmarc=fail header.from=bank.example",
                "upstream.example; spf=pass smtp.mailfrom=bank.example");
        assertThat(message.getHeader("X-Field-19999")).containsExactly("v");
        assertThat(message.getHeader("From")).containsExactly("a@bank.example");
        assertThat(Collections.list(message.getAllHeaderLines())).hasSize(n + 3);
    }
}
