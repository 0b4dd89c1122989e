package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DmarcCheckerTest {

    private static final String AUTHSERV = "mx.receiver.test";

    private FakeDnsServer dns;
    private DkimTestSigner signer;

    @BeforeEach
    void startDns() throws Exception {
        dns = FakeDnsServer.start();
        signer = DkimTestSigner.rsa2048("sender.test", "s1");
        dns.txt("_dmarc.sender.test", "v=DMARC1; p=reject; rua=mailto:dmarc@sender.test")
                .txt("sender.test", "v=spf1 ip4:127.0.0.2 -all")
                .a("sender.test", "127.0.0.2")
                .txt(signer.keyRecordName(), signer.txtRecord())
                .txt("_dmarc.quarantine.test", "v=DMARC1; p=quarantine")
                .txt("quarantine.test", "v=spf1 ip4:127.0.0.2 -all")
                .txt("_dmarc.monitor.test", "v=DMARC1; p=none")
                .txt("monitor.test", "v=spf1 ip4:127.0.0.2 -all")
                .txt("nodmarc.test", "v=spf1 ip4:127.0.0.2 -all")
                .servfail("_dmarc.broken.test")
                .txt("broken.test", "v=spf1 ip4:127.0.0.2 -all")
                .txt("_dmarc.testing.test", "v=DMARC1; p=reject; t=y")
                .txt("testing.test", "v=spf1 -all");
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    private CheckSettings settings() {
        return settingsBuilder().build();
    }

    private SettingsBuilder settingsBuilder() {
        return new SettingsBuilder(dns.settings());
    }

    private static byte[] message(String from) {
        return ("From: " + from + "\r\nTo: bob@receiver.test\r\nSubject: hi\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static MessageContext context(String ip, String mailFrom, byte[] message) throws Exception {
        return new MessageContext(InetAddress.getByName(ip), "client.example", Optional.ofNullable(mailFrom), false, message);
    }

    private CheckOutcome.Evaluated evaluated(CheckOutcome outcome) {
        assertThat(outcome).isInstanceOf(CheckOutcome.Evaluated.class);
        return (CheckOutcome.Evaluated) outcome;
    }

    @Test
    void spfAlignedPass() throws Exception {
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settings())
                .check(context("127.0.0.2", "bounce@sender.test", message("a@sender.test"))));

        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.spf().result()).isEqualTo(SpfResult.PASS);
        assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
        assertThat(e.authenticationResults())
                .startsWith(AUTHSERV + ";")
                .contains("dmarc=pass")
                .contains("header.from=sender.test")
                .contains("spf=pass");
    }

    @Test
    void dkimAlignedPassWhenSpfFails() throws Exception {
        byte[] signed = signer.sign(DkimTestSigner.sampleMessage("sender.test", "hello\r\n"));
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settings())
                .check(context("127.0.0.3", "bounce@sender.test", signed)));

        assertThat(e.spf().result()).isEqualTo(SpfResult.FAIL);
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.authenticationResults()).contains("dkim=pass").contains("header.d=sender.test").contains("dmarc=pass");
    }

    @Test
    void alignedDkimSignatureWhoseKeyLookupFailsIsTemperrorNeverReject() throws Exception {
        // RFC 9989 §4.10.1: the aligned signature might verify on retry, so DMARC cannot fail it yet.
        DkimTestSigner unreachableKey = DkimTestSigner.rsa2048("sender.test", "s9");
        dns.servfail(unreachableKey.keyRecordName());
        byte[] signed = unreachableKey.sign(DkimTestSigner.sampleMessage("sender.test", "hello\r\n"));
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settings())
                .check(context("127.0.0.3", "bounce@sender.test", signed)));

        assertThat(e.spf().result()).isEqualTo(SpfResult.FAIL);
        assertThat(e.dkim()).singleElement().satisfies(d -> assertThat(d.result()).isEqualTo(DkimResult.TEMPERROR));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.authenticationResults()).contains("dmarc=temperror");
    }

    @Test
    void spfPassWhoseAlignmentWalkFailsIsTemperrorNeverReject() throws Exception {
        // SPF passes for bounce.sender.test, but its Organizational Domain walk meets a SERVFAIL: it may align.
        dns.txt("bounce.sender.test", "v=spf1 ip4:127.0.0.2 -all").servfail("_dmarc.bounce.sender.test");
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settings())
                .check(context("127.0.0.2", "x@bounce.sender.test", message("a@sender.test"))));

        assertThat(e.spf().result()).isEqualTo(SpfResult.PASS);
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void failUnderEachPolicy() throws Exception {
        DmarcChecker checker = DmarcChecker.create(settings());
        CheckOutcome.Evaluated reject = evaluated(checker.check(context("127.0.0.3", "x@sender.test", message("a@sender.test"))));
        CheckOutcome.Evaluated quarantine = evaluated(checker.check(context("127.0.0.3", "x@quarantine.test", message("a@quarantine.test"))));
        CheckOutcome.Evaluated none = evaluated(checker.check(context("127.0.0.3", "x@monitor.test", message("a@monitor.test"))));

        assertThat(reject.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(reject.evaluation().disposition()).isEqualTo(Disposition.REJECT);
        assertThat(reject.authenticationResults()).contains("dmarc=fail").contains("p=reject").contains("dis=reject");
        assertThat(quarantine.evaluation().disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(none.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(none.evaluation().disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void testingFlagLowersReject() throws Exception {
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settings())
                .check(context("127.0.0.3", "x@testing.test", message("a@testing.test"))));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.evaluation().appliedPolicy().orElseThrow().policy()).isEqualTo(Policy.REJECT);
        assertThat(e.evaluation().appliedPolicy().orElseThrow().tag()).isEqualTo(AppliedPolicyTag.P);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.QUARANTINE);
    }

    @Test
    void noPolicyGivesNone() throws Exception {
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settings())
                .check(context("127.0.0.2", "x@nodmarc.test", message("a@nodmarc.test"))));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.NONE);
        assertThat(e.authenticationResults()).contains("dmarc=none");
    }

    @Test
    void dnsFailureIsTemperrorNeverReject() throws Exception {
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settings())
                .check(context("127.0.0.3", "x@broken.test", message("a@broken.test"))));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.NONE);
        assertThat(e.authenticationResults()).contains("dmarc=temperror");
    }

    @Test
    void forgedResultsWithOurIdAreMarkedAndIgnored() throws Exception {
        byte[] m = ("Authentication-Results: other.test; spf=pass smtp.mailfrom=sender.test\r\n"
                + "Authentication-Results: " + AUTHSERV.toUpperCase() + "; dmarc=pass header.from=sender.test; spf=pass smtp.mailfrom=sender.test\r\n"
                + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CheckSettings s = settingsBuilder().trusted(AUTHSERV).trustAuthResultsFromAnyClient().build();
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(s).check(context("127.0.0.3", "x@sender.test", m)));

        assertThat(e.forgedAuthResultsFields()).containsExactly(1);
        // Neither the forged field nor the untrusted one may turn the failing SPF into a pass.
        assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void trustedUpstreamHeloResultIsNotTheSpfDomainWhenTheReversePathIsNotNull() throws Exception {
        // RFC 9989 §3.2.4 / §4.4.2: DMARC relies solely on the MAIL FROM identity; HELO only stands in for a null path.
        byte[] m = ("Authentication-Results: relay.receiver.test; spf=pass smtp.helo=sender.test\r\n"
                + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CheckSettings s = settingsBuilder().trusted("relay.receiver.test").trustAuthResultsFromAnyClient().build();

        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(s).check(context("127.0.0.3", "x@other.test", m)));
        assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
        assertThat(e.spf().domain()).contains(DomainName.of("other.test"));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);

        // With the null reverse-path the HELO identity is the MAIL FROM identity (postmaster@HELO): taken.
        CheckOutcome.Evaluated bounce = evaluated(DmarcChecker.create(s).check(context("127.0.0.3", null, m)));
        assertThat(bounce.spfSource()).isEqualTo(ResultSource.TRUSTED_AUTHENTICATION_RESULTS);
        assertThat(bounce.evaluation().result()).isEqualTo(DmarcResult.PASS);
    }

    @Test
    void anObsoleteSyntaxAuthenticationResultsFieldIsNotTrustedButOursIsStillRemoved() throws Exception {
        // "Authentication-Results :" (RFC 5322 §4.5 obsolete WSP before the colon): a relay that strips forgeries
        // of its own id by exact field name may let it through, so its results are not believed.
        byte[] m = ("Authentication-Results : relay.receiver.test; spf=pass smtp.mailfrom=x@sender.test\r\n"
                + "Authentication-Results\t: " + AUTHSERV + "; dmarc=pass header.from=sender.test\r\n"
                + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CheckSettings s = settingsBuilder().trusted("relay.receiver.test").trustAuthResultsFromAnyClient().build();
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(s).check(context("127.0.0.3", "x@sender.test", m)));

        assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        // javax.mail (and so James) reads both as Authentication-Results: the one claiming our id is still forged.
        assertThat(e.forgedAuthResultsFields()).containsExactly(1);
    }

    @Test
    void trustedUpstreamResultsAreUsed() throws Exception {
        byte[] m = ("Authentication-Results: relay.receiver.test; spf=pass smtp.mailfrom=x@sender.test\r\n"
                + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CheckSettings s = settingsBuilder().trusted("relay.receiver.test").trustAuthResultsFromAnyClient().build();
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(s).check(context("127.0.0.3", "x@sender.test", m)));

        assertThat(e.spfSource()).isEqualTo(ResultSource.TRUSTED_AUTHENTICATION_RESULTS);
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
    }

    @Test
    void trustedResultsFromAClientThatIsNoTrustedRelayAreNotBelieved() throws Exception {
        // Issue 8 item 8: the sender connects to us directly and writes the trusted relay's results itself.
        byte[] m = ("Authentication-Results: relay.receiver.test; spf=pass smtp.mailfrom=x@sender.test;"
                + " dkim=pass header.d=sender.test\r\n"
                + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CheckSettings s = settingsBuilder().trusted("relay.receiver.test").trustedRelays("127.0.0.1/32").build();
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(s).check(context("127.0.0.3", "x@sender.test", m)));

        assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
        assertThat(e.dkimSource()).isEqualTo(ResultSource.SELF);
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
    }

    private static final String RELAY_RECEIVED = "Received: from sender-helo.test (unknown [127.0.0.3])\r\n"
            + "\tby relay.receiver.test (Postfix) with ESMTP id 4ABC\r\n\tfor <bob@receiver.test>;"
            + " Wed, 25 Nov 2026 12:00:00 +0000 (UTC)\r\n";
    private static final String RELAY_PASS = "Authentication-Results: relay.receiver.test;"
            + " spf=pass smtp.mailfrom=x@sender.test\r\n";

    private CheckOutcome.Evaluated viaRelay(String header) throws Exception {
        byte[] m = (header + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CheckSettings s = settingsBuilder().trusted("relay.receiver.test").trustedRelays("127.0.0.1/32").build();
        return evaluated(DmarcChecker.create(s).check(context("127.0.0.1", "x@sender.test", m)));
    }

    @Test
    void trustedResultsTheTrustedRelayAddedAreBelieved() throws Exception {
        // Prepended above the relay's Received field, or inserted right below it (a milter at index 1).
        for (String header : List.of(RELAY_PASS + RELAY_RECEIVED, RELAY_RECEIVED + RELAY_PASS)) {
            CheckOutcome.Evaluated e = viaRelay(header);
            assertThat(e.client().viaTrustedRelay()).isTrue();
            assertThat(e.spfSource()).as(header).isEqualTo(ResultSource.TRUSTED_AUTHENTICATION_RESULTS);
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        }
    }

    @Test
    void trustedResultsTheSenderWroteBelowTheRelaysPartAreNotBelieved() throws Exception {
        // Below another field, or below the sender's own Received field: the original client wrote them.
        for (String header : List.of(RELAY_RECEIVED + "X-Mailer: x\r\n" + RELAY_PASS,
                RELAY_RECEIVED + "Received: from a by b; Wed, 25 Nov 2026 11:59:00 +0000\r\n" + RELAY_PASS)) {
            CheckOutcome.Evaluated e = viaRelay(header);
            assertThat(e.spfSource()).as(header).isEqualTo(ResultSource.SELF);
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        }
    }

    @Test
    void untrustedUpstreamResultsAreIgnored() throws Exception {
        byte[] m = ("Authentication-Results: evil.test; spf=pass smtp.mailfrom=x@sender.test\r\n"
                + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settingsBuilder().trusted("relay.receiver.test").trustAuthResultsFromAnyClient().build())
                .check(context("127.0.0.3", "x@sender.test", m)));
        assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void behindTrustedRelayTheOriginalClientIsJudged() throws Exception {
        String received = "Received: from sender-helo.test (unknown [127.0.0.3])\r\n"
                + "\tby relay.receiver.test (Postfix) with ESMTP id 4ABC\r\n\tfor <bob@receiver.test>; Wed, 25 Nov 2026 12:00:00 +0000 (UTC)\r\n";
        byte[] viaRelayFromBadHost = (received + new String(message("a@sender.test"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        byte[] viaRelayFromGoodHost = (received.replace("127.0.0.3", "127.0.0.2") + new String(message("a@sender.test"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        DmarcChecker checker = DmarcChecker.create(settingsBuilder().trustedRelays("127.0.0.1/32").build());

        CheckOutcome.Evaluated bad = evaluated(checker.check(context("127.0.0.1", "x@sender.test", viaRelayFromBadHost)));
        CheckOutcome.Evaluated good = evaluated(checker.check(context("127.0.0.1", "x@sender.test", viaRelayFromGoodHost)));

        assertThat(bad.client().viaTrustedRelay()).isTrue();
        assertThat(bad.client().address().getHostAddress()).isEqualTo("127.0.0.3");
        assertThat(bad.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(good.client().address().getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(good.evaluation().result()).isEqualTo(DmarcResult.PASS);
    }

    @Test
    void anUnreadableRelayReceivedFieldDoesNotLetIgnoreHostsSkipTheCheck() throws Exception {
        // variants/postfix-front: Postfix at 127.0.0.1 is a trusted relay AND in ignoreHosts (for local submissions).
        DmarcChecker checker = DmarcChecker.create(settingsBuilder().trustedRelays("127.0.0.1/32")
                .ignoreHosts("127.0.0.1").build());
        // A relay whose Received field the check cannot read (here Exim's format; Postfix itself replaces
        // odd HELO characters with '?'): the relay's own address, listed in ignoreHosts, must not then stand
        // for the client and switch DMARC off for a forged From.
        String received = "Received: from [127.0.0.3] (helo=a.example)\r\n"
                + "\tby relay.receiver.test with esmtp (Exim 4.96) id 1abc; Wed, 25 Nov 2026 12:00:00 +0000\r\n";
        byte[] forged = (received + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CheckOutcome.Evaluated e = evaluated(checker.check(context("127.0.0.1", "x@sender.test", forged)));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);

        // Mail that really started on this host (every Received hop is the relay itself) is still skipped.
        String local = "Received: from localhost (localhost [127.0.0.1])\r\n"
                + "\tby relay.receiver.test (Postfix) with ESMTP id 4ABD; Wed, 25 Nov 2026 12:00:00 +0000 (UTC)\r\n";
        byte[] fromHere = (local + new String(message("a@sender.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        assertThat(checker.check(context("127.0.0.1", "x@sender.test", fromHere)))
                .isInstanceOfSatisfying(CheckOutcome.Skipped.class, s -> assertThat(s.reason()).isEqualTo(SkipReason.IGNORED_HOST));
    }

    @Test
    void ignoreMailFromSkipsOnlyWhenEveryAuthorDomainIsIgnored() throws Exception {
        DmarcChecker checker = DmarcChecker.create(settingsBuilder().ignoreMailFrom("quarantine.test").build());
        assertThat(checker.check(context("127.0.0.3", "x@sender.test", message("a@quarantine.test"))))
                .isInstanceOfSatisfying(CheckOutcome.Skipped.class, s -> assertThat(s.reason()).isEqualTo(SkipReason.IGNORED_MAIL_FROM));

        // Naming an ignored domain next to the forged one must not switch the check off for the forged one.
        CheckOutcome.Evaluated e = evaluated(checker.check(context("127.0.0.3", "x@sender.test",
                message("a@quarantine.test, ceo@sender.test"))));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void ignoredHostsAndAuthenticatedClientsAreSkipped() throws Exception {
        DmarcChecker checker = DmarcChecker.create(settingsBuilder().ignoreHosts("127.0.0.5, 10.0.0.0/8").build());
        assertThat(checker.check(context("127.0.0.5", "x@sender.test", message("a@sender.test"))))
                .isInstanceOfSatisfying(CheckOutcome.Skipped.class, s -> assertThat(s.reason()).isEqualTo(SkipReason.IGNORED_HOST));

        MessageContext authenticated = new MessageContext(InetAddress.getByName("127.0.0.3"), "h", Optional.of("x@sender.test"),
                true, message("a@sender.test"));
        assertThat(checker.check(authenticated))
                .isInstanceOfSatisfying(CheckOutcome.Skipped.class, s -> assertThat(s.reason()).isEqualTo(SkipReason.AUTHENTICATED_CLIENT));
    }

    @Test
    void ignoreHostsNamesMatchTheForwardConfirmedClientNameNeverTheHelo() throws Exception {
        DmarcChecker checker = DmarcChecker.create(settingsBuilder().ignoreHosts("partner.test, .trusted.test").build());
        // The HELO name is whatever the client says: announcing a listed name must not skip the check.
        for (String helo : new String[] {"partner.test", "mx.trusted.test"}) {
            MessageContext spoofed = new MessageContext(InetAddress.getByName("127.0.0.3"), helo,
                    Optional.of("x@sender.test"), false, message("a@sender.test"));
            assertThat(checker.check(spoofed)).as(helo).isInstanceOf(CheckOutcome.Evaluated.class);
        }

        // The listed host, identified by forward-confirmed reverse DNS (OpenDMARC matches the MTA's client host name).
        dns.record(new org.xbill.DNS.PTRRecord(org.xbill.DNS.Name.fromString("4.0.0.127.in-addr.arpa."),
                        org.xbill.DNS.DClass.IN, 300, org.xbill.DNS.Name.fromString("partner.test.")))
                .record(new org.xbill.DNS.ARecord(org.xbill.DNS.Name.fromString("partner.test."),
                        org.xbill.DNS.DClass.IN, 300, InetAddress.getByName("127.0.0.4")));
        assertThat(checker.check(context("127.0.0.4", "x@sender.test", message("a@sender.test"))))
                .isInstanceOfSatisfying(CheckOutcome.Skipped.class, s -> assertThat(s.reason()).isEqualTo(SkipReason.IGNORED_HOST));

        // A PTR record alone is the address owner's claim: not confirmed by the name's A records, not matched.
        dns.record(new org.xbill.DNS.PTRRecord(org.xbill.DNS.Name.fromString("5.0.0.127.in-addr.arpa."),
                org.xbill.DNS.DClass.IN, 300, org.xbill.DNS.Name.fromString("partner.test.")));
        assertThat(checker.check(context("127.0.0.5", "x@sender.test", message("a@sender.test"))))
                .isInstanceOf(CheckOutcome.Evaluated.class);
    }

    @Test
    void severalAuthorDomainsTakeTheStrictestVerdict() throws Exception {
        // SPF passes for sender.test from .2, but monitor.test is also named: the verdict is never the lenient pick.
        byte[] m = message("a@monitor.test, b@quarantine.test");
        CheckOutcome.Evaluated e = evaluated(DmarcChecker.create(settings()).check(context("127.0.0.3", "x@other.test", m)));
        assertThat(e.evaluation().authorDomain()).contains(DomainName.of("quarantine.test"));
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.QUARANTINE);
    }

    @Test
    void multiValueFromIsRefusedWhenConfigured() throws Exception {
        byte[] m = message("a@monitor.test, b@sender.test");
        CheckOutcome outcome = DmarcChecker.create(settingsBuilder().rejectMultiValueFrom().build())
                .check(context("127.0.0.2", "x@sender.test", m));
        assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Refused.class,
                r -> assertThat(r.violation()).isEqualTo(HeaderViolation.MULTI_VALUE_FROM));
    }

    @Test
    void tooManyAuthorDomainsAreRefusedEvenWithoutRejectMultiValueFrom() throws Exception {
        StringBuilder from = new StringBuilder();
        for (int i = 0; i <= DmarcChecker.MAX_AUTHOR_DOMAINS; i++) {
            from.append(i == 0 ? "" : ", ").append("a@d").append(i).append(".test");
        }
        CheckOutcome outcome = DmarcChecker.create(settings()).check(context("127.0.0.2", "x@sender.test", message(from.toString())));
        assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Refused.class,
                r -> assertThat(r.violation()).isEqualTo(HeaderViolation.MULTI_VALUE_FROM));
        // No discovery was attempted for any of them.
        assertThat(dns.queries()).noneMatch(q -> q.name().contains("_dmarc.d"));
    }

    @Test
    void missingFromIsSkippedOrRefused() throws Exception {
        byte[] m = "To: bob@receiver.test\r\nSubject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(DmarcChecker.create(settings()).check(context("127.0.0.2", "x@sender.test", m)))
                .isInstanceOfSatisfying(CheckOutcome.Skipped.class, s -> {
                    assertThat(s.reason()).isEqualTo(SkipReason.NO_AUTHOR_DOMAIN);
                    // Not refused, but the header says why DMARC could not be applied.
                    assertThat(s.authenticationResults()).startsWith(AUTHSERV + ";").contains("dmarc=permerror")
                            .contains("no From field");
                });
        assertThat(DmarcChecker.create(settingsBuilder().requiredHeaders().build()).check(context("127.0.0.2", "x@sender.test", m)))
                .isInstanceOfSatisfying(CheckOutcome.Refused.class, r -> assertThat(r.violation()).isEqualTo(HeaderViolation.INVALID_FROM));
    }

    @Test
    void ignoredAuthorDomainIsSkipped() throws Exception {
        CheckOutcome outcome = DmarcChecker.create(settingsBuilder().ignoreMailFrom("sender.test").build())
                .check(context("127.0.0.3", "x@sender.test", message("a@sender.test")));
        assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Skipped.class,
                s -> assertThat(s.reason()).isEqualTo(SkipReason.IGNORED_MAIL_FROM));
    }

    /** Test-only settings builder with the defaults an admin gets. */
    static final class SettingsBuilder {
        private final DnsSettings dns;
        private Set<String> trusted = Set.of();
        private HostList ignoreHosts = HostList.empty();
        private HostList trustedRelays = HostList.empty();
        private boolean trustAuthResultsFromAnyClient;
        private Set<DomainName> ignoreMailFrom = Set.of();
        private boolean requiredHeaders;
        private boolean rejectMultiValueFrom;

        SettingsBuilder(DnsSettings dns) {
            this.dns = dns;
        }

        SettingsBuilder trusted(String... ids) {
            trusted = Set.of(ids);
            return this;
        }

        SettingsBuilder ignoreHosts(String spec) {
            ignoreHosts = HostList.parse(spec);
            return this;
        }

        /** OpenDMARC's model: trusted results believed from any client, wherever they stand. */
        SettingsBuilder trustAuthResultsFromAnyClient() {
            trustAuthResultsFromAnyClient = true;
            return this;
        }

        SettingsBuilder trustedRelays(String spec) {
            trustedRelays = HostList.parse(spec);
            return this;
        }

        SettingsBuilder ignoreMailFrom(String... domains) {
            ignoreMailFrom = Arrays.stream(domains).map(DomainName::of).collect(Collectors.toSet());
            return this;
        }

        SettingsBuilder requiredHeaders() {
            requiredHeaders = true;
            return this;
        }

        SettingsBuilder rejectMultiValueFrom() {
            rejectMultiValueFrom = true;
            return this;
        }

        CheckSettings build() {
            return new CheckSettings(AUTHSERV, trusted, ignoreHosts, true, ignoreMailFrom, requiredHeaders,
                    rejectMultiValueFrom, true, false, true, false, trustedRelays, trustAuthResultsFromAnyClient, dns,
                    DiscoveryMode.TREEWALK,
                    Optional.empty(), false);
        }
    }
}
