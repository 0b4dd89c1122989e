package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.dns.CacheableAnswer;
import org.jamesdmarc.dns.CachingDnsClient;
import org.jamesdmarc.dns.DnsCache;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.dns.testing.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * Behind the production cache, a DMARC record is parsed once per cached answer: later messages get the
 * same parsed record until the answer's TTL runs out, then the record is read again from fresh data.
 */
class RecordReadOncePerCachedAnswerTest {

    @Test
    void messagesShareTheParsedRecordUntilTheTtlRunsOut() {
        MutableClock clock = new MutableClock();
        InMemoryDnsClient zone = new InMemoryDnsClient().dmarc("example.com", "v=DMARC1; p=reject");
        CachingDnsClient dns = new CachingDnsClient((name, type) -> CacheableAnswer.of(zone.query(name, type),
                OptionalLong.of(300)), new DnsCache(DnsSettings.defaults(), clock));
        DmarcEvaluator evaluator = new DmarcEvaluator(dns, EvaluationOptions.defaults());
        DmarcInput input = new DmarcInput(DomainName.of("news.example.com"), SpfOutcome.none(),
                List.of(new DkimOutcome(DkimResult.PASS, DomainName.of("mail.example.com"), "s1", "")));

        DmarcEvaluation first = evaluator.evaluate(input);
        DmarcEvaluation second = evaluator.evaluate(input);

        assertThat(first.result()).isEqualTo(DmarcResult.PASS);
        assertThat(second).isEqualTo(first);
        assertThat(second.discovery().record().orElseThrow()).isSameAs(first.discovery().record().orElseThrow());

        zone.dmarc("example.com", "v=DMARC1; p=none"); // a second record: none is valid any more
        clock.advance(Duration.ofSeconds(299));
        assertThat(evaluator.evaluate(input).discovery().record().orElseThrow())
                .isSameAs(first.discovery().record().orElseThrow());
        clock.advance(Duration.ofSeconds(1));
        DmarcEvaluation afterTtl = evaluator.evaluate(input);
        assertThat(afterTtl.result()).isEqualTo(DmarcResult.NONE);
    }
}
