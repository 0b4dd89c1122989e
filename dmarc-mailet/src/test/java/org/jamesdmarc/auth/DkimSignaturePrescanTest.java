package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

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
}
