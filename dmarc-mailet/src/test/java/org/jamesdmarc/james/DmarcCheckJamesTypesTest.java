package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.check.Outcomes;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.junit.jupiter.api.Test;

/** DmarcCheck with James's own Mail and MimeMessage implementations (james-server-core 3.8.1). */
class DmarcCheckJamesTypesTest {

    private static final String MIME_RAW = TestMails.RAW.replace("Subject: hello\r\n", "Subject: hello\r\nMIME-Version: 1.0\r\n");

    private static MailImpl jamesMail() throws Exception {
        return jamesMail(MIME_RAW);
    }

    private static MailImpl jamesMail(String raw) throws Exception {
        MimeMessageWrapper message = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
        return MailImpl.builder().name("m1").sender("bounce@bounce.example.net").addRecipient("bob@example.org")
                .remoteAddr("192.0.2.1").remoteHost("mail.example.net").mimeMessage(message)
                .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("helo.example.net")))
                .build();
    }

    private static DmarcCheck mailet() throws Exception {
        DmarcCheck mailet = new DmarcCheck(NoopMetricFactory.INSTANCE,
                ctx -> Outcomes.evaluated(DmarcResult.FAIL, Policy.REJECT, Disposition.REJECT, false, List.of(),
                        "mx.example.org; dmarc=fail header.from=example.com", List.of(0)));
        mailet.init(FakeMailetConfig.builder().mailetName("DmarcCheck").setProperty("authservId", "mx.example.org")
                .setProperty("softwareHeader", "true").build());
        return mailet;
    }

    /**
     * James 3.8.1's MimeMessageWrapper, writing a message whose header changed (by any mailet, e.g.
     * SetMimeHeader too), sets MIME-Version: 1.0 in its well-known slot at the very top. So in James the
     * written message starts with MIME-Version, then our Authentication-Results; nothing the mailet API can change.
     */
    @Test
    void headerChangesReachTheWrittenMessageAndKeepTheMessageId() throws Exception {
        MailImpl mail = jamesMail();
        mailet().service(mail);

        String written = TestMails.written(mail.getMessage());
        assertThat(written).startsWith("MIME-Version: 1.0\r\n"
                        + "Authentication-Results: mx.example.org; dmarc=fail header.from=example.com\r\n"
                        + "DMARC-Filter: James DMARC v")
                .doesNotContain("mx.example.org; dmarc=pass")
                .contains("Authentication-Results: MX.EXAMPLE.ORG; dkim=pass")
                .contains("Message-ID: <1@example.com>\r\n")
                .endsWith("\r\n\r\nHello Bob.\r\n");
        assertThat(written.split("MIME-Version", -1)).as("one MIME-Version field").hasSize(2);
        assertThat(((MimeMessageWrapper) mail.getMessage()).isHeaderModified()).isTrue();
    }

    @Test
    void messageWithoutMimeVersionGetsOneFromJames() throws Exception {
        MailImpl mail = jamesMail(TestMails.RAW);
        mailet().service(mail);
        assertThat(TestMails.written(mail.getMessage()))
                .startsWith("MIME-Version: 1.0\r\nAuthentication-Results: mx.example.org; dmarc=fail");
    }

    @Test
    void attributesSurviveJamesJsonSerialisation() throws Exception {
        MailImpl mail = jamesMail();
        CheckOutcome outcome = Outcomes.evaluated(DmarcResult.FAIL, Policy.REJECT, Disposition.QUARANTINE, true,
                List.of(PolicyOverride.POLICY_TEST_MODE), "mx.example.org; dmarc=fail", List.of(0, 2));
        EvaluationRecord record = EvaluationRecord.of(new MessageKey("00112233445566778899aabbccddeeff"),
                Instant.parse("2026-12-01T10:00:00Z"), outcome, Optional.of("bounce@bounce.example.net"),
                List.of("bob@example.org"), ActionTaken.DELIVERED).orElseThrow();
        DmarcAttributes.store(mail, outcome, Optional.of(record));
        DmarcAttributes.markEvaluatedAtSmtp(mail);

        List<Attribute> dmarc = mail.attributes().filter(a -> a.getName().asString().startsWith("org.jamesdmarc.")).toList();
        assertThat(dmarc).hasSizeGreaterThanOrEqualTo(10);
        for (Attribute a : dmarc) {
            var json = a.getValue().toJson();
            assertThat(json).as(a.getName().asString()).isPresent();
            Object back = AttributeValue.fromJson(json.get()).value();
            // byte[] has identity equality: compare contents.
            assertThat(back).as(a.getName().asString()).usingRecursiveComparison().isEqualTo(a.getValue().value());
        }
        MailImpl copy = MailImpl.duplicate(mail);
        assertThat(DmarcAttributes.list(copy, DmarcAttributes.FORGED_AUTHENTICATION_RESULTS, Integer.class)).containsExactly(0, 2);
        assertThat(DmarcAttributes.evaluatedAtSmtp(copy)).isTrue();
        assertThat(DmarcAttributes.evaluationRecord(copy)).contains(record);
    }

    @Test
    void evaluationRecordFromJamesMail() throws Exception {
        MailImpl mail = jamesMail();
        mailet().service(mail);
        EvaluationRecord r = DmarcAttributes.evaluationRecord(mail).orElseThrow();
        assertThat(r.key()).isEqualTo(MessageKey.of(InetAddress.getByName("192.0.2.1"),
                Optional.of("bounce@bounce.example.net"), Optional.of("<1@example.com>"), new byte[0]));
        assertThat(r.envelopeTo()).containsExactly(DomainName.of("example.org"));
        assertThat(DmarcAttributes.evaluationRecord(MailImpl.duplicate(mail))).contains(r);
    }
}
