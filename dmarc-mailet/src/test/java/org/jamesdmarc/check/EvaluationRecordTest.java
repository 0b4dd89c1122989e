package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.DiscoveryResult;
import org.jamesdmarc.policy.DiscoveryStatus;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DkimAlignment;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.policy.PsdFlag;
import org.jamesdmarc.policy.RecordParseResult;
import org.jamesdmarc.policy.RecordParser;
import org.jamesdmarc.policy.SpfAlignment;
import org.junit.jupiter.api.Test;

class EvaluationRecordTest {

    private static final Instant TIME = Instant.parse("2026-12-01T10:15:30.123456Z");
    private static final MessageKey KEY = new MessageKey("0123456789abcdef0123456789abcdef");

    /**
     * Mail from a subdomain, mail.example.com, whose Organizational Domain example.com publishes a full record
     * (PSL discovery), behind a trusted relay; two signatures, one aligned.
     */
    static CheckOutcome.Evaluated richOutcome() throws Exception {
        DomainName author = DomainName.of("mail.example.com");
        DomainName org = DomainName.of("example.com");
        RecordParseResult.Parsed parsed = (RecordParseResult.Parsed) RecordParser.parse(
                "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=n; t=y; adkim=s; aspf=r; fo=1:d; "
                        + "rua=mailto:agg@example.com,mailto:agg@reports.example.net!10m; ruf=mailto:ruf@example.com; pct=50");
        DiscoveryResult discovery = new DiscoveryResult(DiscoveryStatus.FOUND, DiscoveryMode.PSL, Optional.of(author),
                Optional.of(org), Optional.of(PolicyDomainRole.ORGANIZATIONAL_DOMAIN), Optional.of(org),
                Optional.of(parsed.record()), parsed.warnings(), 2, List.of("_dmarc.mail.example.com", "_dmarc.example.com"),
                List.of());
        SpfOutcome spf = new SpfOutcome(SpfResult.SOFTFAIL, DomainName.of("bounce.example.net"), SpfScope.MFROM);
        DkimOutcome signed = new DkimOutcome(DkimResult.PASS, DomainName.of("mail.example.com"), "s2026", "");
        DkimOutcome other = new DkimOutcome(DkimResult.FAIL, Optional.empty(), "", "no d= tag");
        DmarcEvaluation evaluation = new DmarcEvaluation(DmarcResult.PASS, Optional.of(author), Optional.of(org),
                Optional.of(org), Optional.of(new AppliedPolicy(AppliedPolicyTag.SP, Policy.QUARANTINE)),
                Disposition.NONE, true, List.of(PolicyOverride.POLICY_TEST_MODE, PolicyOverride.LOCAL_POLICY),
                new SpfAlignment(spf, AlignmentMode.RELAXED, AlignmentStatus.NOT_ALIGNED),
                List.of(new DkimAlignment(signed, AlignmentMode.STRICT, AlignmentStatus.ALIGNED),
                        new DkimAlignment(other, AlignmentMode.STRICT, AlignmentStatus.NOT_CHECKED)),
                discovery, 2, List.of());
        return new CheckOutcome.Evaluated(evaluation, spf, List.of(signed, other), ResultSource.SELF, ResultSource.SELF,
                new ClientIdentity(InetAddress.getByName("2001:db8::25"), "mx.example.net", true),
                "mx.example.org; dmarc=pass", List.of());
    }

