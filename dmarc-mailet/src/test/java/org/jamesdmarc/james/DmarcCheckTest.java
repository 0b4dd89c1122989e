package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.mail.MessagingException;

import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.BudgetUse;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.FailedMessage;
import org.jamesdmarc.check.FailureReportSink;
import org.jamesdmarc.check.HeaderViolation;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.check.Outcomes;
import org.jamesdmarc.check.SkipReason;
import org.jamesdmarc.dns.DnsBudget;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class DmarcCheckTest {

    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private final RecordingChecker checker = new RecordingChecker();

    private DmarcCheck mailet(CheckOutcome outcome, String... params) throws MessagingException {
        return mailet(checker.answering(outcome), params);
    }

    private DmarcCheck mailet(Function<MessageContext, CheckOutcome> checker, String... params) throws MessagingException {
        DmarcCheck mailet = new DmarcCheck(metrics, checker);
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DmarcCheck")
                .setProperty("authservId", Outcomes.AUTHSERV_ID);
        for (int i = 0; i < params.length; i += 2) {
            config.setProperty(params[i], params[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mail() throws Exception {
        return FakeMail.builder().name("mail1")
                .mimeMessage(TestMails.message())
                .sender("bounce@bounce.example.net")
                .recipient("bob@example.org")
                .remoteAddr("192.0.2.1")
                .remoteHost("mail.example.net")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("helo.example.net")))
                .build();
    }

    private static CheckOutcome failWithForged(List<Integer> forged) {
        return Outcomes.evaluated(DmarcResult.FAIL, Policy.REJECT, Disposition.REJECT, false, List.of(),
                "mx.example.org; dmarc=fail (p=reject dis=reject) header.from=example.com", forged);
    }

    @Test
    void addsAuthenticationResultsAtTheTopAndRemovesForgedFields() throws Exception {
        FakeMail mail = mail();
        mailet(failWithForged(List.of(0, 2))).service(mail);

        List<String> lines = TestMails.headerLines(mail.getMessage());
        assertThat(lines.get(0)).isEqualTo("Authentication-Results: mx.example.org; dmarc=fail (p=reject dis=reject)"
                + "\r\n header.from=example.com");
        assertThat(lines).filteredOn(l -> l.startsWith("Authentication-Results:")).hasSize(2);
        assertThat(lines).noneMatch(l -> l.contains("dmarc=pass") || l.contains("dkim=pass header.d=example.com"));
        assertThat(lines.subList(1, lines.size())).containsExactly(
                "Received: from mail.example.net (mail.example.net [192.0.2.1])\r\n"
                        + "\tby mx.example.org with ESMTP id 1; Mon, 2 Mar 2026 10:00:00 +0000",
                "Authentication-Results: upstream.example.net; spf=pass smtp.mailfrom=example.com",
                "From: Alice <alice@example.com>",
                "To: bob@example.org",
                "Subject: hello",
                "Date: Mon, 2 Mar 2026 09:59:58 +0000",
                "Message-ID: <1@example.com>");
        String written = TestMails.written(mail.getMessage());
        assertThat(written).startsWith("Authentication-Results: mx.example.org;").endsWith("\r\n\r\nHello Bob.\r\n");
        assertThat(mail.getMessage().getMessageID()).isEqualTo("<1@example.com>");
    }

    @Test
    void skipsReportMailEntirely() throws Exception {
        FakeMail mail = mail();
        mail.setAttribute(new Attribute(DmarcAttributes.REPORT, AttributeValue.of("report-id-1@example.org")));
        String before = TestMails.written(mail.getMessage());

        mailet(failWithForged(List.of(0, 2))).service(mail);

        assertThat(checker.seen()).as("not evaluated").isEmpty();
        assertThat(TestMails.written(mail.getMessage())).as("no header field added or removed").isEqualTo(before);
        assertThat(mail.attributeNames().map(n -> n.asString()))
                .containsExactlyInAnyOrder(Mail.SMTP_HELO.asString(), DmarcAttributes.REPORT_NAME);
        assertThat(DmarcAttributes.evaluationRecord(mail)).isEmpty();
    }

    @Test
    void reportMarkerIsTheDocumentedName() {
        assertThat(DmarcAttributes.REPORT.asString()).isEqualTo("org.jamesdmarc.report");
    }

    @Test
    void keepsEveryUpstreamFieldWhenNothingIsForged() throws Exception {
        FakeMail mail = mail();
        mailet(failWithForged(List.of())).service(mail);
        assertThat(TestMails.headerLines(mail.getMessage())).filteredOn(l -> l.startsWith("Authentication-Results:"))
                .hasSize(4);
    }

    @Test
    void softwareHeaderBelowAuthenticationResults() throws Exception {
        FakeMail mail = mail();
        mailet(Outcomes.pass(), "softwareHeader", "true").service(mail);
        List<String> lines = TestMails.headerLines(mail.getMessage());
        assertThat(lines.get(0)).startsWith("Authentication-Results: mx.example.org;");
        assertThat(lines.get(1)).isEqualTo("DMARC-Filter: James DMARC v" + SoftwareVersion.version());
        assertThat(SoftwareVersion.version()).isNotBlank();
    }

    @Test
    void noSoftwareHeaderByDefault() throws Exception {
        FakeMail mail = mail();
        mailet(Outcomes.pass()).service(mail);
        assertThat(mail.getMessage().getHeader("DMARC-Filter")).isNull();
    }

    @Test
    void headerValueCannotInjectFields() throws Exception {
        FakeMail mail = mail();
        CheckOutcome outcome = Outcomes.evaluated(DmarcResult.NONE, null, Disposition.NONE, false, List.of(),
                "mx.example.org; dmarc=none\r\nX-Injected: yes", List.of());
        mailet(outcome).service(mail);
        assertThat(mail.getMessage().getHeader("X-Injected")).isNull();
        assertThat(TestMails.headerLines(mail.getMessage()).get(0))
                .isEqualTo("Authentication-Results: mx.example.org; dmarc=none X-Injected: yes");
    }

    @Test
    void setsTheDocumentedAttributes() throws Exception {
        FakeMail mail = mail();
        CheckOutcome outcome = Outcomes.evaluated(DmarcResult.FAIL, Policy.REJECT, Disposition.QUARANTINE, true,
                List.of(PolicyOverride.POLICY_TEST_MODE), "mx.example.org; dmarc=fail header.from=example.com", List.of(1));
        mailet(outcome).service(mail);

        assertThat(attr(mail, "org.jamesdmarc.result")).contains("fail");
        assertThat(attr(mail, "org.jamesdmarc.policy")).contains("reject");
        assertThat(attr(mail, "org.jamesdmarc.disposition")).contains("quarantine");
        assertThat(attr(mail, "org.jamesdmarc.policyDomain")).contains("example.com");
        assertThat(attr(mail, "org.jamesdmarc.fromDomain")).contains("example.com");
        assertThat(DmarcAttributes.list(mail, DmarcAttributes.REASONS, String.class)).containsExactly("policy_test_mode");
        assertThat(attr(mail, "org.jamesdmarc.authenticationResults")).contains("mx.example.org; dmarc=fail header.from=example.com");
        assertThat(DmarcAttributes.list(mail, DmarcAttributes.FORGED_AUTHENTICATION_RESULTS, Integer.class)).containsExactly(1);
        String json = attr(mail, "org.jamesdmarc.json").orElseThrow();
        assertThat(new ObjectMapper().readTree(json).at("/dmarc/disposition").asText()).isEqualTo("quarantine");
        assertThat(mail.getAttribute(DmarcAttributes.EVALUATED_AT_SMTP)).isEmpty();
        assertThat(mail.getAttribute(DmarcAttributes.ERROR)).isEmpty();
    }

    @Test
    void noPolicyAttributesWithoutARecord() throws Exception {
        FakeMail mail = mail();
        mailet(Outcomes.temperror()).service(mail);
        assertThat(attr(mail, "org.jamesdmarc.result")).contains("temperror");
        assertThat(attr(mail, "org.jamesdmarc.disposition")).contains("none");
        assertThat(mail.getAttribute(DmarcAttributes.POLICY)).isEmpty();
        assertThat(mail.getAttribute(DmarcAttributes.POLICY_DOMAIN)).isEmpty();
    }

    @Test
    void skippedAndRefusedResults() throws Exception {
        FakeMail skipped = mail();
        mailet(Outcomes.skipped(SkipReason.AUTHENTICATED_CLIENT)).service(skipped);
        assertThat(attr(skipped, "org.jamesdmarc.result")).contains("skipped");
        assertThat(DmarcAttributes.list(skipped, DmarcAttributes.REASONS, String.class)).containsExactly("authenticated_client");
        assertThat(TestMails.headerLines(skipped.getMessage()).get(0)).isEqualTo("Authentication-Results: mx.example.org; none");

        FakeMail refused = mail();
        mailet(Outcomes.refused(HeaderViolation.MULTIPLE_FROM_FIELDS)).service(refused);
        // Issue 8: one name for a refused From field: permerror with disposition reject.
        assertThat(attr(refused, "org.jamesdmarc.result")).contains("permerror");
        assertThat(attr(refused, "org.jamesdmarc.disposition")).contains("reject");
        assertThat(DmarcAttributes.list(refused, DmarcAttributes.REASONS, String.class)).containsExactly("multiple_from_fields");
    }

    @Test
    void buildsTheMessageContextFromTheMail() throws Exception {
        FakeMail mail = mail();
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));
        mailet(Outcomes.pass()).service(mail);

        assertThat(checker.seen()).hasSize(1);
        MessageContext ctx = checker.seen().get(0);
        TestMails.assertContextOfRaw(ctx);
        assertThat(ctx.authenticated()).isTrue();
    }

    @Test
    void nullSenderNoHeloNoAuth() throws Exception {
        FakeMail mail = FakeMail.builder().name("bounce").mimeMessage(TestMails.message())
                .sender(MaybeSender.nullSender()).recipient("bob@example.org").remoteAddr("2001:db8::25").build();
        mailet(Outcomes.pass()).service(mail);
        MessageContext ctx = checker.seen().get(0);
        assertThat(ctx.mailFrom()).isEmpty();
        assertThat(ctx.helo()).isEmpty();
        assertThat(ctx.authenticated()).isFalse();
        assertThat(ctx.clientAddress()).isEqualTo(InetAddress.getByName("2001:db8::25"));
    }

    @Test
    void internalErrorLeavesTheMailFlowingWithTemperror() throws Exception {
        FakeMail mail = mail();
        String before = TestMails.written(mail.getMessage());
        mailet(ctx -> {
            throw new IllegalStateException("boom");
        }).service(mail);

        assertThat(attr(mail, "org.jamesdmarc.result")).contains("temperror");
        assertThat(attr(mail, "org.jamesdmarc.disposition")).contains("none");
        assertThat(attr(mail, "org.jamesdmarc.error")).contains("IllegalStateException: boom");
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(TestMails.written(mail.getMessage())).isEqualTo(before);
        assertThat(metrics.countFor("dmarc_evaluations_error")).isEqualTo(1);
    }

    @Test
    void checksThatRanOutOfTheirDnsBudgetAreCounted() throws Exception {
        CheckOutcome.Evaluated t = Outcomes.temperror();
        CheckOutcome exhausted = new CheckOutcome.Evaluated(t.evaluation(), t.spf(), t.dkim(), t.spfSource(),
                t.dkimSource(), t.client(), t.authenticationResults(), t.forgedAuthResultsFields(),
                new BudgetUse(40, 3, Optional.of(DnsBudget.Limit.TIME), Optional.empty()));
        mailet(Outcomes.pass()).service(mail());
        assertThat(metrics.countFor("dmarc_budget_exhausted")).isZero();

        mailet(exhausted).service(mail());

        assertThat(metrics.countFor("dmarc_budget_exhausted")).isEqualTo(1);
        assertThat(metrics.countFor("dmarc_evaluations_temperror")).isEqualTo(1);
    }

    @Test
    void checkerInternalErrorIsTemperrorWithItsHeader() throws Exception {
        FakeMail mail = mail();
        mailet(Outcomes.internalError(List.of(0))).service(mail);

        assertThat(attr(mail, "org.jamesdmarc.result")).contains("temperror");
        assertThat(attr(mail, "org.jamesdmarc.error")).contains("java.lang.IllegalStateException: bug");
        assertThat(DmarcAttributes.list(mail, DmarcAttributes.REASONS, String.class)).containsExactly("internal_error");
        List<String> lines = TestMails.headerLines(mail.getMessage());
        assertThat(lines.get(0)).startsWith("Authentication-Results: mx.example.org; dmarc=temperror");
        assertThat(lines).noneMatch(l -> l.contains("dmarc=pass"));
        assertThat(metrics.countFor("dmarc_evaluations_error")).isEqualTo(1);
        assertThat(metrics.countFor("dmarc_evaluations_temperror")).isZero();
    }

    @Test
    void unparsableRemoteAddressIsAnInternalError() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(TestMails.message()).recipient("bob@example.org")
                .remoteAddr("not-an-ip").build();
        mailet(Outcomes.pass()).service(mail);
        assertThat(checker.seen()).isEmpty();
        assertThat(attr(mail, "org.jamesdmarc.result")).contains("temperror");
        assertThat(attr(mail, "org.jamesdmarc.error")).hasValueSatisfying(e -> assertThat(e).contains("not-an-ip"));
    }

    @Test
    void reusesTheSmtpHookEvaluation() throws Exception {
        FakeMail mail = mail();
        DmarcAttributes.store(mail, failWithForged(List.of(0)), Optional.empty());
        DmarcAttributes.markEvaluatedAtSmtp(mail);

        mailet(Outcomes.pass()).service(mail);

        assertThat(checker.seen()).as("not evaluated again").isEmpty();
        assertThat(attr(mail, "org.jamesdmarc.result")).contains("fail");
        assertThat(mail.getAttribute(DmarcAttributes.EVALUATED_AT_SMTP)).isEmpty();
        List<String> lines = TestMails.headerLines(mail.getMessage());
        assertThat(lines.get(0)).startsWith("Authentication-Results: mx.example.org; dmarc=fail");
        assertThat(lines).noneMatch(l -> l.contains("dmarc=pass"));
        assertThat(metrics.countFor("dmarc_evaluations_fail")).as("the hook counted it").isZero();
    }

    @Test
    void evaluatesAgainWhenNoHookMark() throws Exception {
        FakeMail mail = mail();
        DmarcAttributes.store(mail, failWithForged(List.of()), Optional.empty());
        mailet(Outcomes.pass()).service(mail);
        assertThat(checker.seen()).hasSize(1);
        assertThat(attr(mail, "org.jamesdmarc.result")).contains("pass");
    }

    @Test
    void countsResultsAndTimesEvaluations() throws Exception {
        DmarcCheck mailet = mailet(Outcomes.fail(Policy.QUARANTINE, Disposition.QUARANTINE));
        mailet.service(mail());
        mailet.service(mail());
        assertThat(metrics.countFor("dmarc_evaluations_fail")).isEqualTo(2);
        assertThat(metrics.countFor("dmarc_evaluations_pass")).isZero();
        assertThat(metrics.executionTimesFor("dmarc_evaluation")).hasSize(2);
    }

    @Test
    void badParameterFailsInitNamingIt() {
        assertThatThrownBy(() -> mailet(Outcomes.pass(), "dnsTimeout", "abc"))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("dnsTimeout: 'abc' is not a duration");
        assertThatThrownBy(() -> mailet(Outcomes.pass(), "softwareHeader", "maybe"))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("softwareHeader: 'maybe' is not a boolean");
        assertThatThrownBy(() -> mailet(Outcomes.pass(), "requiredHeaders", "1"))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("requiredHeaders");
    }

    @Test
    void initParsesTheSettings() throws Exception {
        DmarcCheck mailet = mailet(Outcomes.pass(), "ignoreAuthenticatedClients", "no", "discovery", "psl");
        assertThat(mailet.settings().authservId()).isEqualTo(Outcomes.AUTHSERV_ID);
        assertThat(mailet.settings().ignoreAuthenticatedClients()).isFalse();
        assertThat(mailet.settings().discovery()).isEqualTo(org.jamesdmarc.policy.DiscoveryMode.PSL);
    }

    @Test
    void publicConstructorsWork() throws Exception {
        DmarcCheck mailet = new DmarcCheck();
        mailet.init(FakeMailetConfig.builder().mailetName("DmarcCheck").setProperty("authservId", "mx.example.org").build());
        assertThat(mailet.settings().authservId()).isEqualTo("mx.example.org");
        assertThat(new DmarcCheck(new RecordingMetricFactory()).getMailetInfo()).contains("James DMARC v");
    }

    @Test
    void evaluatedMailCarriesItsEvaluationRecord() throws Exception {
        FakeMail mail = mail();
        CheckOutcome.Evaluated outcome = Outcomes.fail(Policy.REJECT, Disposition.REJECT);
        mailet(outcome).service(mail);

        EvaluationRecord r = DmarcAttributes.evaluationRecord(mail).orElseThrow();
        assertThat(r.key()).as("key of the message as received, before our header fields").isEqualTo(
                MessageKey.of(InetAddress.getByName("192.0.2.1"), Optional.of("bounce@bounce.example.net"),
                        Optional.of("<1@example.com>"), TestMails.RAW.getBytes(StandardCharsets.US_ASCII)));
        assertThat(r.sourceIp()).isEqualTo(outcome.client().address());
        TestMails.assertFailingRecordOfRaw(r);
        assertThat(r.action()).isEqualTo(ActionTaken.DELIVERED);
        assertThat(r.dkim()).extracting(EvaluationRecord.Dkim::selector).containsExactly("sel");
    }

    @Test
    void withoutMessageIdTheKeyHashesTheMessage() throws Exception {
        String raw = TestMails.RAW.replace("Message-ID: <1@example.com>\r\n", "");
        FakeMail mail = FakeMail.builder().name("m2")
                .mimeMessage(new javax.mail.internet.MimeMessage(javax.mail.Session.getDefaultInstance(new java.util.Properties()),
                        new java.io.ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))))
                .sender("bounce@bounce.example.net").recipients("bob@example.org", "carol@example.net", "dave@EXAMPLE.org")
                .remoteAddr("192.0.2.1").build();
        mailet(Outcomes.pass()).service(mail);

        EvaluationRecord r = DmarcAttributes.evaluationRecord(mail).orElseThrow();
        assertThat(r.key()).isEqualTo(MessageKey.of(InetAddress.getByName("192.0.2.1"),
                Optional.of("bounce@bounce.example.net"), Optional.empty(), raw.getBytes(StandardCharsets.US_ASCII)));
        assertThat(r.envelopeTo()).containsExactly(DomainName.of("example.net"), DomainName.of("example.org"));
    }

    @Test
    void aMessageIdThatIsNotAsciiIsReadByJavaMailAsBefore() throws Exception {
        String raw = TestMails.RAW.replace("Message-ID: <1@example.com>", "Message-ID: <\u00fc@example.com>");
        javax.mail.internet.MimeMessage message = new javax.mail.internet.MimeMessage(
                javax.mail.Session.getDefaultInstance(new java.util.Properties()),
                new java.io.ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        FakeMail mail = FakeMail.builder().name("m4").mimeMessage(message).sender("bounce@bounce.example.net")
                .recipient("bob@example.org").remoteAddr("192.0.2.1").build();
        mailet(Outcomes.pass()).service(mail);

        EvaluationRecord r = DmarcAttributes.evaluationRecord(mail).orElseThrow();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        message.writeTo(bytes);
        assertThat(r.key()).isEqualTo(MessageKey.of(InetAddress.getByName("192.0.2.1"),
                Optional.of("bounce@bounce.example.net"), Optional.ofNullable(message.getHeader("Message-ID", null)),
                bytes.toByteArray()));
        assertThat(message.getHeader("Message-ID", null)).as("javax.mail's reading, not UTF-8")
                .isNotEqualTo("<\u00fc@example.com>");
    }

    @Test
    void nullSenderHasNoEnvelopeFromDomain() throws Exception {
        FakeMail mail = FakeMail.builder().name("m3").mimeMessage(TestMails.message()).sender(MaybeSender.nullSender())
                .recipient("bob@example.org").remoteAddr("192.0.2.1").build();
        mailet(Outcomes.pass()).service(mail);
        EvaluationRecord r = DmarcAttributes.evaluationRecord(mail).orElseThrow();
        assertThat(r.envelopeFrom()).isEmpty();
        assertThat(r.key()).isEqualTo(MessageKey.of(InetAddress.getByName("192.0.2.1"), Optional.empty(),
                Optional.of("<1@example.com>"), new byte[0]));
    }

    @Test
    void noEvaluationRecordWhenNotEvaluated() throws Exception {
        FakeMail skipped = mail();
        mailet(Outcomes.skipped(SkipReason.IGNORED_HOST)).service(skipped);
        assertThat(skipped.getAttribute(DmarcAttributes.EVALUATION)).isEmpty();

        FakeMail refused = mail();
        mailet(Outcomes.refused(HeaderViolation.MULTI_VALUE_FROM)).service(refused);
        assertThat(refused.getAttribute(DmarcAttributes.EVALUATION)).isEmpty();

        FakeMail internal = mail();
        mailet(Outcomes.internalError(List.of())).service(internal);
        assertThat(internal.getAttribute(DmarcAttributes.EVALUATION)).isEmpty();

        FakeMail broken = mail();
        mailet(ctx -> {
            throw new IllegalStateException("boom");
        }).service(broken);
        assertThat(broken.getAttribute(DmarcAttributes.EVALUATION)).isEmpty();
    }

    @Test
    void evaluatingAgainReplacesAnEarlierRecord() throws Exception {
        FakeMail mail = mail();
        mailet(Outcomes.pass()).service(mail);
        assertThat(DmarcAttributes.evaluationRecord(mail)).isPresent();
        mailet(Outcomes.skipped(SkipReason.IGNORED_HOST)).service(mail);
        assertThat(mail.getAttribute(DmarcAttributes.EVALUATION)).as("no stale record of another evaluation").isEmpty();
    }

    @Test
    void keepsTheRecordOfTheSmtpHook() throws Exception {
        FakeMail mail = mail();
        DmarcMessageHook hook = new DmarcMessageHook(metrics, ctx -> Outcomes.fail(Policy.QUARANTINE, Disposition.QUARANTINE));
        org.apache.commons.configuration2.BaseHierarchicalConfiguration config = new org.apache.commons.configuration2.BaseHierarchicalConfiguration();
        config.addProperty("authservId", Outcomes.AUTHSERV_ID);
        hook.init(config);
        org.apache.james.protocols.smtp.SMTPSession session = org.mockito.Mockito.mock(org.apache.james.protocols.smtp.SMTPSession.class);
        org.mockito.Mockito.when(session.getRemoteAddress()).thenReturn(new java.net.InetSocketAddress(InetAddress.getByName("192.0.2.1"), 25));
        org.mockito.Mockito.when(session.getAttachment(org.apache.james.protocols.smtp.SMTPSession.CURRENT_HELO_NAME,
                org.apache.james.protocols.api.ProtocolSession.State.Connection)).thenReturn(Optional.empty());
        hook.onMessage(session, mail);
        byte[] atSmtp = (byte[]) mail.getAttribute(DmarcAttributes.EVALUATION).orElseThrow().getValue().value();

        mailet(Outcomes.pass()).service(mail);

        assertThat(checker.seen()).as("not evaluated again").isEmpty();
        assertThat((byte[]) mail.getAttribute(DmarcAttributes.EVALUATION).orElseThrow().getValue().value()).isEqualTo(atSmtp);
        assertThat(DmarcAttributes.evaluationRecord(mail).orElseThrow().result()).isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void failedMailAskingForReportsGoesToTheFailureSinkWithoutAnAction() throws Exception {
        List<FailedMessage> offered = new ArrayList<>();
        DmarcCheck mailet = mailet(Outcomes.failAskingForReports(Policy.QUARANTINE, Disposition.QUARANTINE));
        mailet.setFailureReportSink(offered::add);
        FakeMail mail = mail();
        mailet.service(mail);

        assertThat(offered).singleElement().satisfies(m -> {
            assertThat(m.key()).isEqualTo(DmarcAttributes.evaluationRecord(mail).orElseThrow().key());
            assertThat(m.action()).as("later mailets decide what becomes of it").isEmpty();
            TestMails.assertFailedRawForRuf(m);
        });
    }

    @Test
    void noFailureReportFromTheMailetForMailTheHookEvaluatedOrWithoutRufAndAFailingSinkChangesNothing()
            throws Exception {
        List<FailedMessage> offered = new ArrayList<>();
        FakeMail evaluatedAtSmtp = mail();
        DmarcMessageHook hook = new DmarcMessageHook(metrics,
                ctx -> Outcomes.failAskingForReports(Policy.QUARANTINE, Disposition.QUARANTINE));
        org.apache.commons.configuration2.BaseHierarchicalConfiguration config =
                new org.apache.commons.configuration2.BaseHierarchicalConfiguration();
        config.addProperty("authservId", Outcomes.AUTHSERV_ID);
        hook.init(config);
        hook.setFailureReportSink(offered::add);
        org.apache.james.protocols.smtp.SMTPSession session =
                org.mockito.Mockito.mock(org.apache.james.protocols.smtp.SMTPSession.class);
        org.mockito.Mockito.when(session.getRemoteAddress())
                .thenReturn(new java.net.InetSocketAddress(InetAddress.getByName("192.0.2.1"), 25));
        org.mockito.Mockito.when(session.getAttachment(org.apache.james.protocols.smtp.SMTPSession.CURRENT_HELO_NAME,
                org.apache.james.protocols.api.ProtocolSession.State.Connection)).thenReturn(Optional.empty());
        hook.onMessage(session, evaluatedAtSmtp);
        DmarcCheck mailet = mailet(Outcomes.failAskingForReports(Policy.QUARANTINE, Disposition.QUARANTINE));
        mailet.setFailureReportSink(offered::add);
        mailet.service(evaluatedAtSmtp);
        assertThat(offered).as("offered once, by the hook").singleElement()
                .satisfies(m -> assertThat(m.action()).contains(ActionTaken.DELIVERED));

        DmarcCheck withoutRuf = mailet(Outcomes.fail(Policy.REJECT, Disposition.REJECT));
        withoutRuf.setFailureReportSink(offered::add);
        withoutRuf.service(mail());
        assertThat(offered).hasSize(1);

        DmarcCheck failingSink = mailet(Outcomes.failAskingForReports(Policy.REJECT, Disposition.REJECT));
        failingSink.setFailureReportSink(m -> {
            throw new IllegalStateException("queue gone");
        });
        FakeMail mail = mail();
        failingSink.service(mail);
        assertThat(mail.getMessage().getHeader("Authentication-Results")).as("the mail goes on, with its header").isNotEmpty();
    }

    @Test
    void guiceInjectsTheFailureSinkIntoTheMailetWhenOneIsBound() throws Exception {
        List<FailedMessage> offered = new ArrayList<>();
        DmarcCheck bound = mailet(Outcomes.failAskingForReports(Policy.REJECT, Disposition.REJECT));
        com.google.inject.Guice.createInjector(binder -> binder.bind(FailureReportSink.class)
                .toInstance(offered::add)).injectMembers(bound);
        bound.service(mail());
        assertThat(offered).hasSize(1);

        DmarcCheck unbound = mailet(Outcomes.failAskingForReports(Policy.REJECT, Disposition.REJECT));
        com.google.inject.Guice.createInjector().injectMembers(unbound);
        unbound.service(mail());
        assertThat(offered).hasSize(1);
    }

    private static Optional<String> attr(Mail mail, String name) {
        return DmarcAttributes.string(mail, org.apache.mailet.AttributeName.of(name));
    }
}
