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

    private static DmarcChecker trustingChecker(String relayId) {
        return DmarcChecker.create(new DmarcCheckerTest.SettingsBuilder(dns.settings()).trusted(relayId).build());
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
        assertThat(((CheckOutcome.Evaluated) outcome).dkim().size()).isLessThanOrEqualTo(10);
        assertThat(dns.queryCount()).isLessThanOrEqualTo(BUDGET);
    }

    /** Helper for a list of n strings. */
    static List<String> names(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(deep(i));
        }
        return out;
    }
}
