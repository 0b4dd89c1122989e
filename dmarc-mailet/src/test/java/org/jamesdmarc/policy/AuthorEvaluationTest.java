package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;

/** The two steps of {@link DmarcEvaluator#discover}: which identifiers could align is known before authenticating. */
class AuthorEvaluationTest {

    private final InMemoryDnsClient dns = new InMemoryDnsClient();
    private final InMemoryDnsClient unused = new InMemoryDnsClient();
    private final DmarcEvaluator evaluator = new DmarcEvaluator(unused, EvaluationOptions.defaults());

    private static DomainName d(String name) {
        return DomainName.of(name);
    }

    @Test
    void identifiersAtOrBelowTheOrganizationalDomainMayAlign() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        AuthorEvaluation a = evaluator.discover(d("news.example.com"), dns);

        assertThat(a.discovery().organizationalDomain()).contains(d("example.com"));
        assertThat(a.mayAlign(d("news.example.com"))).isTrue();
        assertThat(a.mayAlign(d("example.com"))).isTrue();
        assertThat(a.mayAlign(d("x1.x2.x3.example.com"))).isTrue();
        assertThat(a.mayAlign(d("example.net"))).isFalse();
        assertThat(a.mayAlign(d("x1.attacker.com"))).isFalse();
        assertThat(unused.queries()).as("every query through the client given").isEmpty();
    }

    @Test
    void withoutARecordNothingIsAligned() {
        // RFC 9989 §4.10.1: no DMARC Policy Record, no DMARC: no identifier's authentication decides anything.
        AuthorEvaluation a = evaluator.discover(d("example.org"), dns);
        assertThat(a.mayAlign(d("example.org"))).isFalse();
    }

    @Test
    void withTheOrganizationalDomainUnknownAnyNameUnderTheSameTopLevelMayAlign() {
        // Own record found, the walk above failed: the Organizational Domain is unknown (relaxed checks give
        // temperror), so anything that might share it counts.
        dns.dmarc("a.b.example.com", "v=DMARC1; p=reject");
        dns.dmarcTempFail("b.example.com");
        AuthorEvaluation a = evaluator.discover(d("a.b.example.com"), dns);
        assertThat(a.discovery().organizationalDomain()).isEmpty();
        assertThat(a.mayAlign(d("other.com"))).isTrue();
        assertThat(a.mayAlign(d("other.net"))).isFalse();
    }

    @Test
    void evaluatingAfterDiscoveryGivesWhatOneCallGives() {
        dns.dmarc("example.com", "v=DMARC1; p=reject");
        AuthorEvaluation a = evaluator.discover(d("example.com"), dns);
        DkimOutcome pass = new DkimOutcome(DkimResult.PASS, d("mail.example.com"), "s1", "");
        DmarcEvaluation twoSteps = a.evaluate(SpfOutcome.none(), List.of(pass));

        DmarcEvaluation oneCall = new DmarcEvaluator(dns, EvaluationOptions.defaults())
                .evaluate(new DmarcInput(d("example.com"), SpfOutcome.none(), List.of(pass)));
        assertThat(twoSteps.result()).isEqualTo(DmarcResult.PASS).isEqualTo(oneCall.result());
        assertThat(twoSteps.dkim()).isEqualTo(oneCall.dkim());
        assertThat(twoSteps.appliedPolicy()).isEqualTo(oneCall.appliedPolicy());
    }
}
