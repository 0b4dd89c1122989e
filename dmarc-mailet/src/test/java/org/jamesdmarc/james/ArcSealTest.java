package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.AttributeName;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcVerifier;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ArcSeal mailet seals what it is given; the result verifies with our verifier and with dkimpy's. */
class ArcSealTest {

    private static final DkimTestSigner KEY = DkimTestSigner.rsa2048("lists.example.org", "arc1");
    private static final InMemoryDnsClient DNS = new InMemoryDnsClient().txt(KEY.keyRecordName(), KEY.txtRecord());

    @TempDir
    Path dir;

    private ArcSeal mailet(String... params) throws Exception {
        Path pem = Files.writeString(dir.resolve("arc.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(KEY.privateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("ArcSeal")
                .setProperty("domain", "lists.example.org").setProperty("selector", "arc1")
                .setProperty("privateKeyFilepath", pem.toString()).setProperty("authservId", "mx.example.org");
        for (int i = 0; i < params.length; i += 2) {
            config.setProperty(params[i], params[i + 1]);
        }
        ArcSeal mailet = new ArcSeal();
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mail(String raw) throws Exception {
        MimeMessage m = new MimeMessage(Session.getDefaultInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        return FakeMail.builder().name("m").mimeMessage(m).sender("a@example.com").recipient("list@lists.example.org")
                .build();
    }

    private static final String RECEIVED = "Authentication-Results: mx.example.org; dmarc=pass header.from=example.com;\r\n"
            + "\tspf=pass smtp.mailfrom=example.com\r\n"
            + "From: Alice <a@example.com>\r\nTo: list@lists.example.org\r\nSubject: [list] hello\r\n"
            + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nHello.\r\n-- \r\nfooter\r\n";

    private static String attribute(FakeMail mail) {
        return mail.getAttribute(AttributeName.of(ArcSeal.SEALED_ATTRIBUTE)).orElseThrow().getValue().value().toString();
    }

    @Test
    void aSealedMessageVerifiesWithOurVerifierAndRecordsOurResults() throws Exception {
        FakeMail mail = mail(RECEIVED);
        mailet().service(mail);
        assertThat(attribute(mail)).isEqualTo("i=1");
        byte[] out = MailContexts.bytes(mail);
        assertThat(new String(out, StandardCharsets.UTF_8)).startsWith("ARC-Seal: i=1;");
        ArcOutcome outcome = new ArcVerifier().verify(out, DNS);
        assertThat(outcome.result()).as(outcome.reason()).isEqualTo(ArcResult.PASS);
        assertThat(outcome.sets()).singleElement().satisfies(s -> assertThat(s.authResults())
                .isEqualTo("mx.example.org; dmarc=pass header.from=example.com; spf=pass smtp.mailfrom=example.com"));
    }

    @Test
    void aSecondHopContinuesAPassingChainAndSimpleCanonicalizationSurvivesJavaMail() throws Exception {
        FakeMail first = mail(RECEIVED);
        mailet().service(first);
        String again = "Authentication-Results: mx.example.org; arc=pass header.oldest-pass=0\r\n"
                + new String(MailContexts.bytes(first), StandardCharsets.UTF_8);
        FakeMail second = mail(again);
        mailet("canonicalization", "simple/simple").service(second);
        assertThat(attribute(second)).isEqualTo("i=2");
        byte[] out = MailContexts.bytes(second);
        assertThat(new ArcVerifier().verify(out, DNS).result()).isEqualTo(ArcResult.PASS);
        assertThat(new String(out, StandardCharsets.UTF_8)).contains("cv=pass");
        dkimpyVerifies(out);
    }

    @Test
    void aBrokenChainIsNotSealed() throws Exception {
        FakeMail mail = mail("ARC-Seal: i=2; cv=pass; a=rsa-sha256; d=x.example; s=s; b=AA==\r\n" + RECEIVED);
        mailet().service(mail);
        assertThat(attribute(mail)).isEqualTo("refused: chain_broken");
        assertThat(MailContexts.bytes(mail)).isEqualTo(MailContexts.bytes(mail(
                "ARC-Seal: i=2; cv=pass; a=rsa-sha256; d=x.example; s=s; b=AA==\r\n" + RECEIVED)));
    }

    @Test
    void aPkcs1KeyFileIsReadAndBadParametersStopInit() throws Exception {
        assertThatThrownBy(() -> mailet("domain", "not a domain")).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet("signedHeaders", "to,subject")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("From must be signed");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> mailet("privateKeyFilepath", missing.toString())).isInstanceOf(MessagingException.class);
        byte[] pkcs8 = KEY.privateKey().getEncoded();
        // Java's PKCS#8 of an RSA key: a 26-octet prefix (for keys of this size), then the PKCS#1 RSAPrivateKey.
        byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        Path rsa = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n");
        assertThat(ArcSeal.readKey(rsa)).isEqualTo(KEY.privateKey());
    }

    /** dkimpy's arc_verify (Debian python3-dkim) says cv=pass. */
    private void dkimpyVerifies(byte[] message) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python) || new ProcessBuilder(python.toString(), "-c", "import dkim, authres")
                .start().waitFor() != 0) {
            MissingTool.unavailable("dkimpy's ARC (Debian packages python3-dkim and python3-authres)");
        }
        Path script = dir.resolve("dkimpy-arc.py");
        try (InputStream in = ArcSealTest.class.getResourceAsStream("/org/jamesdmarc/auth/arc/dkimpy-arc.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path keys = Files.writeString(dir.resolve("keys.tsv"), KEY.keyRecordName() + "\t" + KEY.txtRecord() + "\n");
        Path eml = Files.write(dir.resolve("m.eml"), message);
        Process p = new ProcessBuilder(List.of(python.toString(), script.toString(), "verify", keys.toString(),
                eml.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).startsWith("cv=pass");
    }
}
