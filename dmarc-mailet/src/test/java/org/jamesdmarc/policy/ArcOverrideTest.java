package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.arc.ArcOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcSet;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;

/** When a trusted ARC sealer's recorded results lower a DMARC failure's disposition, and when they do not. */
class ArcOverrideTest {

    private static final DomainName LIST = d("lists.example.org");
    private static final DomainName FWD = d("fwd.example.net");
    private static final ArcSealers SEALERS = new ArcSealers(Set.of(FWD), Set.of(LIST));

    private final InMemoryDnsClient dns = new InMemoryDnsClient()
            .dmarc("example.com", "v=DMARC1; p=reject")
            .dmarc("strict.example", "v=DMARC1; p=reject; aspf=s")
            .dmarc("relaxed.example", "v=DMARC1; p=none");
    private final DmarcEvaluator evaluator = new DmarcEvaluator(dns, EvaluationOptions.defaults());

    private DmarcEvaluation failed(String author) {
        DmarcEvaluation e = evaluator.evaluate(new DmarcInput(d(author), SpfOutcome.none(), List.of()));
        assertThat(e.result()).isEqualTo(DmarcResult.FAIL);
        return e;
    }

    private static ArcOutcome chain(ArcResult result, DomainName sealer, String authResults) {
        List<ArcSet> sets = List.of(new ArcSet(1, Optional.of(d("relay.example")), "s", "relay.example; none"),
                new ArcSet(2, Optional.of(sealer), "s", authResults));
        return new ArcOutcome(result, 0, result == ArcResult.NONE ? List.of() : sets, "test");
    }

    @Test
    void aTrustedListRecordingDmarcPassGivesMailingList() {
        DmarcEvaluation e = failed("example.com");
        Optional<ArcOverride.Decision> d = ArcOverride.decide(e,
                chain(ArcResult.PASS, LIST, "lists.example.org; dmarc=pass header.from=example.com"), SEALERS);
        assertThat(d).contains(new ArcOverride.Decision(PolicyOverride.MAILING_LIST, LIST, 2));
        DmarcEvaluation after = ArcOverride.apply(e, d.orElseThrow());
        assertThat(after.disposition()).isEqualTo(Disposition.NONE);
        assertThat(after.result()).isEqualTo(DmarcResult.FAIL); // the verdict stays; only the disposition is lowered
        assertThat(after.overrides()).containsExactly(PolicyOverride.MAILING_LIST);
        assertThat(d.orElseThrow().comment()).isEqualTo("arc=pass i=2 sealer lists.example.org");
    }

    @Test
    void aTrustedForwarderRecordingAnAlignedSpfOrDkimPassGivesTrustedForwarder() {
        DmarcEvaluation e = failed("example.com");
        assertThat(ArcOverride.decide(e, chain(ArcResult.PASS, FWD,
                "fwd.example.net; spf=pass smtp.mailfrom=bounce@mail.example.com"), SEALERS))
                .map(ArcOverride.Decision::reason).contains(PolicyOverride.TRUSTED_FORWARDER);
        assertThat(ArcOverride.decide(e, chain(ArcResult.PASS, FWD,
                "fwd.example.net; dkim=pass header.d=example.com header.s=s1"), SEALERS))
                .map(ArcOverride.Decision::reason).contains(PolicyOverride.TRUSTED_FORWARDER);
    }

