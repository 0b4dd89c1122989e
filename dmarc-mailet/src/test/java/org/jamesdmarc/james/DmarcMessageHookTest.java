package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.convert.DefaultListDelimiterHandler;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Username;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcSet;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.check.EvaluationSink;
import org.jamesdmarc.check.FailedMessage;
import org.jamesdmarc.check.FailureReportSink;
import org.jamesdmarc.check.HeaderViolation;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.check.Outcomes;
import org.jamesdmarc.check.SkipReason;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.junit.jupiter.api.Test;

import com.google.inject.Guice;

class DmarcMessageHookTest {

    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private final RecordingChecker checker = new RecordingChecker();
    private final List<EvaluationRecord> recorded = new ArrayList<>();

    private DmarcMessageHook hook(CheckOutcome outcome, String... params) throws ConfigurationException {
        return hook(checker.answering(outcome), params);
    }

    private DmarcMessageHook hook(Function<MessageContext, CheckOutcome> checker, String... params) throws ConfigurationException {
        DmarcMessageHook hook = new DmarcMessageHook(metrics, checker);
        hook.init(config(params));
        return hook;
    }

    private static BaseHierarchicalConfiguration config(String... params) {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("authservId", Outcomes.AUTHSERV_ID);
        for (int i = 0; i < params.length; i += 2) {
            config.addProperty(params[i], params[i + 1]);
        }
        return config;
    }

