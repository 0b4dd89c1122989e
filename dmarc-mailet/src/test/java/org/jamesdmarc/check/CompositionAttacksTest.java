package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attacks of "Composition Kills: A Case Study of Email Sender Authentication" (Chen et al., USENIX
 * Security 2020) that concern a DMARC verifier, run through the one evaluation path
 * ({@link DmarcChecker#check}) against an in-JVM DNS server.
 *
 * <p>Cast: {@code bank.test} is the spoofed domain; it publishes {@code p=reject} and sends only from
 * 127.0.0.2. The attacker owns {@code attack.test} (SPF allows 127.0.0.66, a DKIM key under {@code s1},
 * {@code p=none}) and sends from 127.0.0.66 with a valid SPF pass and DKIM pass <em>for attack.test</em>.
 * Every test asserts the safe verdict: never a DMARC pass for bank.test, and a clear answer for what
 * was actually authenticated. A few positive controls show that the same set-up does pass genuine
 * bank.test mail, so the attack tests cannot pass for a trivial reason.
 */
class CompositionAttacksTest {

    /** Must equal {@link DmarcCheckerTest}'s authserv-id, which its SettingsBuilder uses. */
    private static final String AUTHSERV = "mx.receiver.test";
    private static final String BANK = "bank.test";
    private static final String ATTACK = "attack.test";
    private static final String BANK_IP = "127.0.0.2";
    private static final String ATTACKER_IP = "127.0.0.66";
    private static final String RELAY_IP = "127.0.0.1";
    private static final String ATTACKER_HELO = "mail.attack.test";

    private static FakeDnsServer dns;
    /** The attacker's key, published for attack.test (and, below, for odd names the attacker controls). */
    private static DkimTestSigner attacker;
    /** bank.test's real key, for the positive controls. */
    private static DkimTestSigner bank;

    @BeforeAll
    static void zone() throws Exception {
        dns = FakeDnsServer.start();
        attacker = DkimTestSigner.rsa2048(ATTACK, "s1");
        bank = DkimTestSigner.rsa2048(BANK, "s1");
        dns.txt("_dmarc.bank.test", "v=DMARC1; p=reject; sp=quarantine; np=reject")
                .txt(BANK, "v=spf1 ip4:" + BANK_IP + " -all")
                .a(BANK, BANK_IP)
                .a("shop.bank.test", BANK_IP)
                .txt(bank.keyRecordName(), bank.txtRecord())
                .txt("_dmarc.attack.test", "v=DMARC1; p=none")
                .txt(ATTACK, "v=spf1 ip4:" + ATTACKER_IP + " -all")
                .txt(ATTACKER_HELO, "v=spf1 ip4:" + ATTACKER_IP + " -all")
                .a(ATTACK, ATTACKER_IP)
                .txt(attacker.keyRecordName(), attacker.txtRecord())
                // Names under attack.test that a C-string or comment-blind verifier would read as bank.test:
                // the attacker can publish keys there, so a verifier that looked them up would verify.
                .txt("s1._domainkey.bank.test\\000.attack.test", attacker.txtRecord())
                .txt("s1._domainkey.bank.test(.attack.test", attacker.txtRecord())
                .txt("s1._domainkey.attack.test\\000bank.test", attacker.txtRecord())
                .txt("bank.test\\000.attack.test", "v=spf1 ip4:" + ATTACKER_IP + " -all")
                .txt("bank.test(.attack.test", "v=spf1 ip4:" + ATTACKER_IP + " -all");
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    // ------------------------------------------------------------------------------------------------
    // helpers

    private static DmarcCheckerTest.SettingsBuilder settings() {
        return new DmarcCheckerTest.SettingsBuilder(dns.settings());
    }

    private static final String REST = "To: bob@receiver.test\r\nSubject: hi\r\n"
            + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@attack.test>\r\n\r\nbody\r\n";

    /** A message whose header starts with {@code fromFields} (complete lines, CRLF-terminated). */
    private static byte[] message(String fromFields) {
        return (fromFields + REST).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withFrom(String fromValue) {
        return message("From: " + fromValue + "\r\n");
    }

    private static byte[] prepend(String fields, byte[] message) {
        return (fields + new String(message, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    /** What the attacker sends at best: SPF pass and DKIM pass for attack.test. */
    private static MessageContext fromAttacker(byte[] message) throws Exception {
        return context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", attacker.sign(message));
    }

    private static MessageContext context(String ip, String helo, String mailFrom, byte[] message) throws Exception {
        return new MessageContext(InetAddress.getByName(ip), helo, Optional.ofNullable(mailFrom), false, message);
    }

    private static CheckOutcome check(CheckSettings settings, MessageContext context) {
        return DmarcChecker.create(settings).check(context);
    }

    private static CheckOutcome.Evaluated evaluated(CheckOutcome outcome) {
        assertThat(outcome).isInstanceOf(CheckOutcome.Evaluated.class);
        return (CheckOutcome.Evaluated) outcome;
    }

    /** DMARC failed for bank.test and its p=reject applies. */
    private static void assertRejectedForBank(CheckOutcome outcome) {
        CheckOutcome.Evaluated e = evaluated(outcome);
        assertThat(e.evaluation().authorDomain()).contains(DomainName.of(BANK));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
        assertThat(e.authenticationResults()).contains("dmarc=fail").contains("header.from=bank.test");
    }

    /** Evaluated for attack.test only: the attacker authenticated their own domain, nothing else. */
    private static void assertOnlyAttackDomain(CheckOutcome outcome) {
        CheckOutcome.Evaluated e = evaluated(outcome);
        assertThat(e.evaluation().authorDomain()).contains(DomainName.of(ATTACK));
        assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        assertThat(e.authenticationResults()).contains("header.from=attack.test").doesNotContain("header.from=bank.test");
    }

    /** No Author Domain can be read safely: skipped by default, refused with requiredHeaders. */
    private static void assertUnevaluable(MessageContext context) {
        assertThat(check(settings().build(), context)).isInstanceOfSatisfying(CheckOutcome.Skipped.class,
                s -> assertThat(s.reason()).isEqualTo(SkipReason.NO_AUTHOR_DOMAIN));
        assertThat(check(settings().requiredHeaders().build(), context)).isInstanceOfSatisfying(CheckOutcome.Refused.class,
                r -> assertThat(r.violation()).isEqualTo(HeaderViolation.INVALID_FROM));
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class PositiveControls {

        @Test
        void genuineBankMailPassesBySpf() throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(BANK_IP, "mail.bank.test", "bounce@bank.test", withFrom("admin@bank.test"))));
            assertThat(e.evaluation().authorDomain()).contains(DomainName.of(BANK));
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        }

        @Test
        void genuineBankMailPassesByDkim() throws Exception {
            byte[] signed = bank.sign(withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, "forwarder.test", "x@forwarder.test", signed)));
            assertThat(e.evaluation().authorDomain()).contains(DomainName.of(BANK));
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        }

        @Test
        void attackerReallyHasSpfAndDkimPassForItsOwnDomain() throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(), fromAttacker(withFrom("x@attack.test"))));
            assertThat(e.spf().result()).isEqualTo(SpfResult.PASS);
            assertThat(e.spf().domain()).contains(DomainName.of(ATTACK));
            assertThat(e.dkim()).extracting(DkimOutcome::result, DkimOutcome::domain)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(DkimResult.PASS, Optional.of(DomainName.of(ATTACK))));
            assertOnlyAttackDomain(e);
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** §4 (Chen et al.): the From field parsed differently by the verifier and by the MUA. */
    @Nested
    class AmbiguousFrom {

        @ParameterizedTest
        @ValueSource(strings = {
            "From: admin@bank.test\r\nFrom: x@attack.test\r\n",
            "From: x@attack.test\r\nFrom: admin@bank.test\r\n",
            "FROM: x@attack.test\r\nfrom: admin@bank.test\r\n",
            // RFC 5322 §4.5.3 obs-from: whitespace before the colon still makes a From field.
            "From : admin@bank.test\r\nFrom: x@attack.test\r\n",
            "From: x@attack.test\r\nFrom\t: admin@bank.test\r\n",
            "From: x@attack.test\r\nTo: bob@receiver.test\r\nFrom: admin@bank.test\r\n",
        })
        void multipleFromFieldsNeverPassForBank(String fromFields) throws Exception {
            MessageContext c = fromAttacker(message(fromFields));
            // Default: RFC 9989 §11.5, every Author Domain evaluated, the strictest verdict kept.
            assertRejectedForBank(check(settings().build(), c));
            // RequiredHeaders: RFC 5322 §3.6 allows one From field; refused outright.
            assertThat(check(settings().requiredHeaders().build(), c)).isInstanceOfSatisfying(CheckOutcome.Refused.class,
                    r -> assertThat(r.violation()).isEqualTo(HeaderViolation.MULTIPLE_FROM_FIELDS));
        }

        @Test
        void obsoleteFromOnTheFirstLineIsNoMboxSeparator() throws Exception {
            // Unsigned, so "From :" stays the first line: it must not be skipped like an mbox "From " line.
            byte[] m = message("From : admin@bank.test\r\nFrom: x@attack.test\r\n");
            assertRejectedForBank(check(settings().build(), context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", m)));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "admin@bank.test, x@attack.test",
            "x@attack.test, admin@bank.test",
            "<x@attack.test>, Bank <admin@bank.test>",
            "x@attack.test,,admin@bank.test,",
            // RFC 6854 group syntax hiding the second mailbox
            "Team: x@attack.test, admin@bank.test;",
            "x@attack.test, Team: admin@bank.test;",
        })
        void severalAddressesInOneFromNeverPassForBank(String from) throws Exception {
            MessageContext c = fromAttacker(withFrom(from));
            assertRejectedForBank(check(settings().build(), c));
            assertThat(check(settings().rejectMultiValueFrom().build(), c)).isInstanceOfSatisfying(CheckOutcome.Refused.class,
                    r -> assertThat(r.violation()).isEqualTo(HeaderViolation.MULTI_VALUE_FROM));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "\"admin@bank.test\" <x@attack.test>",
            "\"<admin@bank.test>\" <x@attack.test>",
            "\"admin@bank.test, \" <x@attack.test>",
            "admin.bank.test <x@attack.test>",
            "x@attack.test (admin@bank.test)",
            "(admin@bank.test) x@attack.test",
            "<x@attack.test> (admin@bank.test)",
            "\"admin@bank.test\" (admin@bank.test) <x@attack.test>",
            "x@attack.test (nested (admin@bank.test) comment)",
            // group display name holding an address: the member is the mailbox
            "\"admin@bank.test\": x@attack.test;",
            "Bank Security: <x@attack.test>;",
        })
        void displayNamesAndCommentsNeverContributeTheDomain(String from) throws Exception {
            assertOnlyAttackDomain(check(settings().build(), fromAttacker(withFrom(from))));
        }

        @Test
        void encodedWordCarryingAnAddressDecodesToBankButIsNotUsed() throws Exception {
            String encoded = Base64.getEncoder().encodeToString("<admin@bank.test>".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)).contains("bank.test");
            // Issue 8 class 1: a client that decodes before parsing shows bank.test, so not even attack.test is
            // evaluated any more (it was, with the word left undecoded): the From is refused.
            assertUnevaluable(fromAttacker(withFrom("=?utf-8?B?" + encoded + "?= <x@attack.test>")));
            assertUnevaluable(fromAttacker(withFrom("=?utf-8?B?YWRtaW5AYmFuay50ZXN0?= <x@attack.test>")));
            assertUnevaluable(fromAttacker(withFrom("=?utf-8?Q?admin=40bank=2Etest?= <x@attack.test>")));
            // The same encoded-word with no address of its own: no Author Domain at all, never bank.test.
            assertUnevaluable(fromAttacker(withFrom("=?utf-8?B?" + encoded + "?=")));
            // ... and as a list element next to the attacker's mailbox (decoded by some MUAs into a 2nd address).
            assertUnevaluable(fromAttacker(withFrom("=?utf-8?B?" + encoded + "?=, <x@attack.test>")));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            // quoted local part holding an address delimiter: MUAs show "admin@bank.test"
            "\"admin@bank.test\"@attack.test",
            "<\"admin@bank.test\"@attack.test>",
            "\"admin@bank.test\\\"\"@attack.test",
            // a display name without angle brackets
            "admin@bank.test <x@attack.test>",
            "admin@bank.test x@attack.test",
            // comment or whitespace inside the addr-spec
            "admin(@attack.test)@bank.test",
            "admin@bank.test(.attack.test",
            "admin@(x)bank.test",
            "x@attack.test(.bank.test",
            "admin @bank.test",
            // encoded-word inside an addr-spec (RFC 2047 §5(3) forbids it)
            "=?utf-8?Q?admin=40bank.test?=@attack.test",
            "<=?utf-8?B?YWRtaW5AYmFuay50ZXN0?=@attack.test>",
            // obsolete route naming another domain (RFC 5322 §4.4)
            "<@attack.test:admin@bank.test>",
            "<@bank.test:x@attack.test>",
            "<@attack.test,@attack.test:admin@bank.test>",
            // unterminated or odd structures
            "<admin@bank.test",
            "admin@bank.test>",
            "<admin@bank.test> <x@attack.test>",
            "admin@bank.test:x@attack.test;",
            "Team: admin@bank.test",
            "<>",
            "admin@[127.0.0.2]",
            "admin@bank",
            // invisible characters inside the domain
            "admin@bank.test\u200b",
            "admin@bank.test\u00a0",
        })
        void unparseableFromIsNeverEvaluatedAsBank(String from) throws Exception {
            assertUnevaluable(fromAttacker(withFrom(from)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "   (admin@bank.test)", ",", "undisclosed-recipients:;", "\"admin@bank.test\":;"})
        void emptyFromIsNeverEvaluatedAsBank(String from) throws Exception {
            assertUnevaluable(fromAttacker(withFrom(from)));
        }

        @Test
        void missingFromIsNeverEvaluatedAsBank() throws Exception {
            assertUnevaluable(fromAttacker(REST.getBytes(StandardCharsets.UTF_8)));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "From: admin@bank.test\u0000x@attack.test\r\n",
            "From: x@attack.test\u0000admin@bank.test\r\n",
            "From: admin@bank.test\u0000\r\n",
            "From: <admin@bank.test\u0000.attack.test>\r\n",
            "From: x@attack.test\u0000.bank.test\r\n",
            "From: \"admin@bank.test\u0000\" <x@attack.test>\r\n",
            // other control characters and a bare CR that some parsers treat as a line end
            "From: x@attack.test\rFrom: admin@bank.test\r\n",
            "From: admin@bank.test\u000b\r\n",
        })
        void nulAndControlCharactersInFromAreNeverEvaluatedAsBank(String fromField) throws Exception {
            assertUnevaluable(fromAttacker(message(fromField)));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            // a folded continuation that reads like a From field of its own
            "From: x@attack.test\r\n From: admin@bank.test\r\n",
            "From: x@attack.test\r\n\tFrom : admin@bank.test\r\n",
            // the header section starting with a continuation line (first From hidden)
            " From: admin@bank.test\r\nFrom: x@attack.test\r\n",
            // a line that is not a field before From: parsers disagree on where the header ends
            "Junk line\r\nFrom: admin@bank.test\r\n",
            "From: x@attack.test\r\n: admin@bank.test\r\n",
            // a field name with a NUL or a non-breaking space: not a field, but a C parser may read "From"
            "Fr\u0000om: admin@bank.test\r\nFrom: x@attack.test\r\n",
            "From\u00a0: admin@bank.test\r\nFrom: x@attack.test\r\n",
        })
        void foldingAndHeaderStructureTricksAreNeverEvaluatedAsBank(String fields) throws Exception {
            assertUnevaluable(fromAttacker(message(fields)));
        }

        /**
         * Issue 8: what the outside review's mail clients showed as admin@bank.test, with dmarc=pass for attack.test
         * (class 3, "From :" on the first line, is {@link #obsoleteFromOnTheFirstLineIsNoMboxSeparator}).
         */
        @ParameterizedTest
        @ValueSource(strings = {
            // class 1: an encoded-word that swallows the quote; clients show admin@bank.test
            "From: =?utf-8*\"?q?Admin?=<admin@bank.test>(\"<x@attack.test>\r\n",
            "From: =?utf-8?q?A\"?=<admin@bank.test>\"<x@attack.test>\r\n",
            // class 2: a bare CR plus odd whitespace hides a first From field
            "X-A: b\r\u000bFrom: <admin@bank.test>\r\nFrom: <x@attack.test>\r\n",
            "X-A: b\r\fFrom: <admin@bank.test>\r\nFrom: <x@attack.test>\r\n",
            "X-A: b\r\u00a0From: <admin@bank.test>\r\nFrom: <x@attack.test>\r\n",
            // class 4: invisible code points, dropped when clients show the domain
            "From: <admin@bank\u17b4.test>\r\n",
            "From: <admin@\u115fbank.test>\r\n",
            "From: <admin@bank.t\u3164est>\r\n",
        })
        void whatMailClientsShowAsBankIsNeverEvaluatedAsAnotherDomain(String fields) throws Exception {
            assertUnevaluable(fromAttacker(message(fields)));
        }

        @Test
        void invalidUtf8InTheDomainIsNeverBank() throws Exception {
            // Raw 0xFF / Latin-1 bytes decode to U+FFFD, which no domain may contain.
            byte[] head = "From: admin@bank.test".getBytes(StandardCharsets.US_ASCII);
            byte[] tail = ("\r\n" + REST).getBytes(StandardCharsets.US_ASCII);
            for (byte[] junk : new byte[][] {{(byte) 0xff}, {(byte) 0xe9}, {(byte) 0xc0, (byte) 0xae}}) {
                byte[] m = new byte[head.length + junk.length + tail.length];
                System.arraycopy(head, 0, m, 0, head.length);
                System.arraycopy(junk, 0, m, head.length, junk.length);
                System.arraycopy(tail, 0, m, head.length + junk.length, tail.length);
                assertUnevaluable(context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", m));
            }
        }

        @Test
        void foldedFromFieldWithItsAddressOnTheNextLineIsOrdinary() throws Exception {
            // Legit folding is not an attack: the domain on the continuation line counts.
            assertRejectedForBank(check(settings().build(), fromAttacker(message("From: Bank\r\n <admin@bank.test>\r\n"))));
            assertOnlyAttackDomain(check(settings().build(),
                    fromAttacker(message("From: \"admin@bank.test\"\r\n\t<x@attack.test>\r\n"))));
        }

        @Test
        void homographDomainIsItsOwnDomainNotBank() throws Exception {
            // Cyrillic "а" (U+0430): a different domain (xn--...), no DMARC record, never bank.test's verdict.
            String homograph = "b\u0430nk.test";
            CheckOutcome.Evaluated e = evaluated(check(settings().build(), fromAttacker(withFrom("admin@" + homograph))));
            assertThat(e.evaluation().authorDomain().map(DomainName::name)).hasValueSatisfying(d ->
                    assertThat(d).isEqualTo(IDN.toASCII(homograph)).startsWith("xn--").isNotEqualTo(BANK));
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.NONE);
            assertThat(e.authenticationResults()).doesNotContain("header.from=bank.test");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "admin@\uff42\uff41\uff4e\uff4b.test", // fullwidth "bank": IDNA2003 would map it to bank.test
            "admin@bank\u3002test",                  // ideographic full stop as a dot
            "admin@BANK\uff0etest",                  // fullwidth full stop
            "admin@b\u00adank.test",                  // soft hyphen, deleted by IDNA2003 mapping
        })
        void idnaMappingsThatWouldYieldBankAreRefused(String from) throws Exception {
            // Not silently mapped to bank.test (where an MUA may show something else) nor to any other domain.
            assertUnevaluable(fromAttacker(withFrom(from)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"admin@BANK.TEST", "admin@Bank.Test", "admin@bank.test.", "Admin <ADMIN@BANK.TEST.>"})
        void caseAndTrailingDotVariantsStillMeanBank(String from) throws Exception {
            assertRejectedForBank(check(settings().build(), fromAttacker(withFrom(from))));
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** §5: a subdomain without its own record must not escape bank.test's policy. */
    @Nested
    class NonExistentSubdomains {

        @ParameterizedTest
        @ValueSource(strings = {"nonexistent.bank.test", "a.b.c.nonexistent.bank.test", "NONEXISTENT.Bank.Test."})
        void nonExistentSubdomainGetsNp(String domain) throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(), fromAttacker(withFrom("admin@" + domain))));
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
            assertThat(e.evaluation().policyDomain()).contains(DomainName.of(BANK));
            assertThat(e.evaluation().appliedPolicy()).hasValueSatisfying(p -> {
                assertThat(p.tag()).isEqualTo(AppliedPolicyTag.NP);
                assertThat(p.policy()).isEqualTo(Policy.REJECT);
            });
            assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
        }

        @Test
        void existingSubdomainGetsSp() throws Exception {
            // Control: the np above is chosen because the name does not exist, not by accident.
            CheckOutcome.Evaluated e = evaluated(check(settings().build(), fromAttacker(withFrom("admin@shop.bank.test"))));
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
            assertThat(e.evaluation().appliedPolicy()).hasValueSatisfying(p -> {
                assertThat(p.tag()).isEqualTo(AppliedPolicyTag.SP);
                assertThat(p.policy()).isEqualTo(Policy.QUARANTINE);
            });
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** §4.1: the SPF identity (HELO vs MAIL FROM) and odd MAIL FROM syntax. */
    @Nested
    class EnvelopeIdentities {

        @Test
        void nullReversePathUsesHeloForSpfAndForAlignment() throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACK, null, withFrom("admin@bank.test"))));
            // RFC 7208 §2.4 / RFC 9989 §3.2.4: postmaster@HELO is checked, and it is the HELO domain that must align.
            assertThat(e.spf().scope()).isEqualTo(SpfScope.HELO);
            assertThat(e.spf().domain()).contains(DomainName.of(ATTACK));
            assertThat(e.spf().result()).isEqualTo(SpfResult.PASS);
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {"bank.test", "BANK.TEST.", "mail.bank.test"})
        void nullReversePathWithBankHeloFromAttackerIpFails(String helo) throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, helo, null, withFrom("admin@bank.test"))));
            assertThat(e.spf().result()).isNotEqualTo(SpfResult.PASS);
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {"bank.test(.attack.test", "bank.test\u0000.attack.test", "\"bank.test\"", "[127.0.0.2]",
            "attack.test bank.test", ""})
        void nullReversePathWithOddHeloIsNoIdentity(String helo) throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, helo, null, withFrom("admin@bank.test"))));
            assertThat(e.spf().result()).isEqualTo(SpfResult.NONE);
            assertThat(e.spf().domain()).isEmpty();
            assertRejectedForBank(e);
        }

        @Test
        void nullReversePathFromBankHostPasses() throws Exception {
            // Control: an aligned HELO from bank.test's own host is a legitimate pass.
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(BANK_IP, BANK, null, withFrom("admin@bank.test"))));
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        }

        @Test
        void mailFromIsCheckedNotHeloWhenBothArePresent() throws Exception {
            // HELO passes SPF for attack.test, but DMARC uses the MAIL FROM identity only.
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACK, "x@bank.test", withFrom("admin@bank.test"))));
            assertThat(e.spf().scope()).isEqualTo(SpfScope.MFROM);
            assertThat(e.spf().domain()).contains(DomainName.of(BANK));
            assertThat(e.spf().result()).isEqualTo(SpfResult.FAIL);
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "\"admin@bank.test\"@attack.test",
            "<\"admin@bank.test\"@attack.test>",
            "<@bank.test:x@attack.test>",
        })
        void mailFromWhoseDomainIsAttackIsNotAlignedWithBank(String mailFrom) throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, mailFrom, withFrom("admin@bank.test"))));
            assertThat(e.spf().domain()).contains(DomainName.of(ATTACK));
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "admin@bank.test(.attack.test",
            "admin@bank.test\u0000.attack.test",
            "x@attack.test\u0000.bank.test",
            "x@attack.test(.bank.test",
            "x@bank.test(comment)",
            "x@\"bank.test\"",
            "x@bank.test attack.test",
            "admin@bank.test@attack.test",
            "x@[127.0.0.66]",
            "x@",
            "@",
            "(admin@bank.test)x@attack.test",
        })
        void mailFromWithNulQuotesOrParenthesesIsNoIdentity(String mailFrom) throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, mailFrom, withFrom("admin@bank.test"))));
            // RFC 7208 §4.3: malformed identity -> none; nothing reaches DNS or alignment.
            assertThat(e.spf().result()).isEqualTo(SpfResult.NONE);
            assertThat(e.spf().domain()).isEmpty();
            assertRejectedForBank(e);
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** §4.2: DKIM identifiers that a C-string or comment-blind component reads as bank.test. */
    @Nested
    class DkimIdentifiers {

        @Test
        void attackerSignatureOverBankFromIsNotAligned() throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().build(), fromAttacker(withFrom("admin@bank.test"))));
            assertThat(e.dkim()).extracting(DkimOutcome::result, DkimOutcome::domain)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(DkimResult.PASS, Optional.of(DomainName.of(ATTACK))));
            assertThat(e.authenticationResults()).contains("dkim=pass").contains("header.d=attack.test");
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "bank.test\u0000.attack.test",
            "attack.test\u0000bank.test",
            "bank.test(.attack.test",
            "\"bank.test\".attack.test",
        })
        void oddSigningDomainNeverCountsAsBank(String d) throws Exception {
            byte[] signed = attacker.as(d, "s1").sign(withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", signed)));
            assertThat(e.dkim()).noneSatisfy(o -> assertThat(o.result()).isEqualTo(DkimResult.PASS));
            assertThat(e.dkim()).noneSatisfy(o -> assertThat(o.domain()).contains(DomainName.of(BANK)));
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            // the key name would become s1._domainkey.attack.test<NUL>._domainkey.bank.test: truncated, attack.test's key
            "s1._domainkey.attack.test\u0000",
            "s1._domainkey.attack.test\u0000.x",
            "s1._domainkey.attack.test.",
            "s1._domainkey.attack.test(",
        })
        void selectorPointingAtTheAttackersKeyDoesNotVerifyForBank(String selector) throws Exception {
            byte[] signed = attacker.as(BANK, selector).sign(withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", signed)));
            assertThat(e.dkim()).noneSatisfy(o -> assertThat(o.result()).isEqualTo(DkimResult.PASS));
            assertRejectedForBank(e);
        }

        @Test
        void selectorNamingTheAttackersZoneIsLookedUpUnderBank() throws Exception {
            // Without any odd character the name stays under bank.test's _domainkey: no key, no pass.
            byte[] signed = attacker.as(BANK, "s1._domainkey.attack.test").sign(withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", signed)));
            assertThat(e.dkim()).extracting(DkimOutcome::result).doesNotContain(DkimResult.PASS);
            assertRejectedForBank(e);
        }

        @Test
        void bodyLengthTagLetsContentBeAppendedButAlignmentStillDecides() throws Exception {
            // l= covers only "body\r\n"; the attacker appends text after signing. The signature is not a pass
            // (content beyond l=, dkim=policy) and attack.test is not aligned with bank.test anyway.
            byte[] signed = attacker.signWithTags(withFrom("admin@bank.test"), "l=6");
            byte[] appended = (new String(signed, StandardCharsets.UTF_8) + "Please wire the money to ...\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", appended)));
            assertThat(e.dkim()).extracting(DkimOutcome::result, DkimOutcome::domain)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(DkimResult.POLICY, Optional.of(DomainName.of(ATTACK))));
            assertRejectedForBank(e);
        }

        @Test
        void bankSignatureWithBodyLengthReplayedWithAppendedContentDoesNotPassForBank() throws Exception {
            // The bank signs with l= (as some list-friendly signers do); the attacker replays that message from its
            // own server with its text appended. RFC 6376 would still verify the signature: aligned DKIM pass.
            byte[] signed = bank.signWithTags(withFrom("admin@bank.test"), "l=6");
            byte[] replayed = (new String(signed, StandardCharsets.UTF_8) + "Please wire the money to ...\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", replayed)));
            assertThat(e.dkim()).extracting(DkimOutcome::result).containsExactly(DkimResult.POLICY);
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
            assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
            assertRejectedForBank(e);
        }

        @Test
        void unsignedFromFieldAddedAboveASignedOneDoesNotPassForBank() throws Exception {
            // DKIM h=from covers the bottom-most From (RFC 6376 §5.4.2); an MUA shows the top one. The attacker
            // signs x@attack.test and then puts a From naming bank.test on top.
            byte[] signed = attacker.sign(withFrom("x@attack.test"));
            MessageContext c = context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test",
                    prepend("From: admin@bank.test\r\n", signed));
            CheckOutcome.Evaluated e = evaluated(check(settings().build(), c));
            assertThat(e.dkim()).extracting(DkimOutcome::result, DkimOutcome::domain)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(DkimResult.PASS, Optional.of(DomainName.of(ATTACK))));
            assertRejectedForBank(e);
            assertThat(check(settings().requiredHeaders().build(), c)).isInstanceOfSatisfying(CheckOutcome.Refused.class,
                    r -> assertThat(r.violation()).isEqualTo(HeaderViolation.MULTIPLE_FROM_FIELDS));
        }

        @Test
        void aPassingAttackSignatureNextToAFailingBankSignatureIsNoPass() throws Exception {
            byte[] forgedBank = DkimTestSigner.prepend(
                    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=bank.test; s=s1; h=from; bh=AAAA; b=AAAA",
                    withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, "x@attack.test", attacker.sign(forgedBank))));
            assertThat(e.dkim()).anySatisfy(o -> {
                assertThat(o.domain()).contains(DomainName.of(BANK));
                assertThat(o.result()).isNotEqualTo(DkimResult.PASS);
            });
            assertRejectedForBank(e);
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** §4.3: Authentication-Results and Received-SPF written by the attacker. */
    @Nested
    class ResultsInjection {

        private static final String TRUSTED = "relay.receiver.test";

        private MessageContext attackerAsBank(byte[] message) throws Exception {
            // MAIL FROM in bank.test, so an injected "spf=pass smtp.mailfrom=bank.test" would even look consistent.
            return context(ATTACKER_IP, ATTACKER_HELO, "x@bank.test", attacker.sign(message));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "evil.test; dmarc=pass header.from=bank.test",
            "evil.test; spf=pass smtp.mailfrom=x@bank.test; dkim=pass header.d=bank.test; dmarc=pass header.from=bank.test",
            "relay.receiver.test.evil.test; spf=pass smtp.mailfrom=x@bank.test",
            "evil.test relay.receiver.test; spf=pass smtp.mailfrom=x@bank.test",
        })
        void resultsFromAnUntrustedAuthservIdAreIgnored(String ar) throws Exception {
            CheckOutcome.Evaluated e = evaluated(check(settings().trusted(TRUSTED).trustAuthResultsFromAnyClient().build(),
                    attackerAsBank(prepend("Authentication-Results: " + ar + "\r\n", withFrom("admin@bank.test")))));
            assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.dkimSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.spf().result()).isEqualTo(SpfResult.FAIL);
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "mx.receiver.test; dmarc=pass header.from=bank.test; spf=pass smtp.mailfrom=x@bank.test",
            "MX.RECEIVER.TEST; spf=pass smtp.mailfrom=x@bank.test; dkim=pass header.d=bank.test",
            "mx.receiver.test.; spf=pass smtp.mailfrom=x@bank.test",
            "mx.receiver.test 1; spf=pass smtp.mailfrom=x@bank.test",
            "(forged) mx.receiver.test; spf=pass smtp.mailfrom=x@bank.test",
            "mx.receiver.test; spf=pass smtp.mailfrom=x@bank.test (unterminated",
        })
        void resultsClaimingOurOwnAuthservIdAreForgedAndIgnored(String ar) throws Exception {
            byte[] m = prepend("Authentication-Results: other.test; none\r\nAuthentication-Results: " + ar + "\r\n",
                    withFrom("admin@bank.test"));
            // Even when our own id is (wrongly) also listed as trusted, the forged field must not be read.
            CheckOutcome.Evaluated e = evaluated(check(settings().trusted(AUTHSERV, TRUSTED).trustAuthResultsFromAnyClient().build(), attackerAsBank(m)));
            assertThat(e.forgedAuthResultsFields()).containsExactly(1);
            assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.dkimSource()).isEqualTo(ResultSource.SELF);
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            // CVE-2020-12272: the comment hides the rest of the attacker's domain from a lenient reader
            "spf=pass smtp.mailfrom=bank.test(.attack.test",
            "spf=pass smtp.mailfrom=x@bank.test(.attack.test)",
            "spf=pass smtp.mailfrom=\"bank.test(.attack.test\"",
            "spf=pass smtp.mailfrom=bank.test\u0000.attack.test",
            "spf=pass smtp.mailfrom=attack.test smtp.mailfrom=bank.test",
            "spf=pass smtp.mailfrom=attack.test bank.test.mailfrom=bank.test",
            "spf=pass smtp.helo=bank.test(.attack.test",
        })
        void trustedSpfResultWithAnOddIdentityIsIgnored(String result) throws Exception {
            byte[] m = prepend("Authentication-Results: " + TRUSTED + "; " + result + "\r\n", withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().trusted(TRUSTED).trustAuthResultsFromAnyClient().build(), attackerAsBank(m)));
            assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.spf().result()).isEqualTo(SpfResult.FAIL);
            assertRejectedForBank(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "dkim=pass header.d=bank.test(.attack.test",
            "dkim=pass header.d=\"bank.test(.attack.test\"",
            "dkim=pass header.d=bank.test\u0000.attack.test",
            "dkim=pass header.i=@bank.test(.attack.test",
            "dkim=pass header.d=attack.test header.d=bank.test",
            "dkim=pass header.d=attack.test bank.test.d=bank.test",
        })
        void trustedDkimResultWithAnOddIdentityIsIgnored(String result) throws Exception {
            byte[] m = prepend("Authentication-Results: " + TRUSTED + "; " + result + "\r\n", withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().trusted(TRUSTED).trustAuthResultsFromAnyClient().build(), attackerAsBank(m)));
            assertThat(e.dkim()).noneSatisfy(o -> assertThat(o.domain()).contains(DomainName.of(BANK)));
            assertRejectedForBank(e);
        }

        @Test
        void trustedResultsWrittenByADirectSenderAreNotBelieved() throws Exception {
            // Issue 8 item 8: with the default model, the trusted id only counts in what a trusted relay added.
            byte[] m = prepend("Authentication-Results: " + TRUSTED + "; dkim=pass header.d=bank.test;"
                    + " spf=pass smtp.mailfrom=x@bank.test\r\n", withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().trusted(TRUSTED).trustedRelays(RELAY_IP + "/32")
                    .build(), attackerAsBank(m)));
            assertThat(e.dkimSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
            assertRejectedForBank(e);
        }

        @Test
        void trustedResultsAreUsedWhenWellFormed() throws Exception {
            // Control: the same field with a clean identity is believed, so the tests above fail for the right reason.
            byte[] m = prepend("Authentication-Results: " + TRUSTED + "; dkim=pass header.d=bank.test\r\n",
                    withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().trusted(TRUSTED).trustAuthResultsFromAnyClient().build(), attackerAsBank(m)));
            assertThat(e.dkimSource()).isEqualTo(ResultSource.TRUSTED_AUTHENTICATION_RESULTS);
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        }

        // ---- Received-SPF (CVE-2019-20790) ----

        private static final String RELAY_RECEIVED = "Received: from mail.attack.test (unknown [" + ATTACKER_IP + "])\r\n"
                + "\tby relay.receiver.test (Postfix) with ESMTP id 4ABC\r\n"
                + "\tfor <bob@receiver.test>; Wed, 25 Nov 2026 12:00:00 +0000 (UTC)\r\n";

        private static String receivedSpf(String result, String envelopeFrom) {
            return "Received-SPF: " + result + " (relay.receiver.test: domain of " + envelopeFrom + ")"
                    + " client-ip=" + ATTACKER_IP + "; envelope-from=" + envelopeFrom
                    + "; helo=mail.attack.test; identity=mailfrom; receiver=relay.receiver.test\r\n";
        }

        private CheckOutcome viaRelay(String mailFrom, byte[] message) throws Exception {
            CheckSettings s = settings().trustedRelays(RELAY_IP + "/32").build();
            return check(s, context(RELAY_IP, "relay.receiver.test", mailFrom, message));
        }

        @Test
        void receivedSpfBelowTheRelaysOwnIsIgnored() throws Exception {
            // The relay wrote the topmost Received-SPF (fail); the attacker's "pass" further down is not read.
            byte[] m = prepend(receivedSpf("fail", "x@bank.test") + RELAY_RECEIVED + receivedSpf("pass", "x@bank.test"),
                    withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(viaRelay("x@bank.test", m));
            assertThat(e.client().address().getHostAddress()).isEqualTo(ATTACKER_IP);
            assertThat(e.spf().result()).isEqualTo(SpfResult.FAIL);
            assertRejectedForBank(e);
        }

        @Test
        void receivedSpfWrittenByTheSenderIsIgnoredWhenTheRelayAddedNone() throws Exception {
            // The attacker's field is the only (hence topmost) Received-SPF, but it sits below the Received field
            // naming the original client: the sender wrote it, not the relay.
            byte[] m = prepend(RELAY_RECEIVED + receivedSpf("pass", "x@bank.test"), withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(viaRelay("x@bank.test", m));
            assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.spf().result()).isEqualTo(SpfResult.FAIL);
            assertRejectedForBank(e);
        }

        @Test
        void receivedSpfForAnotherEnvelopeSenderIsIgnored() throws Exception {
            // CVE-2019-20790: a pass for x@bank.test says nothing about the MAIL FROM actually used.
            byte[] m = prepend(receivedSpf("pass", "x@bank.test") + RELAY_RECEIVED, withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(viaRelay("x@attack.test", m));
            assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.spf().domain()).contains(DomainName.of(ATTACK));
            assertRejectedForBank(e);
        }

        @Test
        void receivedSpfIsNeverReadWithoutATrustedRelay() throws Exception {
            byte[] m = prepend(receivedSpf("pass", "x@bank.test"), withFrom("admin@bank.test"));
            CheckOutcome.Evaluated e = evaluated(check(settings().build(),
                    context(ATTACKER_IP, ATTACKER_HELO, "x@bank.test", m)));
            assertThat(e.spfSource()).isEqualTo(ResultSource.SELF);
            assertThat(e.spf().result()).isEqualTo(SpfResult.FAIL);
            assertRejectedForBank(e);
        }

        @Test
        void relaysOwnReceivedSpfIsUsed() throws Exception {
            // Control: Postfix prepends policyd-spf's Received-SPF above its own Received field; that one is read.
            String received = RELAY_RECEIVED.replace(ATTACKER_IP, BANK_IP);
            String spf = receivedSpf("pass", "x@bank.test").replace(ATTACKER_IP, BANK_IP);
            CheckOutcome.Evaluated e = evaluated(viaRelay("x@bank.test", prepend(spf + received, withFrom("admin@bank.test"))));
            assertThat(e.spfSource()).isEqualTo(ResultSource.TRUSTED_RECEIVED_SPF);
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
        }

        @Test
        void relaysOwnReceivedSpfIsUsedBelowJamesReceivedButNotAboveTheNextTrustedHop() throws Exception {
            // James's own Received (client = the relay, trusted) on top; the relay's Received-SPF sits between it
            // and the relay's Received naming the original client.
            String james = "Received: from relay.receiver.test (localhost [" + RELAY_IP + "])\r\n"
                    + "\tby mx.receiver.test (JAMES) with ESMTP id 77\r\n\tfor <bob@receiver.test>; Wed, 25 Nov 2026 12:00:01 +0000\r\n";
            String received = RELAY_RECEIVED.replace(ATTACKER_IP, BANK_IP);
            String spf = receivedSpf("pass", "x@bank.test").replace(ATTACKER_IP, BANK_IP);
            CheckOutcome.Evaluated good = evaluated(viaRelay("x@bank.test",
                    prepend(james + spf + received, withFrom("admin@bank.test"))));
            assertThat(good.spfSource()).isEqualTo(ResultSource.TRUSTED_RECEIVED_SPF);
            assertThat(good.evaluation().result()).isEqualTo(DmarcResult.PASS);

            // The attacker (127.0.0.66) cannot borrow that position: its field is below the relay's Received.
            CheckOutcome.Evaluated bad = evaluated(viaRelay("x@bank.test",
                    prepend(james + RELAY_RECEIVED + receivedSpf("pass", "x@bank.test"), withFrom("admin@bank.test"))));
            assertThat(bad.spfSource()).isEqualTo(ResultSource.SELF);
            assertRejectedForBank(bad);
        }
    }
}
