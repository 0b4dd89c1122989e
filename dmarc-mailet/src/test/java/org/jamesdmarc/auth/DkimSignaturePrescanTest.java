package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.mail.HeaderSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DkimSignaturePrescanTest {

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("DKIM-Signature: v=1; d=x\r\nFrom: a@b.c\r\n\r\nbody", true),
                Arguments.of("From: a@b.c\r\ndkim-signature : v=1\r\n\r\nbody", true),
                Arguments.of("From: a@b.c\ndKiM-SiGnAtUrE:\tv=1\n\nbody", true),
                Arguments.of("From: a@b.c\r\nX-DKIM-Signature: v=1\r\n\r\nbody", false),
                Arguments.of("From: a@b.c\r\nDKIM-Signatures: v=1\r\n\r\nbody", false),
                Arguments.of("From: a@b.c\r\nSubject: x\r\n DKIM-Signature: folded, not a field\r\n\r\nbody", false),
                Arguments.of("From: a@b.c\r\n\r\nDKIM-Signature: in the body\r\n", false),
                Arguments.of("", false));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void findsOnlyHeaderFieldsNamedDkimSignature(String message, boolean expected) {
        assertThat(DkimVerifier.mayHaveSignature(message.getBytes(StandardCharsets.US_ASCII))).isEqualTo(expected);
    }

    @Test
    void answersFromTheSharedHeaderSection() {
        HeaderSection signed = HeaderSection.parse("From: a@b.c\r\nDKIM-Signature : v=1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(DkimVerifier.mayHaveSignature(signed)).isTrue();
        // javax.mail trims the name: jDKIM may see the field, so the full parse runs.
        HeaderSection trimmed = HeaderSection.parse("DKIM-Signature\u0001: v=1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(DkimVerifier.mayHaveSignature(trimmed)).isTrue();
    }

    @Test
    void aHeaderPastTheCapMayHoldASignature() {
        String pad = ("X-Pad: " + "p".repeat(1000) + "\r\n").repeat(1100);
        assertThat(DkimVerifier.mayHaveSignature((pad + "DKIM-Signature: v=1\r\n\r\n").getBytes(StandardCharsets.US_ASCII)))
                .isTrue();
    }

    @Test
    void noSignatureNoParse() {
        byte[] message = "From: a@b.c\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        assertThat(new DkimVerifier(new InMemoryDnsClient()).verify(message, HeaderSection.parse(message))).isEmpty();
    }
}
