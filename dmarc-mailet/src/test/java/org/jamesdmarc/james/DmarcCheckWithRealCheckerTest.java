package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mailet and the hook built from their parameters, with the real {@code DmarcChecker} asking an
 * in-JVM DNS server on 127.0.0.1: the whole path from James types to headers, attributes and SMTP replies.
 */
class DmarcCheckWithRealCheckerTest {

    private static final String AUTHSERV = "mx.receiver.test";

    private FakeDnsServer dns;
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    @BeforeEach
    void startDns() throws Exception {
        dns = FakeDnsServer.start();
        dns.txt("_dmarc.sender.test", "v=DMARC1; p=reject")
                .txt("sender.test", "v=spf1 ip4:127.0.0.2 -all")
                .a("sender.test", "127.0.0.2")
                .txt("_dmarc.quarantine.test", "v=DMARC1; p=quarantine")
                .txt("quarantine.test", "v=spf1 ip4:127.0.0.2 -all")
                .servfail("_dmarc.broken.test")
                .txt("broken.test", "v=spf1 ip4:127.0.0.2 -all");
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    private static String raw(String fromDomain) {
        return "Received: from client.example (client.example [127.0.0.3])\r\n\tby mx.receiver.test; Wed, 25 Nov 2026 12:00:00 +0000\r\n"
                + "Authentication-Results: " + AUTHSERV + "; dmarc=pass header.from=" + fromDomain + "\r\n"
                + "From: a@" + fromDomain + "\r\nTo: bob@receiver.test\r\nSubject: hi\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n";
    }

    private static FakeMail mail(String ip, String fromDomain) throws Exception {
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new Properties()),
                new ByteArrayInputStream(raw(fromDomain).getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder().name("m").mimeMessage(message).sender("bounce@" + fromDomain)
                .recipient("bob@receiver.test").remoteAddr(ip)
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example"))).build();
    }

    private DmarcCheck mailet() throws Exception {
        DmarcCheck mailet = new DmarcCheck(metrics);
        mailet.init(FakeMailetConfig.builder().mailetName("DmarcCheck")
                .setProperty("authservId", AUTHSERV)
                .setProperty("dnsServers", dns.serverSpec())
                .setProperty("dnsTimeout", "1s")
                .setProperty("dnsRetries", "0")
                .build());
        return mailet;
    }

    private DmarcMessageHook hook(String... params) throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("authservId", AUTHSERV);
        config.addProperty("dnsServers", dns.serverSpec());
        config.addProperty("dnsTimeout", "1s");
        config.addProperty("dnsRetries", "0");
        for (int i = 0; i < params.length; i += 2) {
            config.addProperty(params[i], params[i + 1]);
        }
        DmarcMessageHook hook = new DmarcMessageHook(metrics);
        hook.init(config);
        return hook;
    }

