package org.jamesdmarc.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.auth.arc.ArcHops.DNS;
import static org.jamesdmarc.auth.arc.ArcHops.FORWARDER;
import static org.jamesdmarc.auth.arc.ArcHops.LIST;
import static org.jamesdmarc.auth.arc.ArcHops.RELAY;
import static org.jamesdmarc.auth.arc.ArcHops.bytes;
import static org.jamesdmarc.auth.arc.ArcHops.message;
import static org.jamesdmarc.auth.arc.ArcHops.seal;
import static org.jamesdmarc.auth.arc.ArcHops.text;

import java.util.List;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.junit.jupiter.api.Test;

class ArcVerifierTest {

    private final ArcVerifier verifier = new ArcVerifier();

    @Test
    void aMessageWithoutArcFieldsIsNone() {
        assertThat(verifier.verify(message(), DNS)).isEqualTo(ArcOutcome.NONE);
    }

    @Test
    void oneHopPasses() {
        ArcOutcome outcome = verifier.verify(seal(message(), LIST), DNS);
        assertThat(outcome.result()).isEqualTo(ArcResult.PASS);
        assertThat(outcome.oldestPass()).isZero();
        assertThat(outcome.sets()).singleElement().satisfies(set -> {
            assertThat(set.instance()).isEqualTo(1);
            assertThat(set.sealer()).contains(DomainName.of("lists.example.org"));
            assertThat(set.selector()).isEqualTo("arc1");
            assertThat(set.authResults()).startsWith("mx.hop.example; spf=pass").endsWith("arc=none");
        });
    }

    @Test
    void threeHopsPassAndNameEverySealerInOrder() {
        byte[] sealed = seal(seal(seal(message(), RELAY), FORWARDER), LIST);
        ArcOutcome outcome = verifier.verify(sealed, DNS);
        assertThat(outcome.result()).as(outcome.reason()).isEqualTo(ArcResult.PASS);
        assertThat(outcome.sets()).extracting(s -> s.sealer().orElseThrow().name())
                .containsExactly("relay.example.com", "fwd.example.net", "lists.example.org");
        assertThat(outcome.latest().orElseThrow().authResults()).endsWith("arc=pass");
    }

    @Test
    void simpleCanonicalizationPassesToo() {
        byte[] sealed = seal(seal(message(), ArcHops.signer(RELAY, "simple/simple")),
                ArcHops.signer(LIST, "relaxed/simple"));
        assertThat(verifier.verify(sealed, DNS).result()).isEqualTo(ArcResult.PASS);
    }

    @Test
    void aListThatRewritesTheMessageKeepsThePassButMovesOldestPass() {
        // Hop 1 seals; the list then changes Subject and body and seals: the chain passes, AMS 1 no longer verifies.
        // The list validates the chain on arrival (RFC 8617 §5.1: cv= is the status of the chain it received).
        byte[] afterHop1 = seal(message(), RELAY);
        ArcOutcome onArrival = verifier.verify(afterHop1, DNS);
        byte[] rewritten = bytes(text(afterHop1).replace("Subject: DKIM test", "Subject: [list] DKIM test")
                + "-- \r\nlist footer\r\n");
        assertThat(verifier.verify(rewritten, DNS).result()).isEqualTo(ArcResult.FAIL);
        ArcOutcome outcome = verifier.verify(seal(rewritten, ArcHops.signer(LIST, "relaxed/relaxed"), onArrival), DNS);
        assertThat(outcome.result()).isEqualTo(ArcResult.PASS);
        assertThat(outcome.oldestPass()).isEqualTo(2);
    }

    @Test
    void aBodyChangedAfterTheLastSealFails() {
        byte[] sealed = bytes(text(seal(seal(message(), RELAY), LIST)) + "appended\r\n");
        ArcOutcome outcome = verifier.verify(sealed, DNS);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(outcome.reason()).isEqualTo("ARC-Message-Signature i=2: body hash did not verify");
        assertThat(outcome.sets()).hasSize(2);
    }

    @Test
    void aSignedFieldChangedAfterTheLastSealFails() {
        byte[] sealed = bytes(text(seal(message(), LIST)).replace("Subject: DKIM test", "Subject: changed"));
        assertThat(verifier.verify(sealed, DNS).reason())
                .isEqualTo("ARC-Message-Signature i=1: signature did not verify");
    }

    @Test
    void aTamperedOlderSealFails() {
        String two = text(seal(seal(message(), RELAY), LIST));
        // Change the recorded results of set 1: only the seals cover the AAR.
        byte[] tampered = bytes(two.replace("i=1; mx.hop.example; spf=pass", "i=1; mx.hop.example; spf=fail"));
        ArcOutcome outcome = verifier.verify(tampered, DNS);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(outcome.reason()).startsWith("ARC-Seal i=2: signature did not verify");
    }

