package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.james.jdkim.impl.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DkimMessage} reads a message exactly as jDKIM 0.3's own {@code Message} does (that is what the
 * signatures are verified against): the same fields, in the same form, and the same body octets.
 */
class DkimMessageTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nbody\r\n",
            "From: a@example.com\nTo: b@example.org\nSubject: LF only\n\nline 1\nline 2\n",
            "From: a@example.com\r\nSubject: folded\r\n\tcontinued  here \r\n  and here\r\nX-Empty:\r\n\r\nbody",
            "From : obsolete@example.com\r\nfrom: second@example.com\r\nDKIM-Signature: v=1; a=rsa-sha256;\r\n b=abc\r\n\r\n",
            "Subject: caf\u00e9 8bit\r\nFrom: a@example.com\r\n\r\n\u00e9t\u00e9\r\n\r\n\r\n",
            "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\npart\r\n--x--\r\n",
            "From: a@example.com\r\n\r\n",
            "From: a@example.com\r\nbare\rcr: x\r\n\r\nbody\rwith cr\r\n",
            "no header line at all\r\n\r\nbody",
    })
    void readsAMessageAsJdkimsMessageDoes(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Message jdkim = new Message(new ByteArrayInputStream(bytes));
        DkimMessage ours = DkimMessage.parse(bytes);

        assertThat(ours.getFields()).isEqualTo(jdkim.getFields());
        for (String name : List.of("From", "from", "Subject", "To", "DKIM-Signature", "X-Empty", "Missing")) {
            assertThat(ours.getFields(name)).as(name).isEqualTo(jdkim.getFields(name));
        }
        assertThat(read(ours.getBodyInputStream())).isEqualTo(read(jdkim.getBodyInputStream()));
        ours.dispose();
        jdkim.dispose();
    }

    private static byte[] read(InputStream in) throws Exception {
        if (in == null) {
            return null;
        }
        try (in) {
            return in.readAllBytes();
        }
    }
}
