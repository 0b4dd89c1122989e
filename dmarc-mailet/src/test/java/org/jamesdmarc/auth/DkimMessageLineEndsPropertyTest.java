package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.james.mime4j.io.EOLConvertingInputStream;
import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link DkimMessage#crlf} gives exactly the octets of mime4j's {@code EOLConvertingInputStream}, which jDKIM 0.3
 * reads messages through (and {@code DkimMessage} did before): signatures are verified against these octets, so any
 * difference would change a verdict.
 */
class DkimMessageLineEndsPropertyTest {

    @Property(tries = 2000)
    void sameOctetsAsMime4jsLineEndConversion(@ForAll("lineEndHeavy") byte[] message) throws IOException {
        assertThat(DkimMessage.crlf(message)).isEqualTo(mime4j(message));
    }

    @Property(tries = 300)
    void sameOctetsForAnyBytes(@ForAll byte[] message) throws IOException {
        assertThat(DkimMessage.crlf(message)).isEqualTo(mime4j(message));
    }

    @Test
    void edgeCases() throws IOException {
        for (String s : new String[] {"", "\r", "\n", "\r\n", "\n\r", "\r\r\n", "a\rb", "a\nb", "a\r\nb", "\r\n\n",
                "x\r", "x\n", "\n\n\r\r", "From: a\r\n\r\nbody\n"}) {
            byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
            assertThat(DkimMessage.crlf(bytes)).as(s.replace("\r", "\\r").replace("\n", "\\n")).isEqualTo(mime4j(bytes));
        }
    }

    @Test
    void aMessageWithOnlyCrlfLineEndsIsNotCopied() {
        byte[] bytes = "From: a@example.com\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(DkimMessage.crlf(bytes)).isSameAs(bytes);
    }

    @Provide
    Arbitrary<byte[]> lineEndHeavy() {
        return Arbitraries.of((byte) '\r', (byte) '\n', (byte) 'a', (byte) ' ', (byte) ':', (byte) 0xe9)
                .array(byte[].class).ofMaxSize(64);
    }

    private static byte[] mime4j(byte[] bytes) throws IOException {
        try (EOLConvertingInputStream in = new EOLConvertingInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