    private static SMTPSession session(Username user) throws Exception {
        SMTPSession session = mock(SMTPSession.class);
        when(session.getRemoteAddress()).thenReturn(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 41000));
        when(session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection))
                .thenReturn(Optional.of("helo.example.net"));
        when(session.getUsername()).thenReturn(user);
        when(session.getSessionID()).thenReturn("s1");
        return session;
    }

    private static FakeMail mail() throws Exception {
        return FakeMail.builder().name("m").mimeMessage(TestMails.message())
                .sender("bounce@bounce.example.net").recipient("bob@example.org").build();
    }

    /** A hook whose SMTP-time rejections go to {@link #recorded}. */
    private DmarcMessageHook recordingHook(CheckOutcome outcome, String... params) throws ConfigurationException {
        DmarcMessageHook hook = hook(outcome, params);
        hook.setEvaluationSink(recorded::add);
        return hook;
    }

    /** The key of {@link #mail()} as sent by 192.0.2.1. */
    private static MessageKey mailKey() throws Exception {
        return MessageKey.of(InetAddress.getByName("192.0.2.1"), Optional.of("bounce@bounce.example.net"),
                Optional.of("<1@example.com>"), TestMails.RAW.getBytes(StandardCharsets.US_ASCII));
    }

    private static CheckOutcome rejectFail() {
        return Outcomes.fail(Policy.REJECT, Disposition.REJECT);
    }

    @Test
    void rejectsPolicyRejectFailuresWhenAskedTo() throws Exception {
        HookResult result = hook(rejectFail(), "rejectFailures", "true").onMessage(session(null), mail());
        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription()).startsWith("5.7.1 ")
                .contains("example.com").contains("p=reject");
    }

    @Test
    void acceptsPolicyRejectFailuresByDefault() throws Exception {
        FakeMail mail = mail();
        HookResult result = hook(rejectFail()).onMessage(session(null), mail);
        assertThat(result).isEqualTo(HookResult.DECLINED);
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.RESULT)).contains("fail");
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.DISPOSITION)).contains("reject");
    }

    @Test
    void doesNotRejectWhenTheDispositionIsLowered() throws Exception {
        // p=reject with t=y: quarantine applies, no SMTP rejection.
        CheckOutcome testing = Outcomes.evaluated(DmarcResult.FAIL, Policy.REJECT, Disposition.QUARANTINE, true,
                List.of(PolicyOverride.POLICY_TEST_MODE), "mx.example.org; dmarc=fail", List.of());
        assertThat(hook(testing, "rejectFailures", "true").onMessage(session(null), mail())).isEqualTo(HookResult.DECLINED);
        assertThat(hook(Outcomes.fail(Policy.QUARANTINE, Disposition.QUARANTINE), "rejectFailures", "yes")
                .onMessage(session(null), mail())).isEqualTo(HookResult.DECLINED);
        assertThat(hook(Outcomes.pass(), "rejectFailures", "true").onMessage(session(null), mail()))
                .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void tempFailsTemperrorWhenAskedTo() throws Exception {
        HookResult result = hook(Outcomes.temperror(), "tempFailOnError", "true").onMessage(session(null), mail());
        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(result.getSmtpRetCode()).isEqualTo("451");
        assertThat(result.getSmtpDescription()).startsWith("4.4.3 ").contains("example.com");
    }

    @Test
    void acceptsTemperrorByDefault() throws Exception {
        assertThat(hook(Outcomes.temperror(), "rejectFailures", "true").onMessage(session(null), mail()))
                .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void checkFailureTempFailsOnlyWhenAskedTo() throws Exception {
        Function<MessageContext, CheckOutcome> broken = ctx -> {
            throw new IllegalStateException("boom");
        };
        FakeMail mail = mail();
        assertThat(hook(broken).onMessage(session(null), mail)).isEqualTo(HookResult.DECLINED);
        assertThat(mail.getAttribute(DmarcAttributes.EVALUATED_AT_SMTP)).as("DmarcCheck evaluates again").isEmpty();
        assertThat(hook(broken, "tempFailOnError", "true").onMessage(session(null), mail()).getSmtpRetCode())
                .isEqualTo("451");
        assertThat(metrics.countFor("dmarc_evaluations_error")).isEqualTo(2);
    }

    @Test
    void checkerInternalErrorTempFailsOnlyWhenAskedTo() throws Exception {
        FakeMail mail = mail();
        assertThat(hook(Outcomes.internalError(List.of())).onMessage(session(null), mail)).isEqualTo(HookResult.DECLINED);
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.RESULT)).contains("temperror");
        assertThat(hook(Outcomes.internalError(List.of()), "tempFailOnError", "true", "rejectFailures", "true")
                .onMessage(session(null), mail()).getSmtpRetCode()).isEqualTo("451");
        assertThat(metrics.countFor("dmarc_evaluations_error")).isEqualTo(2);
    }

    @Test
    void refusedFromIsRejected() throws Exception {
        HookResult result = hook(Outcomes.refused(HeaderViolation.MULTI_VALUE_FROM)).onMessage(session(null), mail());
        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription()).isEqualTo("5.7.1 Message refused: the From field names example.com and example.net");
    }

    @Test
    void replyTextStaysOnOneLine() {
        assertThat(DmarcMessageHook.printable("a\r\n250 OK\u00e9")).isEqualTo("a??250 OK?");
        assertThat(DmarcMessageHook.printable("x".repeat(500))).hasSize(200);
    }

    @Test
    void skippedIsAccepted() throws Exception {
        assertThat(hook(Outcomes.skipped(SkipReason.AUTHENTICATED_CLIENT), "rejectFailures", "true")
                .onMessage(session(Username.of("alice")), mail())).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void acceptedMailCarriesTheEvaluationForDmarcCheck() throws Exception {
        FakeMail mail = mail();
        hook(Outcomes.fail(Policy.QUARANTINE, Disposition.QUARANTINE)).onMessage(session(null), mail);

        assertThat(mail.getAttribute(DmarcAttributes.EVALUATED_AT_SMTP)).isPresent();
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.AUTHENTICATION_RESULTS))
                .hasValueSatisfying(v -> assertThat(v).startsWith("mx.example.org; dmarc=fail"));
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.JSON)).isPresent();
        assertThat(TestMails.written(mail.getMessage())).as("the hook leaves the message alone")
                .isEqualTo(TestMails.RAW);
        assertThat(metrics.countFor("dmarc_evaluations_fail")).isEqualTo(1);
        assertThat(metrics.executionTimesFor("dmarc_evaluation")).hasSize(1);
    }

    @Test
    void buildsTheMessageContextFromTheSession() throws Exception {
        hook(Outcomes.pass()).onMessage(session(Username.of("alice@example.org")), mail());
        MessageContext ctx = checker.seen().get(0);
        TestMails.assertContextOfRaw(ctx);
        assertThat(ctx.authenticated()).isTrue();

        hook(Outcomes.pass()).onMessage(session(null), mail());
        assertThat(checker.seen().get(1).authenticated()).isFalse();
    }

    @Test
    void badParameterFailsInitNamingIt() {
        assertThatThrownBy(() -> hook(Outcomes.pass(), "rejectFailures", "sometimes"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rejectFailures: 'sometimes' is not a boolean");
        assertThatThrownBy(() -> hook(Outcomes.pass(), "dnsTimeout", "abc"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dnsTimeout: 'abc' is not a duration");
    }

    @Test
    void readsListsWhateverTheListDelimiterHandler() throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.setListDelimiterHandler(new DefaultListDelimiterHandler(','));
        config.addProperty("authservId", "mx.example.org");
        config.addProperty("trustedAuthservIds", "a.example, b.example");
        DmarcMessageHook hook = new DmarcMessageHook(metrics, ctx -> Outcomes.pass());
        hook.init(config);
        assertThat(hook.settings().trustedAuthservIds()).containsExactlyInAnyOrder("a.example", "b.example");

        DmarcMessageHook plain = hook(Outcomes.pass(), "trustedAuthservIds", "a.example, b.example");
        assertThat(plain.settings().trustedAuthservIds()).containsExactlyInAnyOrder("a.example", "b.example");
    }

    @Test
    void publicConstructorsWork() throws Exception {
        DmarcMessageHook hook = new DmarcMessageHook();
        hook.init(config());
        assertThat(hook.settings().authservId()).isEqualTo(Outcomes.AUTHSERV_ID);
        assertThat(new DmarcMessageHook(new RecordingMetricFactory())).isNotNull();
    }

    @Test
    void acceptedMailCarriesItsEvaluationRecord() throws Exception {
        FakeMail mail = mail();
        CheckOutcome.Evaluated outcome = Outcomes.fail(Policy.QUARANTINE, Disposition.QUARANTINE);
        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        hook(outcome, "rejectFailures", "true").onMessage(session(null), mail);
        Instant after = Instant.now();

        EvaluationRecord r = DmarcAttributes.evaluationRecord(mail).orElseThrow();
        assertThat(r.key()).isEqualTo(mailKey());
        assertThat(r.time()).isBetween(before, after);
        assertThat(r.sourceIp()).as("the client DMARC judged").isEqualTo(outcome.client().address());
        TestMails.assertFailingRecordOfRaw(r);
        assertThat(r.disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(r.action()).as("placeholder, DmarcHistory sets it").isEqualTo(ActionTaken.DELIVERED);
        assertThat((byte[]) mail.getAttribute(DmarcAttributes.EVALUATION).orElseThrow().getValue().value())
                .isEqualTo(EvaluationRecordCodec.encode(r));
        assertThat(recorded).as("accepted mail is recorded by DmarcHistory, not by the hook").isEmpty();
    }

    /** {@link #rejectFail()} with an ARC chain of {@code result} whose newest sealer recorded a DMARC pass. */
    private static CheckOutcome rejectFailSealedBy(String sealer, ArcResult result) {
        CheckOutcome.Evaluated e = (CheckOutcome.Evaluated) rejectFail();
        ArcOutcome arc = new ArcOutcome(result, 0, List.of(new ArcSet(1, Optional.of(DomainName.of(sealer)), "arc1",
                sealer + "; dmarc=pass header.from=example.com")), "test");
        return new CheckOutcome.Evaluated(e.evaluation(), e.spf(), e.dkim(), e.spfSource(), e.dkimSource(), e.client(),
                e.authenticationResults(), e.forgedAuthResultsFields(), e.budget(), arc, Optional.empty());
    }

    @Test
    void aTrustedSealersChainThatCannotBeVerifiedForNowIsA451NeverA550() throws Exception {
        FakeMail mail = mail();
        HookResult result = recordingHook(rejectFailSealedBy("lists.example.org", ArcResult.TEMPERROR),
                "rejectFailures", "true", "trustedArcSealers", "lists.example.org").onMessage(session(null), mail);

        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(result.getSmtpRetCode()).isEqualTo("451");
        assertThat(result.getSmtpDescription()).startsWith("4.4.3 ").contains("lists.example.org");
        assertThat(recorded).isEmpty(); // the retry is evaluated and recorded
    }

    @Test
    void anUntrustedOrFailedChainStillGetsThe550() throws Exception {
        // Untrusted sealer, temperror: nothing could have lowered the disposition.
        assertThat(hook(rejectFailSealedBy("evil.example", ArcResult.TEMPERROR), "rejectFailures", "true",
                "trustedArcSealers", "lists.example.org").onMessage(session(null), mail()).getSmtpRetCode())
                .isEqualTo("550");
        // Trusted sealer, but the chain failed for good.
        assertThat(hook(rejectFailSealedBy("lists.example.org", ArcResult.FAIL), "rejectFailures", "true",
                "trustedArcSealers", "lists.example.org").onMessage(session(null), mail()).getSmtpRetCode())
                .isEqualTo("550");
        // No trusted sealers configured.
        assertThat(hook(rejectFailSealedBy("lists.example.org", ArcResult.TEMPERROR), "rejectFailures", "true")
                .onMessage(session(null), mail()).getSmtpRetCode()).isEqualTo("550");
        // rejectFailures off: accepted, as any failure.
        assertThat(hook(rejectFailSealedBy("lists.example.org", ArcResult.TEMPERROR),
                "trustedArcSealers", "lists.example.org").onMessage(session(null), mail()))
                .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void policyRejectionIsRecordedOnceAsRejectedAtSmtp() throws Exception {
        FakeMail mail = mail();
        HookResult result = recordingHook(rejectFail(), "rejectFailures", "true").onMessage(session(null), mail);

        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(recorded).hasSize(1);
        EvaluationRecord r = recorded.get(0);
        assertThat(r.action()).isEqualTo(ActionTaken.REJECTED_AT_SMTP);
        assertThat(r.key()).isEqualTo(mailKey());
        assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(r.disposition()).isEqualTo(Disposition.REJECT);
        assertThat(r.headerFrom()).contains(DomainName.of("example.com"));
        assertThat(r.envelopeTo()).containsExactly(DomainName.of("example.org"));
    }

    @Test
    void rejectionRecordIsTheCheckedRecordWithOnlyTheActionChanged() throws Exception {
        FakeMail mail = mail();
        recordingHook(rejectFail(), "rejectFailures", "true").onMessage(session(null), mail);

        EvaluationRecord checked = DmarcAttributes.evaluationRecord(mail).orElseThrow();
        assertThat(checked.action()).isEqualTo(ActionTaken.DELIVERED);
        assertThat(recorded).hasSize(1);
        EvaluationRecord rejected = recorded.get(0);
        assertThat(rejected.action()).isEqualTo(ActionTaken.REJECTED_AT_SMTP);
        // Every component but the action: key, time, addresses, policy, results, overrides, SPF, DKIM.
        assertThat(rejected).usingRecursiveComparison().ignoringFields("action").isEqualTo(checked);
        assertThat(rejected).isEqualTo(checked.withAction(ActionTaken.REJECTED_AT_SMTP));
        assertThat(rejected.time()).as("the same instant, not a second reading of the clock").isEqualTo(checked.time());
    }

    @Test
    void noHookRecordForAcceptedTempFailedOrRefusedMail() throws Exception {
        // p=reject failure accepted (rejectFailures off): DmarcHistory records it later.
        assertThat(recordingHook(rejectFail()).onMessage(session(null), mail())).isEqualTo(HookResult.DECLINED);
        assertThat(recordingHook(Outcomes.fail(Policy.QUARANTINE, Disposition.QUARANTINE), "rejectFailures", "true")
                .onMessage(session(null), mail())).isEqualTo(HookResult.DECLINED);
        // 451: the client sends it again.
        assertThat(recordingHook(Outcomes.temperror(), "tempFailOnError", "true", "rejectFailures", "true")
                .onMessage(session(null), mail()).getSmtpRetCode()).isEqualTo("451");
        assertThat(recordingHook(Outcomes.internalError(List.of()), "tempFailOnError", "true", "rejectFailures", "true")
                .onMessage(session(null), mail()).getSmtpRetCode()).isEqualTo("451");
        // A refused From field: 550, but no DMARC evaluation to record.
        FakeMail refused = mail();
        assertThat(recordingHook(Outcomes.refused(HeaderViolation.MULTI_VALUE_FROM), "rejectFailures", "true")
                .onMessage(session(null), refused).getSmtpRetCode()).isEqualTo("550");
        assertThat(refused.getAttribute(DmarcAttributes.EVALUATION)).isEmpty();

        assertThat(recorded).isEmpty();
    }

    @Test
    void skippedMailHasNoEvaluationRecord() throws Exception {
        FakeMail mail = mail();
        recordingHook(Outcomes.skipped(SkipReason.AUTHENTICATED_CLIENT), "rejectFailures", "true")
                .onMessage(session(Username.of("alice")), mail);
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.RESULT)).contains("skipped");
        assertThat(mail.getAttribute(DmarcAttributes.EVALUATION)).isEmpty();
        assertThat(DmarcAttributes.evaluationRecord(mail)).isEmpty();
        assertThat(recorded).isEmpty();
    }

    @Test
    void failingSinkNeitherDelaysNorChangesTheAnswer() throws Exception {
        DmarcMessageHook hook = hook(rejectFail(), "rejectFailures", "true");
        hook.setEvaluationSink(r -> {
            throw new IllegalStateException("database gone");
        });
        HookResult result = hook.onMessage(session(null), mail());
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription()).startsWith("5.7.1 ");

        hook.setEvaluationSink(r -> {
            throw new NoClassDefFoundError("org/example/Missing");
        });
        assertThat(hook.onMessage(session(null), mail()).getSmtpRetCode()).isEqualTo("550");
    }

    @Test
    void guiceInjectsTheSinkWhenOneIsBoundAndNothingBreaksWithout() throws Exception {
        DmarcMessageHook bound = hook(rejectFail(), "rejectFailures", "true");
        Guice.createInjector(binder -> binder.bind(EvaluationSink.class).toInstance(recorded::add)).injectMembers(bound);
        bound.onMessage(session(null), mail());
        assertThat(recorded).extracting(EvaluationRecord::action).containsExactly(ActionTaken.REJECTED_AT_SMTP);

        DmarcMessageHook unbound = hook(rejectFail(), "rejectFailures", "true");
        Guice.createInjector().injectMembers(unbound);
        assertThat(unbound.onMessage(session(null), mail()).getSmtpRetCode()).isEqualTo("550");
        assertThat(recorded).hasSize(1);
    }

    @Test
    void failedMessagesAskingForReportsGoToTheFailureSinkRejectedOrAccepted() throws Exception {
        List<FailedMessage> offered = new ArrayList<>();
        DmarcMessageHook rejecting = hook(Outcomes.failAskingForReports(Policy.REJECT, Disposition.REJECT),
                "rejectFailures", "true");
        rejecting.setFailureReportSink(offered::add);
        assertThat(rejecting.onMessage(session(null), mail()).getSmtpRetCode()).isEqualTo("550");
        DmarcMessageHook accepting = hook(Outcomes.failAskingForReports(Policy.QUARANTINE, Disposition.QUARANTINE));
        accepting.setFailureReportSink(offered::add);
        assertThat(accepting.onMessage(session(null), mail())).isEqualTo(HookResult.DECLINED);

        assertThat(offered).extracting(FailedMessage::action)
                .containsExactly(Optional.of(ActionTaken.REJECTED_AT_SMTP), Optional.of(ActionTaken.DELIVERED));
        FailedMessage m = offered.get(0);
        assertThat(m.key()).isEqualTo(mailKey());
        TestMails.assertFailedRawForRuf(m);
    }

    @Test
    void noFailureReportWithoutRufOrForAPassAndAFailingSinkChangesNothing() throws Exception {
        List<FailedMessage> offered = new ArrayList<>();
        DmarcMessageHook hook = hook(rejectFail(), "rejectFailures", "true");
        hook.setFailureReportSink(offered::add);
        hook.onMessage(session(null), mail());
        DmarcMessageHook passing = hook(Outcomes.pass());
        passing.setFailureReportSink(offered::add);
        passing.onMessage(session(null), mail());
        assertThat(offered).isEmpty();

        DmarcMessageHook failing = hook(Outcomes.failAskingForReports(Policy.REJECT, Disposition.REJECT),
                "rejectFailures", "true");
        failing.setFailureReportSink(m -> {
            throw new IllegalStateException("queue gone");
        });
        assertThat(failing.onMessage(session(null), mail()).getSmtpRetCode()).isEqualTo("550");
    }

    @Test
    void guiceInjectsTheFailureSinkWhenOneIsBound() throws Exception {
        List<FailedMessage> offered = new ArrayList<>();
        DmarcMessageHook bound = hook(Outcomes.failAskingForReports(Policy.REJECT, Disposition.REJECT),
                "rejectFailures", "true");
        Guice.createInjector(binder -> binder.bind(FailureReportSink.class).toInstance(offered::add))
                .injectMembers(bound);
        bound.onMessage(session(null), mail());
        assertThat(offered).hasSize(1);
    }
}
