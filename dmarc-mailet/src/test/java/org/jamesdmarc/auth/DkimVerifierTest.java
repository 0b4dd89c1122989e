package org.jamesdmarc.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.HeaderSection;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.junit.jupiter.api.Test;

class DkimVerifierTest {

    private static final DkimTestSigner SIGNER = DkimTestSigner.rsa2048("example.com", "sel1");
    private static final DkimTestSigner OTHER_KEY = DkimTestSigner.rsa2048("example.com", "sel1");
    private static final byte[] MESSAGE = DkimTestSigner.sampleMessage("example.com", "Hello Bob,\r\n\r\nsee you.\r\n");

    private final InMemoryDnsClient dns = new InMemoryDnsClient();
    private final DkimVerifier verifier = new DkimVerifier(dns);

    private InMemoryDnsClient publish(DkimTestSigner signer) {
        return dns.txt(signer.keyRecordName(), signer.txtRecord());
    }

    @Test
    void validSignaturePasses() {
        publish(SIGNER);

        assertThat(verifier.verify(SIGNER.sign(MESSAGE)))
                .containsExactly(new DkimOutcome(DkimResult.PASS, DomainName.of("example.com"), "sel1", "signature verified"));
    }

    @Test
    void testingModeKeyStillPassesAndSaysSo() {
        dns.txt(SIGNER.keyRecordName(), "v=DKIM1; k=rsa; t=y; p=" + SIGNER.publicKeyBase64());

        assertThat(verifier.verify(SIGNER.sign(MESSAGE))).containsExactly(new DkimOutcome(DkimResult.PASS,
                DomainName.of("example.com"), "sel1", "signature verified (key in testing mode, t=y)"));
    }