    @Test
    void aTrustedSealerWhoseChainCannotBeVerifiedForNowIsAwaitingVerification() {
        DmarcEvaluation e = failed("example.com");
        String dmarcPass = "lists.example.org; dmarc=pass header.from=example.com";
        assertThat(ArcOverride.decide(e, chain(ArcResult.TEMPERROR, LIST, dmarcPass), SEALERS)).isEmpty();
        assertThat(ArcOverride.awaitingVerification(e, chain(ArcResult.TEMPERROR, LIST, dmarcPass), SEALERS))
                .contains(LIST);
        // Only a temperror: a passing chain is decided, a failed or absent one is not waited for.
        for (ArcResult r : List.of(ArcResult.PASS, ArcResult.FAIL, ArcResult.NONE)) {
            assertThat(ArcOverride.awaitingVerification(e, chain(r, LIST, dmarcPass), SEALERS)).as(r.name()).isEmpty();
        }
        // The other conditions still hold: trusted, aligned pass recorded for this author domain.
        assertThat(ArcOverride.awaitingVerification(e, chain(ArcResult.TEMPERROR, d("evil.example"), dmarcPass),
                SEALERS)).isEmpty();
        assertThat(ArcOverride.awaitingVerification(e, chain(ArcResult.TEMPERROR, LIST,
                "x; dmarc=pass header.from=other.example"), SEALERS)).isEmpty();
        assertThat(ArcOverride.awaitingVerification(e, chain(ArcResult.TEMPERROR, LIST, dmarcPass), ArcSealers.NONE))
                .isEmpty();
    }

    @Test
    void nothingChangesForAnUntrustedSealerABrokenChainOrUnalignedResults() {
        DmarcEvaluation e = failed("example.com");
        String dmarcPass = "x; dmarc=pass header.from=example.com";
        assertThat(ArcOverride.decide(e, chain(ArcResult.PASS, d("evil.example"), dmarcPass), SEALERS)).isEmpty();
        assertThat(ArcOverride.decide(e, chain(ArcResult.FAIL, LIST, dmarcPass), SEALERS)).isEmpty();
        assertThat(ArcOverride.decide(e, chain(ArcResult.NONE, LIST, dmarcPass), SEALERS)).isEmpty();
        assertThat(ArcOverride.decide(e, chain(ArcResult.PASS, LIST, dmarcPass), ArcSealers.NONE)).isEmpty();
        // Another author domain, a failure, an unaligned pass, an unreadable field.
        for (String recorded : List.of("x; dmarc=pass header.from=other.example", "x; dmarc=fail header.from=example.com",
                "x; spf=pass smtp.mailfrom=example.com.evil.example", "x; dkim=pass header.d=notexample.com",
                "x; spf=fail smtp.mailfrom=example.com", "not an authres ;;; payload", "")) {
            assertThat(ArcOverride.decide(e, chain(ArcResult.PASS, LIST, recorded), SEALERS)).as(recorded).isEmpty();
        }
    }

    @Test
    void onlyTheMostRecentSealerCounts() {
        DmarcEvaluation e = failed("example.com");
        // The trusted list sealed first; an untrusted hop sealed last: the list's results are not what arrived here.
        List<ArcSet> sets = List.of(new ArcSet(1, Optional.of(LIST), "s", "lists.example.org; dmarc=pass header.from=example.com"),
                new ArcSet(2, Optional.of(d("evil.example")), "s", "evil.example; dmarc=pass header.from=example.com"));
        assertThat(ArcOverride.decide(e, new ArcOutcome(ArcResult.PASS, 0, sets, "t"), SEALERS)).isEmpty();
    }

    @Test
    void strictAlignmentNeedsTheSameDomainAndNoneDispositionNeedsNoOverride() {
        DmarcEvaluation strict = failed("strict.example");
        assertThat(ArcOverride.decide(strict, chain(ArcResult.PASS, LIST,
                "x; spf=pass smtp.mailfrom=mail.strict.example"), SEALERS)).isEmpty();
        assertThat(ArcOverride.decide(strict, chain(ArcResult.PASS, LIST,
                "x; spf=pass smtp.mailfrom=strict.example"), SEALERS)).isPresent();
        DmarcEvaluation monitoring = failed("relaxed.example");
        assertThat(monitoring.disposition()).isEqualTo(Disposition.NONE);
        assertThat(ArcOverride.decide(monitoring, chain(ArcResult.PASS, LIST,
                "x; dmarc=pass header.from=relaxed.example"), SEALERS)).isEmpty();
    }

    private static DomainName d(String name) {
        return DomainName.of(name);
    }
}
