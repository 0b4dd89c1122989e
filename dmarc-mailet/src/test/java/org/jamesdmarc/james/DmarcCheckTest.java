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
import org.jamesdmarc.check.BudgetUse;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.HeaderViolation;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.Outcomes;
import org.jamesdmarc.check.SkipReason;
import org.jamesdmarc.dns.DnsBudget;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class DmarcCheckTest {

    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private final List<MessageContext> seen = new ArrayList<>();

    private DmarcCheck mailet(CheckOutcome outcome, String... params) throws MessagingException {
        return mailet(ctx -> {
            seen.add(ctx);
            return outcome;
        }, params);
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

        assertThat(seen).hasSize(1);
        MessageContext ctx = seen.get(0);
        assertThat(ctx.clientAddress()).isEqualTo(InetAddress.getByName("192.0.2.1"));
        assertThat(ctx.helo()).isEqualTo("helo.example.net");
        assertThat(ctx.mailFrom()).contains("bounce@bounce.example.net");
        assertThat(ctx.authenticated()).isTrue();
        assertThat(new String(ctx.message(), StandardCharsets.US_ASCII)).isEqualTo(TestMails.RAW);
    }

    @Test
    void nullSenderNoHeloNoAuth() throws Exception {
        FakeMail mail = FakeMail.builder().name("bounce").mimeMessage(TestMails.message())
                .sender(MaybeSender.nullSender()).recipient("bob@example.org").remoteAddr("2001:db8::25").build();
        mailet(Outcomes.pass()).service(mail);
        MessageContext ctx = seen.get(0);
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
        assertThat(seen).isEmpty();
        assertThat(attr(mail, "org.jamesdmarc.result")).contains("temperror");
        assertThat(attr(mail, "org.jamesdmarc.error")).hasValueSatisfying(e -> assertThat(e).contains("not-an-ip"));
    }

    @Test
    void reusesTheSmtpHookEvaluation() throws Exception {
        FakeMail mail = mail();
        DmarcAttributes.store(mail, failWithForged(List.of(0)));
        DmarcAttributes.markEvaluatedAtSmtp(mail);

        mailet(Outcomes.pass()).service(mail);

        assertThat(seen).as("not evaluated again").isEmpty();
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
        DmarcAttributes.store(mail, failWithForged(List.of()));
        mailet(Outcomes.pass()).service(mail);
        assertThat(seen).hasSize(1);
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

    private static Optional<String> attr(Mail mail, String name) {
        return DmarcAttributes.string(mail, org.apache.mailet.AttributeName.of(name));
    }
}
