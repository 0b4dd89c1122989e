package org.jamesdmarc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class DkimTestSignerTest {

    private static final DkimTestSigner SIGNER = DkimTestSigner.rsa2048("example.com", "sel1");

    @Test
    void publishesAn2048BitRsaKeyRecord() throws Exception {
        assertThat(SIGNER.keyRecordName()).isEqualTo("sel1._domainkey.example.com");
        assertThat(SIGNER.txtRecord()).startsWith("v=DKIM1; k=rsa; p=");
        byte[] der = Base64.getDecoder().decode(SIGNER.publicKeyBase64());
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        assertThat(key.getModulus().bitLength()).isEqualTo(2048);
    }

    @Test
    void zoneFileRdataSplitsIntoStringsOfAtMost255Octets() {
        String rdata = SIGNER.zoneFileTxtRdata();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(rdata);
        StringBuilder joined = new StringBuilder();
        int strings = 0;
        while (m.find()) {
            assertThat(m.group(1).length()).isLessThanOrEqualTo(255);
            joined.append(m.group(1));
            strings++;
        }
        assertThat(strings).isGreaterThan(1);
        assertThat(joined.toString()).isEqualTo(SIGNER.txtRecord());
    }

    @Test
    void signingPrependsOneSignatureWithTheRequestedTags() {
        byte[] message = DkimTestSigner.sampleMessage("example.com", "body\r\n");

        String signed = new String(SIGNER.signWithTags(message, "c=simple/relaxed; l=4"), StandardCharsets.UTF_8);

        String field = signed.substring(0, signed.indexOf("\r\n"));
        assertThat(field).startsWith("DKIM-Signature:").contains("d=example.com;", "s=sel1;", "c=simple/relaxed;",
                "l=4;", "a=rsa-sha256;").containsPattern(" b=[A-Za-z0-9+/]{300,}");
        assertThat(signed.substring(field.length() + 2)).isEqualTo(new String(message, StandardCharsets.UTF_8));
    }
}
