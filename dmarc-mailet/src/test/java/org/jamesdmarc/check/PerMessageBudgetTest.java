package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages built to make one check cost hundreds of DNS queries (issue 8, items 6 and 7), run through
 * {@link DmarcChecker#check} against an in-JVM DNS server whose attacker zone answers slowly. Each test
 * counts the queries the server received (the checker's cache is fresh for each test) and checks the
 * verdict: the work stays within the per-message budget, a forged author still fails or is refused, a
 * genuine aligned pass still passes. No test measures time (the benchmark does).
 *
 * <p>Cast: {@code reject.test} publishes {@code p=reject} and sends only from 127.0.0.2 with its key
 * {@code s1}. The attacker owns {@code attack.test} ({@code p=none}, SPF for 127.0.0.66) and publishes
 * its DKIM key under every deep name it signs with; deep names have 11 labels, so each RFC 9989 §4.10
 * tree walk from one of them costs up to 8 queries, and they sit on disjoint branches so that no walk
 * reuses another's answers.
 */
class PerMessageBudgetTest {

    private static final String REJECT = "reject.test";
    private static final String ATTACK = "attack.test";
    private static final String ATTACKER_IP = "127.0.0.66";
    /** The per-message DNS query budget a default checker has (MessageLimits.DEFAULT_MAX_DNS_QUERIES). */
    private static final int BUDGET = 50;
    /** Deep names in the attacker's zone, each the root of its own branch. */
    private static final int DEEP_NAMES = 12;

    private static FakeDnsServer dns;
    private static DkimTestSigner attacker;
    private static DkimTestSigner genuine;

    @BeforeAll
    static void zone() throws Exception {
        dns = FakeDnsServer.start();
        attacker = DkimTestSigner.rsa2048(ATTACK, "s1");
        genuine = DkimTestSigner.rsa2048(REJECT, "s1");
        dns.txt("_dmarc." + REJECT, "v=DMARC1; p=reject")
                .txt(REJECT, "v=spf1 ip4:127.0.0.2 -all")
                .a(REJECT, "127.0.0.2")
                .txt(genuine.keyRecordName(), genuine.txtRecord())
                .txt("_dmarc." + ATTACK, "v=DMARC1; p=none")
                .txt(ATTACK, "v=spf1 ip4:" + ATTACKER_IP + " -all")
                .txt(attacker.keyRecordName(), attacker.txtRecord());
        for (int i = 0; i < DEEP_NAMES; i++) {
            DkimTestSigner deep = attacker.as(deep(i), "s1");
            dns.txt(deep.keyRecordName(), deep.txtRecord()).a(deep(i), "127.0.0.66");
        }
        // The attacker's name servers are slow; reject.test's are not.
        dns.latency(ATTACK, Duration.ofMillis(5));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @BeforeEach
    void forgetQueries() {
        dns.clearQueries();
    }

    /** An 11-label name in the attacker's zone, on a branch of its own ({@code b<i>.attack.test}). */
    private static String deep(int i) {
        return "x1.x2.x3.x4.x5.x6.x7.x8.b" + i + "." + ATTACK;
    }

    private static DmarcChecker checker() {
        return DmarcChecker.create(new DmarcCheckerTest.SettingsBuilder(dns.settings()).build());
    }

    private static DmarcChecker checker(MessageLimits limits) {
        return DmarcChecker.create(new DmarcCheckerTest.SettingsBuilder(dns.settings()).build().withLimits(limits));
    }

    /**
     * Believes Authentication-Results carrying {@code relayId} wherever they stand (OpenDMARC's model, item 8's
     * {@code trustAuthResultsFromAnyClient}): the setting under which the sender's own fields are read.
     */
    private static DmarcChecker trustingChecker(String relayId) {
        return DmarcChecker.create(new DmarcCheckerTest.SettingsBuilder(dns.settings()).trusted(relayId)
                .trustAuthResultsFromAnyClient().build());
    }

    private static byte[] message(String from, String extraHeaders) {
        return (extraHeaders + "From: " + from + "\r\nTo: bob@receiver.test\r\nSubject: hi\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code message} signed by the attacker's key with {@code d=} each of the first {@code count} deep names. */
    private static byte[] signedByDeepNames(byte[] message, int count) {
        byte[] m = message;
        for (int i = 0; i < count; i++) {
            m = attacker.as(deep(i), "s1").sign(m);
        }
        return m;
    }

    private static MessageContext fromAttacker(byte[] message) throws Exception {
        return new MessageContext(InetAddress.getByName(ATTACKER_IP), "mail." + ATTACK,
                Optional.of("bounce@" + ATTACK), false, message);
    }

    private static void assertNeverPassNorTemperror(CheckOutcome outcome) {
        if (outcome instanceof CheckOutcome.Evaluated e) {
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.FAIL);
            assertThat(e.evaluation().authorDomain()).contains(DomainName.of(REJECT));
            assertThat(e.evaluation().disposition()).isEqualTo(Disposition.REJECT);
        } else {
            assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Refused.class,
                    r -> assertThat(r.violation()).isEqualTo(HeaderViolation.MULTI_VALUE_FROM));
        }
    }

    @Test
    void tenDeepAuthorDomainsTimesTenDeepSignaturesStayWithinTheBudget() throws Exception {
        // Item 6: nine author domains deep in the attacker's zone next to the forged one, each signature's d=
        // deep too: a tree walk per author domain and per signature and author domain.
        StringBuilder from = new StringBuilder("admin@" + REJECT);
        for (int i = 0; i < 9; i++) {
            from.append(", a@").append(deep(i));
        }
        byte[] m = signedByDeepNames(message(from.toString(), ""), 10);

        CheckOutcome outcome = checker().check(fromAttacker(m));

        assertNeverPassNorTemperror(outcome);
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void threeAuthorDomainsTimesTenDeepSignaturesStayWithinTheBudget() throws Exception {
        // Within the author-domain bound: the forged author and two deep attacker domains, ten deep signatures
        // that all could align with the attacker's domains (and pass).
        String from = "admin@" + REJECT + ", a@" + deep(10) + ", b@" + deep(11);
        byte[] m = signedByDeepNames(message(from, ""), 10);

        CheckOutcome outcome = checker().check(fromAttacker(m));

        assertNeverPassNorTemperror(outcome);
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void oneDeepAuthorDomainWithTenDeepSignaturesStaysWithinTheBudget() throws Exception {
        // The attacker's own deep author domain: every signature could align, every one passes.
        byte[] m = signedByDeepNames(message("a@" + deep(11), ""), 10);

        CheckOutcome outcome = checker().check(fromAttacker(m));

        assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Evaluated.class,
                e -> assertThat(e.evaluation().result()).isNotEqualTo(DmarcResult.FAIL));
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void genuineAlignedPassStillPassesUnderTenJunkSignatures() throws Exception {
        // A genuinely signed reject.test message (the signature at the bottom), with ten junk signatures from
        // deep attacker names added above it: the aligned signature is verified first and passes.
        byte[] m = signedByDeepNames(genuine.sign(message("admin@" + REJECT, "")), 10);

        CheckOutcome outcome = checker().check(fromAttacker(m));

        assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Evaluated.class, e -> {
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
            assertThat(e.dkim()).anySatisfy(d -> {
                assertThat(d.domain()).contains(DomainName.of(REJECT));
                assertThat(d.result()).isEqualTo(DkimResult.PASS);
            });
            // Junk that was not verified is never a temperror (it could not align anyway).
            assertThat(e.dkim()).map(DkimOutcome::result).doesNotContain(DkimResult.TEMPERROR);
        });
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void forgedAuthorWithTenDeepSignaturesStillFails() throws Exception {
        byte[] m = signedByDeepNames(message("admin@" + REJECT, ""), 10);

        CheckOutcome outcome = checker().check(fromAttacker(m));

        assertNeverPassNorTemperror(outcome);
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void floodOfTrustedResultsForDeepNamesStaysWithinTheBudget() throws Exception {
        // Item 7: a few hundred Authentication-Results fields carrying the trusted authserv-id, each vouching
        // for a DKIM pass of another deep name: a tree walk per result.
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            fields.append("Authentication-Results: relay.test; dkim=pass header.d=y").append(i).append('.')
                    .append(deep(i % DEEP_NAMES)).append("\r\n");
        }
        byte[] m = message("admin@" + REJECT, fields.toString());

        CheckOutcome outcome = trustingChecker("relay.test").check(fromAttacker(m));

        assertNeverPassNorTemperror(outcome);
        assertThat(((CheckOutcome.Evaluated) outcome).dkimSource()).isEqualTo(ResultSource.TRUSTED_AUTHENTICATION_RESULTS);
        assertThat(((CheckOutcome.Evaluated) outcome).dkim().size()).isLessThanOrEqualTo(10);
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void floodOfTrustedResultsThatCouldAlignStaysWithinTheBudget() throws Exception {
        // The same flood for the attacker's own deep author domain: every result could align, so each one
        // that is considered costs a tree walk.
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            fields.append("Authentication-Results: relay.test; dkim=pass header.d=y").append(i).append('.')
                    .append(deep(i % DEEP_NAMES)).append("\r\n");
        }
        byte[] m = message("a@" + deep(0), fields.toString());

        CheckOutcome outcome = trustingChecker("relay.test").check(fromAttacker(m));

        assertThat(outcome).isInstanceOf(CheckOutcome.Evaluated.class);
        assertThat(((CheckOutcome.Evaluated) outcome).dkimSource()).isEqualTo(ResultSource.TRUSTED_AUTHENTICATION_RESULTS);
        assertThat(((CheckOutcome.Evaluated) outcome).dkim().size()).isLessThanOrEqualTo(10);
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void aSlowAuthorDomainNextToTheForgedOneCannotTurnItsFailIntoTemperror() throws Exception {
        // The attacker names its own author domain, whose name servers answer too slowly for the time budget,
        // next to the forged one, and adds a forged reject.test signature: once the reserved budget is used up
        // the forged signature cannot be checked. The message is refused, never delivered as temperror.
        String slow = "z1.z2.z3.z4.z5.z6.z7.z8.slow." + ATTACK;
        dns.latency("slow." + ATTACK, Duration.ofMillis(150));
        byte[] m = attacker.as(REJECT, "forged").sign(message("a@" + slow + ", admin@" + REJECT, ""));

        CheckOutcome outcome = checker(new MessageLimits(BUDGET, Duration.ofMillis(500))).check(fromAttacker(m));

        assertNeverPassNorTemperror(outcome);
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void slowNameServersOfTheAuthorGiveTemperrorNeverAVerdict() throws Exception {
        // The author's own name servers are slow: what the verdict needs cannot be asked in time.
        dns.txt("_dmarc.slow.test", "v=DMARC1; p=reject").txt("slow.test", "v=spf1 ip4:127.0.0.2 -all")
                .latency("slow.test", Duration.ofMillis(300));
        MessageContext genuineIp = new MessageContext(InetAddress.getByName("127.0.0.2"), "mail.slow.test",
                Optional.of("bounce@slow.test"), false, message("a@slow.test", ""));

        CheckOutcome outcome = checker(new MessageLimits(BUDGET, Duration.ofMillis(500))).check(genuineIp);

        assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Evaluated.class, e -> {
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.TEMPERROR);
            assertThat(e.evaluation().disposition()).isEqualTo(Disposition.NONE);
            assertThat(e.budget().reservedExhausted()).contains(org.jamesdmarc.dns.DnsBudget.Limit.TIME);
        });
    }

    @Test
    void signaturesThatCannotAlignAreLeftUnverifiedWhenTheirBudgetRunsOut() throws Exception {
        // Ten queries in all: eight reserved (reject.test's policy and key), two for the rest (the attacker's SPF
        // record and one junk key); the other junk signatures are reported as not verified, never as temperror.
        byte[] m = signedByDeepNames(genuine.sign(message("admin@" + REJECT, "")), 9);

        CheckOutcome outcome = checker(new MessageLimits(10, Duration.ofSeconds(5))).check(fromAttacker(m));

        assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Evaluated.class, e -> {
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.PASS);
            assertThat(e.dkim()).hasSize(10);
            assertThat(e.dkim()).filteredOn(d -> d.result() == DkimResult.POLICY)
                    .isNotEmpty()
                    .allSatisfy(d -> assertThat(d.reason()).isEqualTo(SignatureSelection.BUDGET_REASON));
            assertThat(e.dkim()).map(DkimOutcome::result).doesNotContain(DkimResult.TEMPERROR);
            assertThat(e.budget().reservedExhausted()).isEmpty();
            assertThat(e.budget().otherExhausted()).contains(org.jamesdmarc.dns.DnsBudget.Limit.QUERIES);
            assertThat(e.budget().queries()).isLessThanOrEqualTo(10);
            assertThat(e.authenticationResults()).contains("dkim=policy reason=\"" + SignatureSelection.BUDGET_REASON);
        });
        assertThat(dns.queryCount()).isLessThanOrEqualTo(10);
    }

    @Test
    void moreSignaturesThatCouldAlignThanMailNeedsAreNotVerified() throws Exception {
        // Seven signatures claiming reject.test sub-domains (their keys do not exist): five are checked, the
        // others are reported as not verified. None can pass, none can make DMARC temperror.
        byte[] m = message("admin@" + REJECT, "");
        for (int i = 0; i < 7; i++) {
            m = attacker.as("s" + i + "." + REJECT, "s1").sign(m);
        }

        CheckOutcome outcome = checker().check(fromAttacker(m));

        assertNeverPassNorTemperror(outcome);
        CheckOutcome.Evaluated e = (CheckOutcome.Evaluated) outcome;
        assertThat(e.dkim()).hasSize(7);
        assertThat(e.dkim()).filteredOn(d -> d.reason().equals(SignatureSelection.TOO_MANY_REASON))
                .hasSize(7 - SignatureSelection.MAX_ALIGNABLE)
                .allSatisfy(d -> assertThat(d.result()).isEqualTo(DkimResult.POLICY));
        assertThat(dns.queries()).filteredOn(q -> q.name().contains("._domainkey.")).hasSize(SignatureSelection.MAX_ALIGNABLE);
    }

    @Test
    void withoutAnyPolicyRecordTheWholeBudgetServesTheReport() throws Exception {
        // No DMARC record for the author: SPF and DKIM cannot change the verdict (none), so nothing is reserved
        // and a long but legal SPF include chain plus a signature are all checked for the report.
        DkimTestSigner own = attacker.as("norecord.test", "s1");
        dns.txt(own.keyRecordName(), own.txtRecord());
        dns.txt("norecord.test", "v=spf1 include:i1.norecord.test -all");
        for (int i = 1; i < 9; i++) {
            dns.txt("i" + i + ".norecord.test", "v=spf1 include:i" + (i + 1) + ".norecord.test -all");
        }
        dns.txt("i9.norecord.test", "v=spf1 ip4:" + ATTACKER_IP + " -all");
        MessageContext context = new MessageContext(InetAddress.getByName(ATTACKER_IP), "mail.norecord.test",
                Optional.of("bounce@norecord.test"), false, own.sign(message("a@norecord.test", "")));

        CheckOutcome outcome = checker().check(context);

        assertThat(outcome).isInstanceOfSatisfying(CheckOutcome.Evaluated.class, e -> {
            assertThat(e.evaluation().result()).isEqualTo(DmarcResult.NONE);
            assertThat(e.spf().result()).isEqualTo(org.jamesdmarc.auth.SpfResult.PASS);
            assertThat(e.dkim()).singleElement().satisfies(d -> assertThat(d.result()).isEqualTo(DkimResult.PASS));
            assertThat(e.budget().exhausted()).isFalse();
        });
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }
}