    private static SMTPSession session(String ip) throws Exception {
        SMTPSession session = mock(SMTPSession.class);
        when(session.getRemoteAddress()).thenReturn(new InetSocketAddress(InetAddress.getByName(ip), 40000));
        when(session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection))
                .thenReturn(Optional.of("client.example"));
        when(session.getSessionID()).thenReturn("s1");
        return session;
    }

    private static List<String> arFields(Mail mail) throws Exception {
        return TestMails.headerLines(mail.getMessage()).stream()
                .filter(l -> l.startsWith("Authentication-Results:")).toList();
    }

    @Test
    void failingMailGetsOurVerdictOnTopAndTheForgedPassIsGone() throws Exception {
        FakeMail mail = mail("127.0.0.3", "sender.test");
        mailet().service(mail);

        assertThat(DmarcAttributes.string(mail, DmarcAttributes.RESULT)).contains("fail");
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.DISPOSITION)).contains("reject");
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.POLICY)).contains("reject");
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.POLICY_DOMAIN)).contains("sender.test");
        List<String> ar = arFields(mail);
        assertThat(ar).hasSize(1);
        assertThat(ar.get(0)).contains(AUTHSERV).contains("dmarc=fail");
        assertThat(TestMails.headerLines(mail.getMessage()).get(0)).isEqualTo(ar.get(0));
        assertThat(metrics.countFor("dmarc_evaluations_fail")).isEqualTo(1);

        IsDmarcFail reject = new IsDmarcFail();
        reject.init(org.apache.mailet.base.test.FakeMatcherConfig.builder().matcherName("IsDmarcFail")
                .condition("reject").build());
        assertThat(reject.match(mail)).hasSize(1);
    }

    @Test
    void passingMail() throws Exception {
        FakeMail mail = mail("127.0.0.2", "sender.test");
        mailet().service(mail);
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.RESULT)).contains("pass");
        assertThat(arFields(mail).get(0)).contains("dmarc=pass").contains("spf=pass");
    }

    @Test
    void dnsFailureIsTemperror() throws Exception {
        FakeMail mail = mail("127.0.0.3", "broken.test");
        mailet().service(mail);
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.RESULT)).contains("temperror");
        assertThat(DmarcAttributes.string(mail, DmarcAttributes.DISPOSITION)).contains("none");
    }

    @Test
    void hookNeverRejectsWhenADnsFailureMayHideAnAlignedPass() throws Exception {
        // An aligned DKIM signature whose key lookup fails (SPF fails: 127.0.0.3 is not listed).
        DkimTestSigner unreachableKey = DkimTestSigner.rsa2048("sender.test", "s9");
        dns.servfail(unreachableKey.keyRecordName());
        byte[] signed = unreachableKey.sign(DkimTestSigner.sampleMessage("sender.test", "hello\r\n"));
        FakeMail dkimTempFail = mail("127.0.0.3", "bounce@sender.test", signed);
        assertThat(hook("rejectFailures", "true").onMessage(session("127.0.0.3"), dkimTempFail))
                .isEqualTo(HookResult.DECLINED);
        assertThat(DmarcAttributes.string(dkimTempFail, DmarcAttributes.RESULT)).contains("temperror");

        // An SPF pass for a subdomain whose Organizational Domain walk meets a SERVFAIL.
        dns.txt("bounce.sender.test", "v=spf1 ip4:127.0.0.2 -all").servfail("_dmarc.bounce.sender.test");
        FakeMail spfWalkFail = mail("127.0.0.2", "x@bounce.sender.test", raw("sender.test").getBytes(StandardCharsets.US_ASCII));
        assertThat(hook("rejectFailures", "true").onMessage(session("127.0.0.2"), spfWalkFail))
                .isEqualTo(HookResult.DECLINED);
        assertThat(DmarcAttributes.string(spfWalkFail, DmarcAttributes.RESULT)).contains("temperror");
    }

    private static FakeMail mail(String ip, String envelopeSender, byte[] raw) throws Exception {
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new Properties()), new ByteArrayInputStream(raw));
        return FakeMail.builder().name("m").mimeMessage(message).sender(envelopeSender)
                .recipient("bob@receiver.test").remoteAddr(ip)
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example"))).build();
    }

    @Test
    void hookRejectsAndTempFailsAndHandsOverToTheMailet() throws Exception {
        HookResult reject = hook("rejectFailures", "true").onMessage(session("127.0.0.3"), mail("127.0.0.3", "sender.test"));
        assertThat(reject.getSmtpRetCode()).isEqualTo("550");
        assertThat(reject.getSmtpDescription()).startsWith("5.7.1").contains("sender.test").contains("p=reject");

        HookResult tempFail = hook("tempFailOnError", "true").onMessage(session("127.0.0.3"), mail("127.0.0.3", "broken.test"));
        assertThat(tempFail.getSmtpRetCode()).isEqualTo("451");

        FakeMail quarantined = mail("127.0.0.3", "quarantine.test");
        assertThat(hook("rejectFailures", "true").onMessage(session("127.0.0.3"), quarantined)).isEqualTo(HookResult.DECLINED);
        assertThat(DmarcAttributes.evaluatedAtSmtp(quarantined)).isTrue();

        mailet().service(quarantined);
        assertThat(metrics.countFor("dmarc_evaluations_fail")).as("counted once, by the hook").isEqualTo(2);
        assertThat(DmarcAttributes.string(quarantined, DmarcAttributes.DISPOSITION)).contains("quarantine");
        List<String> ar = arFields(quarantined);
        assertThat(ar).hasSize(1);
        assertThat(ar.get(0)).contains("dmarc=fail");
        assertThat(TestMails.headerLines(quarantined.getMessage()).get(0)).isEqualTo(ar.get(0));
    }

    private static FakeMail mailWithHeader(String extraHeader) throws Exception {
        String raw = "Received: from client.example (client.example [127.0.0.3])\r\n\tby mx.receiver.test; Wed, 25 Nov 2026 12:00:00 +0000\r\n"
                + "Authentication-Results: upstream.test; spf=pass smtp.mailfrom=sender.test\r\n"
                + extraHeader
                + "Authentication-Results: other.test; dkim=pass header.d=sender.test\r\n"
                + "From: a@sender.test\r\nTo: bob@receiver.test\r\nSubject: hi\r\n\r\nbody\r\n";
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
        return FakeMail.builder().name("m").mimeMessage(message).sender("bounce@sender.test")
                .recipient("bob@receiver.test").remoteAddr("127.0.0.3")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example"))).build();
    }

    /** Every Authentication-Results field as javax.mail (and so James and later mailets) reads the message. */
    private static List<String> arValues(Mail mail) throws Exception {
        String[] values = mail.getMessage().getHeader("Authentication-Results");
        return values == null ? List.of() : List.of(values);
    }

    @Test
    void forgedFieldWithWhitespaceBeforeTheColonIsRemovedAndTheOthersKept() throws Exception {
        // RFC 5322 §4.5 obsolete syntax: WSP between field name and colon; javax.mail reads it as Authentication-Results.
        FakeMail mail = mailWithHeader("Authentication-Results : " + AUTHSERV + "; dmarc=pass header.from=sender.test\r\n");
        mailet().service(mail);

        List<String> ar = arValues(mail);
        assertThat(ar).hasSize(3);
        assertThat(ar.get(0)).startsWith(AUTHSERV + "; dmarc=fail");
        assertThat(ar).noneMatch(v -> v.contains("dmarc=pass"));
        assertThat(ar.get(1)).startsWith("upstream.test;");
        assertThat(ar.get(2)).startsWith("other.test;");
    }

    @Test
    void forgedFieldWithAControlCharacterAroundTheNameIsRemoved() throws Exception {
        FakeMail mail = mailWithHeader("Authentication-Results\u0000: " + AUTHSERV + "; dmarc=pass header.from=sender.test\r\n");
        mailet().service(mail);

        List<String> ar = arValues(mail);
        assertThat(ar).hasSize(3);
        assertThat(ar.get(0)).startsWith(AUTHSERV + "; dmarc=");
        assertThat(ar.subList(1, 3)).noneMatch(v -> v.startsWith(AUTHSERV));
    }

    @Test
    void forgedFieldBelowThousandsOfFieldsIsRemoved() throws Exception {
        StringBuilder filler = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            filler.append("X-Filler: ").append(i).append("\r\n");
        }
        FakeMail mail = mailWithHeader(filler + "Authentication-Results: " + AUTHSERV
                + "; dmarc=pass header.from=sender.test\r\n");
        mailet().service(mail);

        List<String> ar = arValues(mail);
        assertThat(ar).hasSize(3);
        assertThat(ar.get(0)).startsWith(AUTHSERV + "; dmarc=");
        assertThat(ar.subList(1, 3)).noneMatch(v -> v.startsWith(AUTHSERV));
    }
}
