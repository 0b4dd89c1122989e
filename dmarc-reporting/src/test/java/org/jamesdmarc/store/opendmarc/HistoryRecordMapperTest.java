package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.policy.PolicyOverride;
import org.junit.jupiter.api.Test;

class HistoryRecordMapperTest {

    private static final String PASSING = """
            job 4Q00000000
            reporter mx1.receiver.example
            received 1795478400
            ipaddr 198.51.100.2
            from d00001.example
            mfrom bounce.d00001.example
            spf 0
            pdomain d00001.example
            policy 15
            rua mailto:dmarc@d00001.example
            pct 100
            adkim 114
            aspf 115
            p 113
            sp 0
            dkim d00001.example s1 0
            dkim other.example s2 7
            align_dkim 4
            align_spf 4
            arc 7
            arc_policy 2 json:[]
            action 2
            """;

    private static HistoryEntry entry(String text) throws IOException {
        List<HistoryEntry> entries = new ArrayList<>();
        List<HistoryWarning> warnings = new ArrayList<>();
        try (OpenDmarcHistoryReader r = new OpenDmarcHistoryReader(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), HistoryReadLimits.DEFAULTS,
                warnings::add)) {
            r.forEachRemaining(entries::add);
        }
        assertThat(warnings).isEmpty();
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    @Test
    void mapsAPassingEntryFieldForField() throws Exception {
        EvaluationRecord r = HistoryRecordMapper.toRecord(entry(PASSING));
        DomainName from = DomainName.of("d00001.example");
        assertThat(r.time()).isEqualTo(Instant.ofEpochSecond(1795478400));
        assertThat(r.sourceIp()).isEqualTo(InetAddress.getByName("198.51.100.2"));
        assertThat(r.headerFrom()).contains(from);
        assertThat(r.envelopeFrom()).contains(DomainName.of("bounce.d00001.example"));
        assertThat(r.envelopeTo()).isEmpty();
        assertThat(r.policyDomain()).contains(from);
        assertThat(r.discoveryMode()).isEqualTo(DiscoveryMode.PSL);
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.AUTHOR_DOMAIN);
        EvaluationRecord.PublishedPolicy pub = r.published().orElseThrow();
        assertThat(pub.p()).contains(Policy.QUARANTINE);
        assertThat(pub.sp()).isEmpty();
        assertThat(pub.adkim()).isEqualTo(org.jamesdmarc.policy.AlignmentMode.RELAXED);
        assertThat(pub.aspf()).isEqualTo(org.jamesdmarc.policy.AlignmentMode.STRICT);
        assertThat(pub.rua()).containsExactly("mailto:dmarc@d00001.example");
        assertThat(pub.pct()).isEqualTo(OptionalInt.of(100));
        assertThat(r.result()).isEqualTo(DmarcResult.PASS);
        assertThat(r.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.P, Policy.QUARANTINE));
        assertThat(r.disposition()).isEqualTo(Disposition.NONE);
        assertThat(r.action()).isEqualTo(ActionTaken.DELIVERED);
        assertThat(r.overrides()).isEmpty();
        assertThat(r.spf()).isEqualTo(new EvaluationRecord.Spf(Optional.of(DomainName.of("bounce.d00001.example")),
                SpfScope.MFROM, SpfResult.PASS, AlignmentStatus.ALIGNED));
        assertThat(r.dkim()).containsExactly(
                new EvaluationRecord.Dkim(Optional.of(from), "s1", DkimResult.PASS, AlignmentStatus.ALIGNED),
                new EvaluationRecord.Dkim(Optional.of(DomainName.of("other.example")), "s2", DkimResult.FAIL,
                        AlignmentStatus.NOT_CHECKED));
    }

    @Test
    void aRejectedFailureFromAnOrganizationalDomainRecord() throws Exception {
        String text = PASSING.replace("from d00001.example", "from mail.d00001.example")
                .replace("policy 15", "policy 16").replace("p 113", "p 114").replace("sp 0", "sp 113")
                .replace("align_dkim 4", "align_dkim 5").replace("align_spf 4", "align_spf 5")
                .replace("spf 0", "spf 7").replace("action 2", "action 0");
        EvaluationRecord r = HistoryRecordMapper.toRecord(entry(text));
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.ORGANIZATIONAL_DOMAIN);
        assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(r.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.SP, Policy.QUARANTINE));
        assertThat(r.disposition()).isEqualTo(Disposition.REJECT);
        assertThat(r.action()).isEqualTo(ActionTaken.REJECTED_AT_SMTP);
        assertThat(r.spf().result()).isEqualTo(SpfResult.FAIL);
        assertThat(r.spf().alignment()).isEqualTo(AlignmentStatus.NOT_CHECKED);
        assertThat(r.dkim().get(0).alignment()).isEqualTo(AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void aFailureDeliveredAnywayIsALocalPolicyOverride() throws Exception {
        EvaluationRecord r = HistoryRecordMapper.toRecord(entry(PASSING.replace("policy 15", "policy 17")));
        assertThat(r.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(r.action()).isEqualTo(ActionTaken.DELIVERED);
        assertThat(r.overrides()).containsExactly(PolicyOverride.LOCAL_POLICY);
    }

    @Test
    void noRecordMeansNoPolicyDomainAndResultNone() throws Exception {
        EvaluationRecord r = HistoryRecordMapper.toRecord(entry(PASSING.replace("policy 15", "policy 14")));
        assertThat(r.result()).isEqualTo(DmarcResult.NONE);
        assertThat(r.policyDomain()).isEmpty();
        assertThat(r.policyDomainRole()).isEmpty();
        assertThat(r.published()).isEmpty();
        assertThat(r.appliedPolicy()).isEmpty();
    }

    @Test
    void theKeyComesFromReporterAndJobIdOnly() throws Exception {
        HistoryEntry a = entry(PASSING);
        assertThat(HistoryRecordMapper.key(a)).as("stable across imports")
                .isEqualTo(HistoryRecordMapper.key(entry(PASSING)));
        assertThat(HistoryRecordMapper.key(entry(PASSING.replace("received 1795478400", "received 1795478999"))))
                .as("same reporter and job: the same message").isEqualTo(HistoryRecordMapper.key(a));
        assertThat(HistoryRecordMapper.key(entry(PASSING.replace("job 4Q00000000", "job 4Q00000001"))))
                .isNotEqualTo(HistoryRecordMapper.key(a));
        assertThat(HistoryRecordMapper.key(entry(PASSING.replace("reporter mx1", "reporter mx2"))))
                .isNotEqualTo(HistoryRecordMapper.key(a));
        assertThat(HistoryRecordMapper.toRecord(a).key()).isEqualTo(HistoryRecordMapper.key(a));
    }

    @Test
    void entriesWithoutAJobIdAreToldApartByTheirContent() throws Exception {
        String unknown = PASSING.replace("job 4Q00000000", "job (unknown-jobid)");
        HistoryEntry a = entry(unknown);
        assertThat(HistoryRecordMapper.key(entry(unknown))).isEqualTo(HistoryRecordMapper.key(a));
        assertThat(HistoryRecordMapper.key(entry(unknown.replace("received 1795478400", "received 1795478401"))))
                .isNotEqualTo(HistoryRecordMapper.key(a));
    }
}
