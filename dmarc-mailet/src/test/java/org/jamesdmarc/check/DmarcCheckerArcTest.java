package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcSigner;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.mail.HeaderField;
import org.jamesdmarc.policy.ArcOverride;
import org.jamesdmarc.policy.ArcSealers;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A p=reject message relayed by a list that rewrote it and sealed it (RFC 8617): delivered with {@code mailing_list}
 * or {@code trusted_forwarder} when that sealer is trusted, refused as before when not or when the chain is broken;
 * our Authentication-Results always carry {@code arc=}.
 */
class DmarcCheckerArcTest {

    private static final DomainName LIST = DomainName.of("lists.example.org");

    private FakeDnsServer dns;
    private DkimTestSigner listKey;

    @BeforeEach
    void startDns() throws Exception {
        dns = FakeDnsServer.start();
        listKey = DkimTestSigner.rsa2048(LIST.name(), "arc1");
        dns.txt("_dmarc.sender.test", "v=DMARC1; p=reject")
                .txt("sender.test", "v=spf1 ip4:127.0.0.2 -all")
                .txt("lists.example.org", "v=spf1 ip4:127.0.0.9 -all")
                .txt(listKey.keyRecordName(), listKey.txtRecord());
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    /** What the list sends on: Subject rewritten, then sealed, recording the DMARC pass it saw on arrival. */
    private byte[] listMessage(String recorded) {
        byte[] rewritten = ("From: a@sender.test\r\nTo: list@lists.example.org\r\nSubject: [list] hi\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@sender.test>\r\n\r\nbody\r\n-- \r\nfooter\r\n")
                .getBytes(StandardCharsets.UTF_8);
        ArcSigner signer = new ArcSigner(LIST, "arc1", listKey.privateKey(), "relaxed/relaxed",
                ArcSigner.DEFAULT_SIGNED_FIELDS);
        ArcSigner.Sealed sealed = (ArcSigner.Sealed) signer.seal(rewritten, ArcOutcome.NONE, recorded, 1_700_000_000L);
        StringBuilder head = new StringBuilder();
        for (HeaderField f : sealed.fields()) {
            head.append(f.name()).append(':').append(f.value()).append("\r\n");
        }
        return (head + new String(rewritten, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private CheckOutcome.Evaluated check(ArcSealers sealers, byte[] message) throws Exception {
        CheckSettings settings = new DmarcCheckerTest.SettingsBuilder(dns.settings()).build().withArcSealers(sealers);
        CheckOutcome outcome = DmarcChecker.create(settings).check(new MessageContext(InetAddress.getByName("127.0.0.9"),
                "lists.example.org", Optional.of("bounce@lists.example.org"), false, message));
        assertThat(outcome).isInstanceOf(CheckOutcome.Evaluated.class);
        return (CheckOutcome.Evaluated) outcome;
    }

    private static final String RECORDED = "lists.example.org; spf=pass smtp.mailfrom=sender.test; "
            + "dmarc=pass header.from=sender.test";

    @Test
    void aTrustedListLowersTheRejectToNoneWithMailingList() throws Exception {
        CheckOutcome.Evaluated e = check(new ArcSealers(Set.of(), Set.of(LIST)), listMessage(RECORDED));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.evaluation().overrides()).containsExactly(PolicyOverride.MAILING_LIST);
        assertThat(e.arc().result()).isEqualTo(ArcResult.PASS);
        assertThat(e.arcOverride()).map(ArcOverride.Decision::sealer).contains(LIST);
        assertThat(e.authenticationResults()).contains("dmarc=fail").endsWith("; arc=pass header.oldest-pass=0");
        // dmarc evaluate --json shows the chain and the override; the hand-written JSON is Jackson's, character for character.
        String json = EvaluationJson.toJson(e);
        assertThat(json).contains("\"reasons\":[\"mailing_list\"]").contains("\"arc\":{\"result\":\"pass\",\"oldestPass\":0,"
                + "\"reason\":\"chain of 1 verified\",\"sealers\":[{\"instance\":1,\"domain\":\"lists.example.org\"}],"
                + "\"override\":\"mailing_list\"}");
        assertThat(json).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(EvaluationJson.toTree(e)));
    }

    @Test
    void aTrustedForwarderGivesTrustedForwarder() throws Exception {
        CheckOutcome.Evaluated e = check(new ArcSealers(Set.of(LIST), Set.of()), listMessage(RECORDED));
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.evaluation().overrides()).containsExactly(PolicyOverride.TRUSTED_FORWARDER);
    }

    @Test
    void anUntrustedSealerChangesNothing() throws Exception {
        CheckOutcome.Evaluated e = check(ArcSealers.NONE, listMessage(RECORDED));
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
        assertThat(e.evaluation().overrides()).isEmpty();
        assertThat(e.arc().result()).isEqualTo(ArcResult.PASS);
        assertThat(e.arcOverride()).isEmpty();
        assertThat(e.authenticationResults()).contains("arc=pass");
    }

    @Test
    void aBrokenChainFromATrustedSealerChangesNothing() throws Exception {
        byte[] tampered = (new String(listMessage(RECORDED), StandardCharsets.UTF_8) + "appended\r\n")
                .getBytes(StandardCharsets.UTF_8);
        CheckOutcome.Evaluated e = check(new ArcSealers(Set.of(LIST), Set.of(LIST)), tampered);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
        assertThat(e.arc().result()).isEqualTo(ArcResult.FAIL);
        assertThat(e.authenticationResults())
                .contains("arc=fail reason=\"ARC-Message-Signature i=1: body hash did not verify\"");
    }

    @Test
    void aSealersKeyTheDnsCannotGiveIsATemperrorAndNeverAnOverride() throws Exception {
        dns.servfail(listKey.keyRecordName());
        CheckOutcome.Evaluated e = check(new ArcSealers(Set.of(LIST), Set.of(LIST)), listMessage(RECORDED));
        assertThat(e.arc().result()).isEqualTo(ArcResult.TEMPERROR);
        assertThat(e.arcOverride()).isEmpty();
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
        assertThat(e.evaluation().overrides()).isEmpty();
        assertThat(e.authenticationResults()).endsWith(
                "; arc=temperror reason=\"ARC-Message-Signature i=1: key unavailable (DNS temporary failure)\"");
        assertThat(EvaluationJson.toJson(e)).contains("\"arc\":{\"result\":\"temperror\"");
    }

    @Test
    void aTrustedSealerThatRecordedNoAlignedPassChangesNothing() throws Exception {
        CheckOutcome.Evaluated e = check(new ArcSealers(Set.of(LIST), Set.of()),
                listMessage("lists.example.org; spf=pass smtp.mailfrom=elsewhere.example; dmarc=fail header.from=sender.test"));
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void aMessageWithoutArcHasNoArcResult() throws Exception {
        byte[] plain = ("From: a@sender.test\r\nTo: b@receiver.test\r\nSubject: x\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <2@sender.test>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
        CheckOutcome.Evaluated e = check(new ArcSealers(Set.of(LIST), Set.of()), plain);
        assertThat(e.arc()).isEqualTo(ArcOutcome.NONE);
        assertThat(e.authenticationResults()).doesNotContain("; arc=");
    }
}