    @Test
    void aRemovedSetFailsAsAGap() {
        String three = text(seal(seal(seal(message(), RELAY), FORWARDER), LIST));
        String withoutSet2 = removeSet(three, 2);
        ArcOutcome outcome = verifier.verify(bytes(withoutSet2), DNS);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(outcome.reason()).isEqualTo("ARC set i=2 has no ARC-Authentication-Results");
    }

    @Test
    void aDuplicatedInstanceFails() {
        String one = text(seal(message(), LIST));
        String seal = one.substring(0, one.indexOf("ARC-Message-Signature:"));
        ArcOutcome outcome = verifier.verify(bytes(seal + one), DNS);
        assertThat(outcome.reason()).isEqualTo("two ARC-Seal fields with i=1");
    }

    @Test
    void cvMustBeNoneAtOneAndPassAfter() {
        String one = text(seal(message(), LIST));
        assertThat(verifier.verify(bytes(one.replace("cv=none", "cv=pass")), DNS).reason())
                .isEqualTo("ARC-Seal i=1 has cv=pass, expected cv=none");
        String two = text(seal(seal(message(), RELAY), LIST));
        assertThat(verifier.verify(bytes(two.replace("cv=pass", "cv=fail")), DNS).reason())
                .isEqualTo("ARC-Seal i=2 has cv=fail, expected cv=pass");
    }

    @Test
    void aSealWithAnHTagFails() {
        String one = text(seal(message(), LIST));
        String withH = one.replaceFirst("ARC-Seal: i=1;", "ARC-Seal: i=1; h=from;");
        assertThat(verifier.verify(bytes(withH), DNS).reason()).isEqualTo("ARC-Seal i=1: h= not allowed in ARC-Seal");
    }

    @Test
    void brokenBase64FailsWithoutThrowing() {
        String one = text(seal(message(), LIST));
        String broken = one.replaceFirst("bh=", "bh=!!!");
        assertThat(verifier.verify(bytes(broken), DNS).reason())
                .isEqualTo("ARC-Message-Signature i=1: bh= is not base64");
    }