    @Test
    void verifiesFromAStream() throws Exception {
        publish(SIGNER);

        assertThat(verifier.verify(new ByteArrayInputStream(SIGNER.sign(MESSAGE))))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.PASS);
    }

    @Test
    void simpleCanonicalizationPasses() {
        publish(SIGNER);

        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "c=simple/simple")))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.PASS);
    }

    @Test
    void relaxedCanonicalizationToleratesWhitespaceChanges() {
        publish(SIGNER);
        String signed = text(SIGNER.sign(MESSAGE)).replace("Subject: DKIM test", "Subject:   DKIM \t test");

        assertThat(verifier.verify(bytes(signed))).extracting(DkimOutcome::result).containsExactly(DkimResult.PASS);
    }

    @Test
    void lfLineEndingsAreCanonicalizedToCrlf() {
        publish(SIGNER);
        String signed = text(SIGNER.sign(MESSAGE)).replace("\r\n", "\n");

        assertThat(verifier.verify(bytes(signed))).extracting(DkimOutcome::result).containsExactly(DkimResult.PASS);
    }

    @Test
    void modifiedBodyFails() {
        publish(SIGNER);
        String tampered = text(SIGNER.sign(MESSAGE)).replace("see you.", "send money.");

        assertThat(verifier.verify(bytes(tampered)))
                .containsExactly(new DkimOutcome(DkimResult.FAIL, DomainName.of("example.com"), "sel1", "body hash did not verify"));
    }

    @Test
    void theOutcomeKeepsTheSignaturesIdentityForFailureReports() {
        publish(SIGNER);
        String tampered = text(SIGNER.signWithTags(MESSAGE, "i=bob@news.example.com;")).replace("see you.",
                "send money.");
        assertThat(verifier.verify(bytes(tampered))).containsExactly(new DkimOutcome(DkimResult.FAIL,
                java.util.Optional.of(DomainName.of("example.com")), "sel1", "body hash did not verify",
                java.util.Optional.of("bob@news.example.com")));

        String headerChanged = text(SIGNER.signWithTags(MESSAGE, "i=@news.example.com;"))
                .replace("Subject: DKIM test", "Subject: Urgent invoice");
        assertThat(verifier.verify(bytes(headerChanged))).extracting(DkimOutcome::identity)
                .containsExactly(java.util.Optional.of("@news.example.com"));

        String outside = text(SIGNER.sign(MESSAGE)).replaceFirst("DKIM-Signature:",
                "DKIM-Signature: i=alice@evil.example;");
        assertThat(verifier.verify(bytes(outside))).extracting(DkimOutcome::identity)
                .as("refused, still reported as stated").containsExactly(java.util.Optional.of("alice@evil.example"));
        assertThat(DkimOutcome.usableIdentity("a b@example.com")).isEmpty();
        assertThat(DkimOutcome.usableIdentity("a@b@example.com")).isEmpty();
        assertThat(DkimOutcome.usableIdentity("x".repeat(250) + "@example.com")).isEmpty();
    }

    @Test
    void modifiedSignedHeaderFails() {
        publish(SIGNER);
        String tampered = text(SIGNER.sign(MESSAGE)).replace("Subject: DKIM test", "Subject: Urgent invoice");

        assertThat(verifier.verify(bytes(tampered)))
                .containsExactly(new DkimOutcome(DkimResult.FAIL, DomainName.of("example.com"), "sel1", "header signature did not verify"));
    }

    @Test
    void signatureByAnotherKeyFails() {
        publish(OTHER_KEY);

        assertThat(verifier.verify(SIGNER.sign(MESSAGE)))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.FAIL);
    }

    @Test
    void missingKeyIsPermerror() {
        assertThat(verifier.verify(SIGNER.sign(MESSAGE)))
                .containsExactly(new DkimOutcome(DkimResult.PERMERROR, DomainName.of("example.com"), "sel1", "no key for signature"));
    }

    @Test
    void keyNameWithoutKeyRecordIsPermerror() {
        dns.txt(SIGNER.keyRecordName(), "some unrelated text");

        assertThat(verifier.verify(SIGNER.sign(MESSAGE))).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.PERMERROR);
    }

    @Test
    void dnsTempfailIsTemperror() {
        dns.tempFail(SIGNER.keyRecordName());

        assertThat(verifier.verify(SIGNER.sign(MESSAGE))).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(DkimResult.TEMPERROR);
            assertThat(o.domain()).contains(DomainName.of("example.com"));
            assertThat(o.selector()).isEqualTo("sel1");
        });
    }

    @Test
    void revokedKeyIsPermerror() {
        dns.txt(SIGNER.keyRecordName(), "v=DKIM1; k=rsa; p=");

        assertThat(verifier.verify(SIGNER.sign(MESSAGE)))
                .containsExactly(new DkimOutcome(DkimResult.PERMERROR, DomainName.of("example.com"), "sel1", "key revoked (empty p=)"));
    }

    @Test
    void undecodableKeyIsPermerror() {
        dns.txt(SIGNER.keyRecordName(), "v=DKIM1; k=rsa; p=AAAAbm90IGEga2V5");

        assertThat(verifier.verify(SIGNER.sign(MESSAGE))).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.PERMERROR);
    }

    @Test
    void keyOfAnotherTypeIsPermerror() {
        dns.txt(SIGNER.keyRecordName(), "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");

        assertThat(verifier.verify(SIGNER.sign(MESSAGE))).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.PERMERROR);
    }

    @Test
    void keyShorterThan1024BitsIsRefusedByPolicy() {
        DkimTestSigner weak = DkimTestSigner.rsa("example.com", "weak", 512);
        publish(weak);

        assertThat(verifier.verify(weak.sign(MESSAGE))).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(DkimResult.POLICY);
            assertThat(o.reason()).contains("512 bits");
        });
    }

    @Test
    void rsaSha1IsRefusedByPolicy() {
        publish(SIGNER);

        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "a=rsa-sha1")))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.POLICY);
    }

    @Test
    void unknownAlgorithmIsPermerror() {
        publish(SIGNER);
        String signed = text(SIGNER.sign(MESSAGE)).replace("a=rsa-sha256", "a=ed25519-sha256");

        assertThat(verifier.verify(bytes(signed))).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(DkimResult.PERMERROR);
            assertThat(o.reason()).contains("unsupported algorithm");
        });
    }

    @Test
    void expiredSignatureIsPermerror() {
        publish(SIGNER);
        long now = System.currentTimeMillis() / 1000;

        // jDKIM will not sign an expired template: add x= afterwards (screening rejects before any cryptography).
        String signed = text(SIGNER.signWithTags(MESSAGE, "t=" + (now - 7200)))
                .replaceFirst("DKIM-Signature:", "DKIM-Signature: x=" + (now - 3600) + ";");

        assertThat(verifier.verify(bytes(signed)))
                .containsExactly(new DkimOutcome(DkimResult.PERMERROR, DomainName.of("example.com"), "sel1", "signature expired"));
    }

    @Test
    void signatureFromTheFutureIsPermerror() {
        publish(SIGNER);
        long now = System.currentTimeMillis() / 1000;

        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "t=" + (now + 86400))))
                .extracting(DkimOutcome::reason).containsExactly("signature timestamp in the future");
    }

    @Test
    void notYetExpiredSignaturePasses() {
        publish(SIGNER);
        long now = System.currentTimeMillis() / 1000;

        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "x=" + (now + 3600))))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.PASS);
    }

    @Test
    void fromNotSignedIsPermerror() {
        publish(SIGNER);

        String signed = text(SIGNER.sign(MESSAGE)).replace("h=" + DkimTestSigner.DEFAULT_SIGNED_HEADERS, "h=to:subject");

        assertThat(verifier.verify(bytes(signed)))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.PERMERROR);
    }

    @Test
    void identityOutsideSigningDomainIsPermerror() {
        publish(SIGNER);

        String signed = text(SIGNER.sign(MESSAGE)).replaceFirst("DKIM-Signature:", "DKIM-Signature: i=alice@evil.example;");

        assertThat(verifier.verify(bytes(signed)))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.PERMERROR);
    }

    @Test
    void bodyLengthLimitCoversOnlyThePrefixWhenPartialBodiesMayPass() {
        // RFC 6376 §3.5 l=: only the first l octets are signed; appended text does not break the signature.
        publish(SIGNER);
        String signed = text(SIGNER.signWithTags(MESSAGE, "l=10")) + "appended by a list\r\n";

        assertThat(new DkimVerifier(dns, true).verify(bytes(signed))).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.PASS);
    }

    @Test
    void bodyLengthLimitLeavingContentUnsignedIsPolicyByDefault() {
        // RFC 6376 §8.2: content appended to a replayed message would ride on the signature: not a pass for us
        // (RFC 8601 §2.7.1 policy: signed, but not acceptable).
        publish(SIGNER);
        String signed = text(SIGNER.signWithTags(MESSAGE, "l=10")) + "appended by a list\r\n";

        assertThat(verifier.verify(bytes(signed))).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(DkimResult.POLICY);
            assertThat(o.reason()).contains("l=").contains("unsigned");
        });
        // Even without anything appended: the signature covers 10 octets of a longer body.
        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "l=10"))).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.POLICY);
    }

    @Test
    void bodyLengthLimitCoveringTheWholeBodyPasses() {
        publish(SIGNER);
        // The relaxed-canonicalized sample body is "Hello Bob,\r\n\r\nsee you.\r\n": 24 octets.
        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "l=24"))).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.PASS);
        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "c=simple/simple; l=24")))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.PASS);
        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "l=23"))).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.POLICY);
    }

    @Test
    void hugeBodyLengthIsPermerror() {
        publish(SIGNER);
        String signed = text(SIGNER.sign(MESSAGE)).replaceFirst("DKIM-Signature:", "DKIM-Signature: l=99999999999999999999999;");

        assertThat(verifier.verify(bytes(signed))).extracting(DkimOutcome::result).containsExactly(DkimResult.PERMERROR);
    }

    @Test
    void hugeSignedHeaderListIsRefusedByPolicy() {
        publish(SIGNER);
        String many = "from:" + "x-h:".repeat(DkimSignatureScreen.MAX_SIGNED_FIELDS) + "subject";

        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "h=" + many))).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(DkimResult.POLICY);
            assertThat(o.reason()).contains("signed header fields");
        });
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void oversignedHeaderListWithinTheLimitPasses() {
        publish(SIGNER);

        assertThat(verifier.verify(SIGNER.signWithTags(MESSAGE, "h=from:from:to:to:subject:subject:date:date:reply-to")))
                .extracting(DkimOutcome::result).containsExactly(DkimResult.PASS);
    }

    @Test
    void missingBodyHashTagIsPermerror() {
        publish(SIGNER);
        String signed = text(SIGNER.sign(MESSAGE)).replaceFirst("bh=[^;]*;", "");

        assertThat(verifier.verify(bytes(signed))).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(DkimResult.PERMERROR);
            assertThat(o.domain()).contains(DomainName.of("example.com"));
        });
    }

    @Test
    void garbageBase64SignatureIsPermerror() {
        publish(SIGNER);
        String signed = text(SIGNER.sign(MESSAGE)).replaceFirst(" b=[^;]*;", " b=!!not*base64!!;");

        assertThat(verifier.verify(bytes(signed)))
                .containsExactly(new DkimOutcome(DkimResult.PERMERROR, DomainName.of("example.com"), "sel1", "b= is not base64"));
    }

    @Test
    void wellFormedButWrongSignatureValueFails() {
        publish(SIGNER);
        String signed = text(SIGNER.sign(MESSAGE)).replaceFirst(" b=[^;]*;", " b=AAAA;");

        assertThat(verifier.verify(bytes(signed))).extracting(DkimOutcome::result).containsExactly(DkimResult.FAIL);
    }

    @Test
    void garbageSignatureHeaderIsPermerror() {
        byte[] message = DkimTestSigner.prepend("DKIM-Signature: this is garbage ;;; == ", MESSAGE);

        assertThat(verifier.verify(message)).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(DkimResult.PERMERROR);
            assertThat(o.domain()).isEmpty();
            assertThat(o.selector()).isEmpty();
        });
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void hostileSelectorIsNotLookedUp() {
        String signed = text(SIGNER.sign(MESSAGE)).replace("s=sel1;", "s=a\"b (c);");

        assertThat(verifier.verify(bytes(signed))).extracting(DkimOutcome::result).containsExactly(DkimResult.PERMERROR);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void unsignedMessageHasNoOutcomes() {
        assertThat(verifier.verify(MESSAGE)).isEmpty();
        assertThat(verifier.verify(new byte[0])).isEmpty();
    }

    @Test
    void oneGoodAndOneBadSignatureGiveTwoOutcomesInOrder() {
        DkimTestSigner third = DkimTestSigner.rsa2048("esp.example.net", "s2048");
        publish(SIGNER);
        dns.txt(third.keyRecordName(), OTHER_KEY.txtRecord()); // the ESP's DNS holds the wrong key
        byte[] message = third.sign(SIGNER.sign(MESSAGE));

        assertThat(verifier.verify(message)).containsExactly(
                new DkimOutcome(DkimResult.FAIL, DomainName.of("esp.example.net"), "s2048", "header signature did not verify"),
                new DkimOutcome(DkimResult.PASS, DomainName.of("example.com"), "sel1", "signature verified"));
    }

    @Test
    void secondSignerMaySignTheFirstSignature() {
        DkimTestSigner esp = DkimTestSigner.rsa2048("esp.example.net", "s1");
        publish(SIGNER);
        publish(esp);
        byte[] message = esp.signWithTags(SIGNER.sign(MESSAGE), "h=from:subject:dkim-signature");

        assertThat(verifier.verify(message)).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.PASS, DkimResult.PASS);
    }

    @Test
    void identicalSignatureTwiceGivesTwoOutcomes() {
        publish(SIGNER);
        byte[] signed = SIGNER.sign(MESSAGE);
        String field = text(signed).substring(0, text(signed).indexOf("\r\n"));

        assertThat(verifier.verify(DkimTestSigner.prepend(field, signed))).extracting(DkimOutcome::result)
                .containsExactly(DkimResult.PASS, DkimResult.PASS);
        assertThat(dns.queries()).hasSize(1);
    }

    @Test
    void atMostTenSignaturesAreVerified() {
        byte[] message = MESSAGE;
        for (int i = 0; i < 15; i++) {
            message = DkimTestSigner.prepend("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s" + i
                    + "; h=from; bh=AAAA; b=AAAA", message);
        }

        List<DkimOutcome> outcomes = verifier.verify(message);

        assertThat(outcomes).hasSize(DkimVerifier.MAX_SIGNATURES);
        assertThat(dns.queries()).hasSize(DkimVerifier.MAX_SIGNATURES);
    }

    @Test
    void selectedSignaturesAreVerifiedThroughTheClientGivenAndTheOthersCanBeLeftUnverified() {
        DkimTestSigner second = SIGNER.as("mail.example.com", "sel2");
        InMemoryDnsClient perCall = new InMemoryDnsClient()
                .txt(SIGNER.keyRecordName(), SIGNER.txtRecord())
                .txt(second.keyRecordName(), second.txtRecord());
        byte[] message = second.sign(SIGNER.sign(MESSAGE)); // mail.example.com on top

        try (DkimVerifier.Signatures signatures = verifier.signatures(message, HeaderSection.parse(message))) {
            assertThat(signatures.count()).isEqualTo(2);
            assertThat(signatures.signingDomain(0)).contains(DomainName.of("mail.example.com"));
            assertThat(signatures.signingDomain(1)).contains(DomainName.of("example.com"));

            assertThat(signatures.verify(List.of(1), perCall)).containsExactly(
                    new DkimOutcome(DkimResult.PASS, DomainName.of("example.com"), "sel1", "signature verified"));
            assertThat(signatures.unverified(0, DkimResult.POLICY, "not verified: budget")).isEqualTo(
                    new DkimOutcome(DkimResult.POLICY, DomainName.of("mail.example.com"), "sel2", "not verified: budget"));
            assertThat(signatures.verify(List.of(0, 1), perCall)).extracting(DkimOutcome::result)
                    .containsExactly(DkimResult.PASS, DkimResult.PASS);
        }
        assertThat(dns.queries()).as("the verifier's own client is not used").isEmpty();
        assertThat(perCall.txtQueries()).containsExactlyInAnyOrder(SIGNER.keyRecordName(), second.keyRecordName(),
                SIGNER.keyRecordName());
    }

    @Test
    void keysOfSeveralSignaturesAreLookedUpBeforeAnyIsVerified() {
        // The lookups run in parallel (ParallelLookups); here: all of them happen, once each.
        byte[] message = MESSAGE;
        for (int i = 0; i < 6; i++) {
            DkimTestSigner s = SIGNER.as("d" + i + ".example.com", "sel1");
            publish(s);
            message = s.sign(message);
        }

        assertThat(verifier.verify(message)).hasSize(6).extracting(DkimOutcome::result).containsOnly(DkimResult.PASS);
        assertThat(dns.txtQueries()).hasSize(6).doesNotHaveDuplicates();
    }

    @Test
    void signingDomainIsReportedLowerCase() {
        DkimTestSigner upper = SIGNER.as("Example.COM", "Sel1");
        publish(SIGNER);

        assertThat(verifier.verify(upper.sign(MESSAGE)))
                .containsExactly(new DkimOutcome(DkimResult.PASS, DomainName.of("example.com"), "sel1", "signature verified"));
    }

    @Test
    void overlongHeaderLineWithSignatureIsPermerror() {
        String longLine = "X-Long: " + "a".repeat(20_000);
        byte[] message = DkimTestSigner.prepend(longLine, SIGNER.sign(MESSAGE));

        assertThat(verifier.verify(message)).extracting(DkimOutcome::result).doesNotContain(DkimResult.PASS);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
