package org.jamesdmarc.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HeaderSection#firstValueAsJavaMail} gives what javax.mail's {@code MimeMessage.getHeader(name, null)} gives
 * for the same bytes whenever the section has no anomaly and the value is ASCII (the evaluation record's key used
 * javax.mail's reading of the Message-ID before, and must not change now that it comes from our own parse).
 */
class MessageIdAsJavaMailTest {

    private static final Session SESSION = Session.getDefaultInstance(new Properties());

    private static Optional<String> javaMail(String message) throws Exception {
        MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
        return Optional.ofNullable(m.getHeader("Message-ID", null));
    }

    private static HeaderSection parse(String message) {
        return HeaderSection.parse(message.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> ours(String message) {
        return parse(message).firstValueAsJavaMail("Message-ID");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "From: a@b.example\r\nMessage-ID: <1@b.example>\r\n\r\nbody\r\n",
        "Message-ID:<1@b.example>\r\n\r\n",
        "message-id:   <1@b.example>  \r\nSubject: x\r\n\r\n",
        "MESSAGE-ID\t: <1@b.example>\r\n\r\n",
        "Message-ID:\r\n <1@b.example>\r\n\r\n",
        "Message-ID: <1@\r\n b.example>\r\n\r\n",
        "Message-ID: \t\r\n\t<1@b.example>\r\n Comment\r\n\r\n",
        "Message-ID: <first@b.example>\r\nMessage-ID: <second@b.example>\r\n\r\n",
        "Message-ID:\r\n\r\n",
        "Message-ID: \r\nSubject: x\r\n\r\n",
        "Subject: x\r\n\r\nMessage-ID: <in-body@b.example>\r\n",
        "From: a@b.example\nMessage-ID: <lf@b.example>\n\nbody\n",
        "From: a@b.example\nMessage-ID:\n\t<lf-folded@b.example>\n\nbody\n",
        "X-Message-ID: <no@b.example>\r\nMessage-IDs: <no@b.example>\r\n\r\n",
    })
    void sameValueAsJavaMail(String message) throws Exception {
        assertThat(parse(message).anomalies()).isEmpty();
        assertThat(ours(message)).as(message).isEqualTo(javaMail(message));
    }

    @Test
    void absentWhenThereIsNoMessageId() throws Exception {
        String message = "From: a@b.example\r\nSubject: x\r\n\r\nMessage-ID: <body@b.example>\r\n";
        assertThat(ours(message)).isEmpty();
        assertThat(javaMail(message)).isEmpty();
    }

    @Test
    void keepsFoldsAfterTheLeadingSpaceAsJavaMailDoes() {
        assertThat(ours("Message-ID: \r\n <a@\r\n b>\r\n\r\n")).contains("<a@\r\n b>");
    }

    @Test
    void aLineWithoutAColonIsAHeaderToJavaMailAndAnAnomalyToUs() throws Exception {
        String message = "Message-ID\r\nMessage-ID: <real@b.example>\r\n\r\n";
        assertThat(javaMail(message)).contains("Message-ID");
        assertThat(parse(message).anomalies()).isNotEmpty();
    }

    @Test
    void randomHeaderSectionsWithoutAnomaliesGiveJavaMailsValue() throws Exception {
        Random random = new Random(20261202L);
        String[] pieces = {"Message-ID", "message-id", "Message-Id ", "X-Message-ID", "Subject", "From", ":", ": ",
            " ", "\t", "\r\n ", "\r\n\t", "<", ">", "@", "id", "b.example", "(c)", "\""};
        int compared = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            int lines = 1 + random.nextInt(5);
            for (int l = 0; l < lines; l++) {
                int parts = 1 + random.nextInt(6);
                for (int p = 0; p < parts; p++) {
                    b.append(pieces[random.nextInt(pieces.length)]);
                }
                b.append(random.nextInt(4) == 0 ? "\n" : "\r\n");
            }
            String message = b.append("\r\nbody\r\n").toString();
            if (parse(message).anomalies().isEmpty()) {
                compared++;
                assertThat(ours(message)).as("%s", message.replace("\r", "\\r").replace("\n", "\\n")
                        .replace("\t", "\\t")).isEqualTo(javaMail(message));
            }
        }
        assertThat(compared).as("header sections without anomalies among the random ones").isGreaterThan(300);
    }
}