    @Test
    void moreThanFiftySetsFailUnread() {
        StringBuilder fields = new StringBuilder();
        for (int i = 1; i <= 51; i++) {
            fields.append("ARC-Seal: i=").append(i).append("; a=rsa-sha256; cv=pass; d=x.example; s=s; b=AA==\r\n")
                    .append("ARC-Message-Signature: i=").append(i).append("; a=rsa-sha256; d=x.example; s=s; h=from; bh=AA==; b=AA==\r\n")
                    .append("ARC-Authentication-Results: i=").append(i).append("; x.example; none\r\n");
        }
        InMemoryDnsClient dns = new InMemoryDnsClient();
        ArcOutcome outcome = verifier.verify(bytes(fields + text(message())), dns);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(outcome.reason()).isEqualTo("more than 50 ARC sets");
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void a1024BitKeyIsAcceptedAndAShorterPublishedKeyIsRefused() {
        DkimTestSigner rsa1024 = ArcHops.publish(DkimTestSigner.rsa("weak.example", "w", 1024));
        assertThat(verifier.verify(seal(message(), rsa1024), DNS).result()).isEqualTo(ArcResult.PASS);
        // RFC 8301 §3.2: the key the DNS gives is what counts (a signer cannot even make a 512-bit seal with ours).
        InMemoryDnsClient dns = new InMemoryDnsClient()
                .txt(rsa1024.keyRecordName(), DkimTestSigner.rsa("weak.example", "w", 512).txtRecord());
        ArcOutcome outcome = verifier.verify(seal(message(), rsa1024), dns);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(outcome.reason()).isEqualTo("ARC-Message-Signature i=1: key too short (512 bits, RFC 8301)");
    }

    @Test
    void aDnsFailureIsATemperrorNeverAPass() {
        InMemoryDnsClient dns = new InMemoryDnsClient().tempFail(LIST.keyRecordName());
        ArcOutcome outcome = verifier.verify(seal(message(), LIST), dns);
        assertThat(outcome.result()).isEqualTo(ArcResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo("ARC-Message-Signature i=1: key unavailable (DNS temporary failure)");
        assertThat(outcome.oldestPass()).isZero();
        assertThat(outcome.sets()).singleElement().satisfies(set -> assertThat(set.instance()).isEqualTo(1));
    }

    @Test
    void anOlderSealersKeyUnavailableIsATemperrorToo() {
        // The latest AMS and seal verify; the key of seal 1 cannot be fetched for now.
        InMemoryDnsClient dns = new InMemoryDnsClient().txt(LIST.keyRecordName(), LIST.txtRecord())
                .tempFail(RELAY.keyRecordName());
        ArcOutcome outcome = verifier.verify(seal(seal(message(), RELAY), LIST), dns);
        assertThat(outcome.result()).isEqualTo(ArcResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo("ARC-Seal i=1: key unavailable (DNS temporary failure)");
    }

    @Test
    void aKeyUnavailableBesideASignatureThatFailsForGoodIsAFail() {
        // The latest AMS's key cannot be fetched, but seal 1 is broken for good: the chain is a fail whatever the DNS.
        byte[] sealed = seal(seal(message(), RELAY), LIST);
        String text = text(sealed);
        // The newest set is on top: the second ARC-Seal field is the seal of instance 1.
        int seal1 = text.indexOf("ARC-Seal", text.indexOf("ARC-Seal") + 1);
        assertThat(text.substring(seal1, seal1 + 40)).contains("i=1;");
        int b = text.indexOf("b=", text.indexOf("s=", seal1)) + 10;
        char flipped = text.charAt(b) == 'A' ? 'B' : 'A';
        byte[] tampered = bytes(text.substring(0, b) + flipped + text.substring(b + 1));
        InMemoryDnsClient dns = new InMemoryDnsClient().tempFail(LIST.keyRecordName())
                .txt(RELAY.keyRecordName(), RELAY.txtRecord());
        ArcOutcome outcome = verifier.verify(tampered, dns);
        assertThat(outcome.result()).isEqualTo(ArcResult.FAIL);
        assertThat(outcome.reason()).isEqualTo("ARC-Seal i=1: signature did not verify");
    }

    @Test
    void theSignerAddsNoSetToAChainWhoseStatusIsATemperror() {
        // RFC 8617 §4.4 has no cv= for "unknown for now"; cv=fail would break the chain for every later hop.
        assertThat(ArcHops.signer(LIST, "relaxed/relaxed").seal(seal(message(), RELAY), ArcResult.TEMPERROR,
                "x; arc=temperror", 0)).isEqualTo(new ArcSigner.Refused(ArcSigner.Refusal.CHAIN_UNVERIFIED));
    }

    @Test
    void eachKeyIsQueriedOncePerMessage() {
        InMemoryDnsClient dns = new InMemoryDnsClient();
        dns.txt(LIST.keyRecordName(), LIST.txtRecord());
        byte[] sealed = seal(seal(seal(message(), LIST), LIST), LIST);
        assertThat(verifier.verify(sealed, dns).result()).isEqualTo(ArcResult.PASS);
        assertThat(dns.txtQueries()).containsExactly(LIST.keyRecordName());
    }

    @Test
    void lfLineEndsVerifyAsCrlf() {
        byte[] sealed = seal(seal(message(), RELAY), LIST);
        byte[] lf = bytes(text(sealed).replace("\r\n", "\n"));
        assertThat(verifier.verify(lf, DNS).result()).isEqualTo(ArcResult.PASS);
    }

    @Test
    void theSignerRefusesAFullOrBrokenChain() {
        ArcSigner signer = ArcHops.signer(LIST, "relaxed/relaxed");
        String gap = "ARC-Seal: i=2; a=rsa-sha256; cv=pass; d=x.example; s=s; b=AA==\r\n";
        assertThat(signer.seal(bytes(gap + text(message())), ArcResult.PASS, "x; none", 0))
                .isEqualTo(new ArcSigner.Refused(ArcSigner.Refusal.CHAIN_BROKEN));
        StringBuilder fifty = new StringBuilder();
        for (int i = 1; i <= 50; i++) {
            fifty.append("ARC-Seal: i=").append(i).append("; a=rsa-sha256; cv=pass; d=x.example; s=s; b=AA==\r\n")
                    .append("ARC-Message-Signature: i=").append(i).append("; a=rsa-sha256; d=x.example; s=s; h=from; bh=AA==; b=AA==\r\n")
                    .append("ARC-Authentication-Results: i=").append(i).append("; x.example; none\r\n");
        }
        assertThat(signer.seal(bytes(fifty + text(message())), ArcResult.PASS, "x; none", 0))
                .isEqualTo(new ArcSigner.Refused(ArcSigner.Refusal.CHAIN_FULL));
        // A chain that arrived failing is continued with cv=fail (RFC 8617 §5.1.1), its seal covering its own set only.
        byte[] failed = seal(message(), LIST);
        ArcSigner.Sealed next = (ArcSigner.Sealed) signer.seal(failed, ArcResult.FAIL, "x; arc=fail", 0);
        assertThat(next.instance()).isEqualTo(2);
        assertThat(next.fields().get(0).value()).contains("cv=fail");
    }

    /** The message without the three fields of instance {@code i} (their folded lines included). */
    static String removeSet(String message, int i) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : message.split("\r\n", -1)) {
            if (!line.startsWith(" ") && !line.startsWith("\t")) {
                skipping = line.startsWith("ARC-") && line.matches("ARC-[A-Za-z-]+: i=" + i + ";.*");
            }
            if (!skipping) {
                out.append(line).append("\r\n");
            }
        }
        return out.substring(0, out.length() - 2);
    }
}
