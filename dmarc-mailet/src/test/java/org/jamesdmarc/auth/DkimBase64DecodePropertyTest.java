package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.util.Base64;

import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link DkimSignatureScreen#decodeBase64} (the screened record's b= and bh=) gives the octets jDKIM 0.3's own
 * codec gives for the same text, or leaves the text to jDKIM (null).
 */
class DkimBase64DecodePropertyTest {

    /** jDKIM's decoding of b=, as SignatureRecordImpl.getSignature() does it. */
    private static byte[] jdkims(String value) {
        return org.apache.james.jdkim.codec.binary.Base64.decodeBase64(value.getBytes(Charset.defaultCharset()));
    }

    @Property(tries = 5000)
    void decodesWhatJdkimDecodes(@ForAll("base64ish") String value) {
        byte[] ours = DkimSignatureScreen.decodeBase64(value);
        if (ours != null) {
            assertThat(ours).isEqualTo(jdkims(value));
        }
    }

    @Property(tries = 2000)
    void decodesEveryScreenedValueAsJdkim(@ForAll("base64string") String value) {
        assertThat(DkimSignatureScreen.isBase64String(value)).isTrue();
        byte[] ours = DkimSignatureScreen.decodeBase64(value);
        if (ours != null) {
            assertThat(ours).isEqualTo(jdkims(value));
        }
    }

    @Property(tries = 1000)
    void decodesRealEncodingsExactly(@ForAll byte[] octets) {
        String folded = Base64.getMimeEncoder(8, "\r\n\t".getBytes()).encodeToString(octets);
        assertThat(DkimSignatureScreen.decodeBase64(folded)).isEqualTo(octets).isEqualTo(jdkims(folded));
    }

    @Test
    void theScreenedRecordReadsAsJdkims() {
        String value = "v=1; a=rsa-sha256; d=example.com; s=sel1; h=From : to:\r\n\tSubject:from; "
                + "bh=AbC+/9 xyz\r\n\t=; b=QUJD REVG Rw==";
        DkimSignatureScreen.TagReader ours = new DkimSignatureScreen.TagReader(value);
        SignatureRecordImpl jdkim = new SignatureRecordImpl(value);

        assertThat(ours.getSignature()).isEqualTo(jdkim.getSignature()).isEqualTo("ABCDEFG".getBytes());
        assertThat(ours.getBodyHash()).isEqualTo(jdkim.getBodyHash());
        // h= is read once and kept: the same entries as jDKIM's, as strings, in order.
        assertThat(ours.getHeaders()).isSameAs(ours.getHeaders());
        assertThat(ours.getHeaders().stream().map(CharSequence::toString).toList())
                .isEqualTo(jdkim.getHeaders().stream().map(CharSequence::toString).toList())
                .hasSize(4);
    }

    @Test
    void leavesWhatItDoesNotReadToJdkim() {
        assertThat(DkimSignatureScreen.decodeBase64("QUJD=REVG")).isNull();
        assertThat(DkimSignatureScreen.decodeBase64("QUJDR")).isNull();
        assertThat(DkimSignatureScreen.decodeBase64("QUJD-_")).isNull();
        assertThat(DkimSignatureScreen.decodeBase64("QU===")).isNull();
        assertThat(DkimSignatureScreen.decodeBase64(null)).isNull();
        assertThat(DkimSignatureScreen.decodeBase64("QUI")).isEqualTo("AB".getBytes());
        assertThat(DkimSignatureScreen.decodeBase64("QR")).isEqualTo(jdkims("QR"));
    }

    @Provide
    Arbitrary<String> base64ish() {
        return Arbitraries.strings().withChars("aZ09+/= \t\r\n\u000b-_\u00e9").ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> base64string() {
        Arbitrary<String> body = Arbitraries.strings().withChars("ABCXYZabcxyz0189+/ \t\r\n").ofMaxLength(60);
        Arbitrary<String> pad = Arbitraries.of("", "=", "==", "= ", "==\r\n\t");
        return body.flatMap(b -> pad.map(p -> b + p));
    }
}
