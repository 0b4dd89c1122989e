package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.EvaluationRecordCodec.MalformedRecordException;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PsdFlag;
import org.junit.jupiter.api.Test;

class EvaluationRecordCodecTest {

    private static final MessageKey KEY = new MessageKey("0123456789abcdef0123456789abcdef");

    private static EvaluationRecord rich() throws Exception {
        return EvaluationRecord.of(KEY, Instant.parse("2026-12-01T10:15:30.123Z"), EvaluationRecordTest.richOutcome(),
                Optional.of("<bounce@bounce.example.net>"), List.of("a@rcpt.example.org", "b@other.example"),
                ActionTaken.QUARANTINED).orElseThrow();
    }

    /** No record found, no optional part present: every absent branch of the format. */
    private static EvaluationRecord bare() throws Exception {
        return new EvaluationRecord(new MessageKey("ffffffffffffffffffffffffffffffff"), Instant.ofEpochMilli(0),
                InetAddress.getByName("192.0.2.7"), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                DiscoveryMode.TREEWALK, Optional.empty(), Optional.empty(), DmarcResult.NONE, Optional.empty(),
                Disposition.NONE, ActionTaken.REJECTED_AT_SMTP, List.of(),
                new EvaluationRecord.Spf(Optional.empty(), SpfScope.HELO, SpfResult.NONE, AlignmentStatus.NOT_CHECKED),
                List.of(new EvaluationRecord.Dkim(Optional.empty(), "", DkimResult.PERMERROR, AlignmentStatus.NOT_CHECKED)));
    }

    @Test
    void aRecordWithEveryPartComesBackEqual() throws Exception {
        EvaluationRecord r = rich();
        assertThat(r.published()).isPresent();
        assertThat(r.published().get().pct()).isEqualTo(OptionalInt.of(50));
        assertThat(EvaluationRecordCodec.decode(EvaluationRecordCodec.encode(r))).isEqualTo(r);
    }

    @Test
    void aRecordWithNothingOptionalComesBackEqual() throws Exception {
        EvaluationRecord r = bare();
        assertThat(EvaluationRecordCodec.decode(EvaluationRecordCodec.encode(r))).isEqualTo(r);
    }

    @Test
    void aPublishedPolicyWithoutPctOrPoliciesComesBackEqual() throws Exception {
        EvaluationRecord base = bare();
        EvaluationRecord.PublishedPolicy p = new EvaluationRecord.PublishedPolicy(Optional.of(Policy.NONE), Optional.empty(),
                Optional.empty(), PsdFlag.UNSPECIFIED, false, AlignmentMode.RELAXED, AlignmentMode.STRICT, List.of(),
                List.of("mailto:a@example.com"), List.of(), OptionalInt.empty());
        EvaluationRecord r = new EvaluationRecord(base.key(), base.time(), base.sourceIp(), Optional.of(DomainName.of("xn--bcher-kva.example")),
                base.envelopeFrom(), List.of(DomainName.of("b.example"), DomainName.of("a.example")),
                Optional.of(DomainName.of("xn--bcher-kva.example")), DiscoveryMode.PSL, base.policyDomainRole(), Optional.of(p),
                DmarcResult.FAIL, base.appliedPolicy(), Disposition.NONE, ActionTaken.TAGGED, base.overrides(), base.spf(), List.of());
        assertThat(EvaluationRecordCodec.decode(EvaluationRecordCodec.encode(r))).isEqualTo(r);
    }

    @Test
    void everyTruncationIsAMalformedRecordNeverAnotherException() throws Exception {
        byte[] bytes = EvaluationRecordCodec.encode(rich());
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> EvaluationRecordCodec.decode(cut))
                    .as("cut to %d of %d bytes", n, bytes.length)
                    .isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void trailingBytesAreRefused() throws Exception {
        byte[] bytes = EvaluationRecordCodec.encode(bare());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> EvaluationRecordCodec.decode(longer))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("after the end");
    }

    @Test
    void theArcSealerOfAnOverrideComesBackEqual() throws Exception {
        EvaluationRecord base = bare();
        EvaluationRecord r = new EvaluationRecord(base.key(), base.time(), base.sourceIp(), base.headerFrom(),
                base.envelopeFrom(), base.envelopeTo(), base.policyDomain(), base.discoveryMode(), base.policyDomainRole(),
                base.published(), DmarcResult.FAIL, base.appliedPolicy(), Disposition.NONE, ActionTaken.DELIVERED,
                List.of(org.jamesdmarc.policy.PolicyOverride.TRUSTED_FORWARDER), base.spf(), base.dkim(),
                Optional.of(new EvaluationRecord.ArcSealer(DomainName.of("lists.example.org"), 50)));
        assertThat(EvaluationRecordCodec.decode(EvaluationRecordCodec.encode(r))).isEqualTo(r);
        assertThat(r.arcSealer().orElseThrow().comment()).isEqualTo("arc=pass as=50 d=lists.example.org");
        assertThat(r.withAction(ActionTaken.TAGGED).arcSealer()).isEqualTo(r.arcSealer());
    }

    @Test
    void aVersion1RecordOfThePreviousReleaseIsStillRead() throws Exception {
        // What a journal left by the previous release holds: version 1, no ARC sealer after the DKIM signatures.
        byte[] v2 = EvaluationRecordCodec.encode(bare());
        byte[] v1 = Arrays.copyOf(v2, v2.length - 1);
        v1[0] = 1;
        EvaluationRecord r = EvaluationRecordCodec.decode(v1);
        assertThat(r).isEqualTo(bare());
        assertThat(r.arcSealer()).isEmpty();
    }

    @Test
    void anotherFormatVersionIsNamed() throws Exception {
        byte[] bytes = EvaluationRecordCodec.encode(bare());
        bytes[0] = 3;
        assertThatThrownBy(() -> EvaluationRecordCodec.decode(bytes))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("format 3");
        assertThatThrownBy(() -> EvaluationRecordCodec.decode(new byte[0])).isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> EvaluationRecordCodec.decode(null)).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void corruptedBytesDecodeToAValidRecordOrAreRefusedNeverThrowOtherwise() throws Exception {
        byte[] original = EvaluationRecordCodec.encode(rich());
        Random random = new Random(20261201);
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] b = original.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                EvaluationRecord r = EvaluationRecordCodec.decode(b);
                // A flip that still decodes gives a valid record, stable through another round trip (the record may
                // be canonical where the bytes were not, e.g. recipient domains out of order).
                assertThat(EvaluationRecordCodec.decode(EvaluationRecordCodec.encode(r))).isEqualTo(r);
            } catch (MalformedRecordException expected) {
                refused++;
            } catch (RuntimeException e) {
                fail("round " + round + " threw " + e, e);
            }
        }
        assertThat(refused).isGreaterThan(10_000);
    }

    @Test
    void aHugeListCountIsRefusedBeforeAnyAllocation() throws Exception {
        byte[] bytes = EvaluationRecordCodec.encode(bare());
        // The recipient count follows version, key, time, the IP and two empty domains.
        int at = 1 + (2 + 32) + 8 + (1 + 4) + 2 + 2;
        bytes[at] = 0x7f;
        assertThatThrownBy(() -> EvaluationRecordCodec.decode(bytes))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("list of");
    }
}