    @Test
    void everyFieldOfAnEvaluatedOutcomeIsCarried() throws Exception {
        EvaluationRecord r = EvaluationRecord.of(KEY, TIME, richOutcome(), Optional.of("<Bounce+x=y@Bounce.Example.NET>"),
                List.of("a@Rcpt.example.org", "b@rcpt.example.org", "c@other.example", "not-an-address", "d@[192.0.2.1]"),
                ActionTaken.TAGGED).orElseThrow();

        assertThat(r.key()).isEqualTo(KEY);
        assertThat(r.time()).isEqualTo(Instant.parse("2026-12-01T10:15:30.123Z"));
        assertThat(r.sourceIp()).isEqualTo(InetAddress.getByName("2001:db8::25"));
        assertThat(r.headerFrom()).contains(DomainName.of("mail.example.com"));
        assertThat(r.envelopeFrom()).contains(DomainName.of("bounce.example.net"));
        assertThat(r.envelopeTo()).containsExactly(DomainName.of("other.example"), DomainName.of("rcpt.example.org"));
        assertThat(r.policyDomain()).contains(DomainName.of("example.com"));
        assertThat(r.discoveryMode()).isEqualTo(DiscoveryMode.PSL);
        assertThat(r.policyDomainRole()).contains(PolicyDomainRole.ORGANIZATIONAL_DOMAIN);
        assertThat(r.result()).isEqualTo(DmarcResult.PASS);
        assertThat(r.appliedPolicy()).contains(new AppliedPolicy(AppliedPolicyTag.SP, Policy.QUARANTINE));
        assertThat(r.disposition()).isEqualTo(Disposition.NONE);
        assertThat(r.action()).isEqualTo(ActionTaken.TAGGED);
        assertThat(r.overrides()).containsExactly(PolicyOverride.POLICY_TEST_MODE, PolicyOverride.LOCAL_POLICY);
        assertThat(r.spf()).isEqualTo(new EvaluationRecord.Spf(Optional.of(DomainName.of("bounce.example.net")),
                SpfScope.MFROM, SpfResult.SOFTFAIL, AlignmentStatus.NOT_ALIGNED));
        assertThat(r.dkim()).containsExactly(
                new EvaluationRecord.Dkim(Optional.of(DomainName.of("mail.example.com")), "s2026", DkimResult.PASS,
                        AlignmentStatus.ALIGNED),
                new EvaluationRecord.Dkim(Optional.empty(), "", DkimResult.FAIL, AlignmentStatus.NOT_CHECKED));

        EvaluationRecord.PublishedPolicy p = r.published().orElseThrow();
        assertThat(p.p()).contains(Policy.REJECT);
        assertThat(p.sp()).contains(Policy.QUARANTINE);
        assertThat(p.np()).contains(Policy.REJECT);
        assertThat(p.psd()).isEqualTo(PsdFlag.NO);
        assertThat(p.testing()).isTrue();
        assertThat(p.adkim()).isEqualTo(AlignmentMode.STRICT);
        assertThat(p.aspf()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(p.fo()).containsExactly("1", "d");
        assertThat(p.rua()).containsExactly("mailto:agg@example.com", "mailto:agg@reports.example.net!10m");
        assertThat(p.ruf()).containsExactly("mailto:ruf@example.com");
        assertThat(p.pct()).isEqualTo(OptionalInt.of(50));
    }

    @Test
    void withoutARecordThereIsNoPolicyDomainRoleOrPublishedPolicy() {
        EvaluationRecord r = EvaluationRecord.of(KEY, TIME, Outcomes.temperror(), Optional.empty(), List.of("u@example.org"),
                ActionTaken.DELIVERED).orElseThrow();

        assertThat(r.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(r.policyDomain()).isEmpty();
        assertThat(r.policyDomainRole()).isEmpty();
        assertThat(r.published()).isEmpty();
        assertThat(r.appliedPolicy()).isEmpty();
        assertThat(r.envelopeFrom()).as("the null reverse-path").isEmpty();
        assertThat(r.headerFrom()).contains(DomainName.of("example.com"));
        assertThat(r.discoveryMode()).isEqualTo(DiscoveryMode.TREEWALK);
    }

    @Test
    void aRejectionAtSmtpKeepsTheDisposition() {
        EvaluationRecord r = EvaluationRecord.of(KEY, TIME, Outcomes.fail(Policy.REJECT, Disposition.REJECT),
                Optional.of("a@example.net"), List.of(), ActionTaken.REJECTED_AT_SMTP).orElseThrow();

        assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(r.disposition()).isEqualTo(Disposition.REJECT);
        assertThat(r.action()).isEqualTo(ActionTaken.REJECTED_AT_SMTP);
        assertThat(r.published().orElseThrow().p()).contains(Policy.REJECT);
        assertThat(r.published().orElseThrow().sp()).isEmpty();
        assertThat(r.published().orElseThrow().psd()).isEqualTo(PsdFlag.UNSPECIFIED);
    }

    @Test
    void withActionChangesTheActionOnly() {
        EvaluationRecord delivered = EvaluationRecord.of(KEY, TIME, Outcomes.fail(Policy.REJECT, Disposition.QUARANTINE),
                Optional.of("a@example.net"), List.of("b@example.org"), ActionTaken.DELIVERED).orElseThrow();

        EvaluationRecord quarantined = delivered.withAction(ActionTaken.QUARANTINED);

        assertThat(quarantined.action()).isEqualTo(ActionTaken.QUARANTINED);
        assertThat(quarantined).isNotEqualTo(delivered);
        assertThat(quarantined.withAction(ActionTaken.DELIVERED)).isEqualTo(delivered);
    }

    @Test
    void skippedAndRefusedMessagesAreNotRecorded() {
        assertThat(EvaluationRecord.of(KEY, TIME, Outcomes.skipped(SkipReason.IGNORED_HOST), Optional.empty(), List.of(),
                ActionTaken.DELIVERED)).isEmpty();
        assertThat(EvaluationRecord.of(KEY, TIME, Outcomes.refused(HeaderViolation.MULTI_VALUE_FROM), Optional.empty(),
                List.of(), ActionTaken.REJECTED_AT_SMTP)).isEmpty();
    }

    @Test
    void actionKeywordsAreStable() {
        assertThat(List.of(ActionTaken.values()).stream().map(ActionTaken::keyword))
                .containsExactly("delivered", "quarantined", "rejected", "tagged");
        for (ActionTaken a : ActionTaken.values()) {
            assertThat(ActionTaken.fromKeyword(a.keyword().toUpperCase())).contains(a);
        }
        assertThat(ActionTaken.fromKeyword("bounced")).isEmpty();
    }

    @Test
    void theKeyIgnoresRecipientsAndTimeButNotTheMessage() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.7");
        byte[] body = "From: a@example.com\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII);
        MessageKey byId = MessageKey.of(client, Optional.of("s@example.net"), Optional.of("<abc@example.com>"), body);

        assertThat(byId.value()).matches("[0-9a-f]{32}");
        assertThat(MessageKey.of(client, Optional.of("s@example.net"), Optional.of(" abc@example.com "), new byte[0]))
                .as("the Message-ID decides, brackets and space aside").isEqualTo(byId);
        assertThat(MessageKey.of(client, Optional.of("s@example.net"), Optional.of("<other@example.com>"), body))
                .isNotEqualTo(byId);
        assertThat(MessageKey.of(InetAddress.getByName("192.0.2.8"), Optional.of("s@example.net"),
                Optional.of("<abc@example.com>"), body)).isNotEqualTo(byId);
        assertThat(MessageKey.of(client, Optional.empty(), Optional.of("<abc@example.com>"), body)).isNotEqualTo(byId);

        MessageKey byContent = MessageKey.of(client, Optional.empty(), Optional.empty(), body);
        assertThat(MessageKey.of(client, Optional.empty(), Optional.of("  "), body)).isEqualTo(byContent);
        assertThat(MessageKey.of(client, Optional.empty(), Optional.empty(), "x".getBytes(StandardCharsets.US_ASCII)))
                .isNotEqualTo(byContent);
        assertThat(MessageKey.of(new MessageContext(client, "helo", Optional.empty(), false, body), Optional.empty()))
                .isEqualTo(byContent);
    }

    @Test
    void aKeyIs32LowerCaseHexDigits() {
        assertThatThrownBy(() -> new MessageKey("ABC")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageKey("0123456789ABCDEF0123456789abcdef"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDiscardSinkTakesAnything() {
        EvaluationSink.DISCARD.accept(EvaluationRecord.of(KEY, TIME, Outcomes.pass(), Optional.empty(), List.of(),
                ActionTaken.DELIVERED).orElseThrow());
    }
}
