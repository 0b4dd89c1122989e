package org.jamesdmarc.bench;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.CacheableAnswer;
import org.jamesdmarc.dns.CachingDnsClient;
import org.jamesdmarc.dns.DnsCache;
import org.jamesdmarc.dns.DnsLookup;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.DmarcEvaluator;
import org.jamesdmarc.policy.DmarcInput;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.EvaluationOptions;
import org.jamesdmarc.policy.PublicSuffixList;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * DMARC evaluation of a typical message against a warm DNS cache (no network): the cost of policy
 * discovery, record parsing, alignment and disposition per message.
 *
 * <p>DNS goes through the production path, a {@link CachingDnsClient} with a real {@link DnsCache}
 * (as {@link org.jamesdmarc.dns.DnsClients#create} builds it), whose upstream is an in-memory zone
 * instead of dnsjava. The upstream is only asked on cache misses; the set-up warms the cache and
 * {@link #checkWarm} verifies after the trial that no measured call reached it.
 *
 * <p>{@link #pslLikeLibopendmarc} is the case measured like-for-like with libopendmarc's policy step
 * ({@code /work/shared/anchors/libopendmarc-policy-bench.c}): From {@code news.example.co.uk}, relaxed
 * DKIM pass for {@code d=mail.example.co.uk}, SPF fail, Organizational Domains from the Public Suffix
 * List, the record {@code p=reject; sp=quarantine; rua=...} published at {@code _dmarc.example.co.uk}.
 * See {@code bench/compare-libopendmarc.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EvaluationBenchmark {

    /** Longer than any run, so that no cached answer expires while measuring. */
    private static final long TTL_SECONDS = 86_400;

    private final AtomicLong upstreamQueries = new AtomicLong();
    private DmarcEvaluator treeWalk;
    private DmarcEvaluator psl;
    private PublicSuffixList list;
    private DmarcInput aligned;
    private DmarcInput relaxedSubdomains;
    private DmarcInput failing;
    private DmarcInput likeLibopendmarc;
    private DomainName deepUkName;

    @Setup
    public void setUp() {
        InMemoryDnsClient zone = new InMemoryDnsClient().withoutQueryLog()
                .dmarc("example.com", "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com; adkim=r; aspf=r")
                .txt("_dmarc.com", "some unrelated text")
                .dmarc("example.co.uk",
                        "v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.co.uk; adkim=r; aspf=r");
        // Production wiring (DnsClients.create) with the in-memory zone as the transport.
        DnsLookup upstream = (name, type) -> {
            upstreamQueries.incrementAndGet();
            return CacheableAnswer.of(zone.query(name, type), OptionalLong.of(TTL_SECONDS));
        };
        CachingDnsClient dns = new CachingDnsClient(upstream,
                new DnsCache(DnsSettings.defaults(), Clock.systemUTC()));

        treeWalk = new DmarcEvaluator(dns, EvaluationOptions.defaults());
        list = PublicSuffixList.bundled();
        psl = new DmarcEvaluator(dns, EvaluationOptions.defaults().withDiscoveryMode(DiscoveryMode.PSL)
                .withPublicSuffixList(list));
        // From example.com, DKIM d=example.com pass, SPF pass for example.com.
        DomainName example = DomainName.of("example.com");
        aligned = new DmarcInput(example, new SpfOutcome(SpfResult.PASS, example, SpfScope.MFROM),
                List.of(new DkimOutcome(DkimResult.PASS, example, "s1", "")));
        // From news.example.com, DKIM d=mail.example.com, SPF bounce.example.com: relaxed alignment walks.
        relaxedSubdomains = new DmarcInput(DomainName.of("news.example.com"),
                new SpfOutcome(SpfResult.PASS, DomainName.of("bounce.example.com"), SpfScope.MFROM),
                List.of(new DkimOutcome(DkimResult.PASS, DomainName.of("mail.example.com"), "s1", "")));
        // Spoofed: third-party DKIM and SPF only.
        DomainName spammer = DomainName.of("spammer.example.net");
        failing = new DmarcInput(example, new SpfOutcome(SpfResult.PASS, spammer, SpfScope.MFROM),
                List.of(new DkimOutcome(DkimResult.PASS, spammer, "s1", "")));
        // The anchor's message: relaxed-aligned DKIM pass on a subdomain, SPF fail for another domain.
        likeLibopendmarc = new DmarcInput(DomainName.of("news.example.co.uk"),
                new SpfOutcome(SpfResult.FAIL, DomainName.of("bounces.other.net"), SpfScope.MFROM),
                List.of(new DkimOutcome(DkimResult.PASS, DomainName.of("mail.example.co.uk"), "s1", "")));
        deepUkName = DomainName.of("a.b.mail.example.co.uk");

        // Fixture checks, which also warm the cache.
        for (int round = 0; round < 2; round++) {
            check(treeWalk.evaluate(aligned), DmarcResult.PASS);
            check(treeWalk.evaluate(relaxedSubdomains), DmarcResult.PASS);
            check(treeWalk.evaluate(failing), DmarcResult.FAIL);
            check(psl.evaluate(aligned), DmarcResult.PASS);
            check(psl.evaluate(likeLibopendmarc), DmarcResult.PASS);
        }
        DmarcEvaluation anchor = psl.evaluate(likeLibopendmarc);
        if (!anchor.policyDomain().equals(Optional.of(DomainName.of("example.co.uk"))) || anchor.spf().alignedPass()
                || !anchor.dkim().get(0).alignedPass()) {
            throw new IllegalStateException("benchmark fixture broken: " + anchor);
        }
        upstreamQueries.set(0);
    }

    /** Every measured evaluation must have been answered from the cache. */
    @TearDown
    public void checkWarm() {
        if (upstreamQueries.get() != 0) {
            throw new IllegalStateException("cache not warm: " + upstreamQueries.get() + " upstream queries");
        }
    }

    private static void check(DmarcEvaluation e, DmarcResult expected) {
        if (e.result() != expected) {
            throw new IllegalStateException("benchmark fixture broken: " + e.result() + " != " + expected + " " + e);
        }
    }

    @Benchmark
    public DmarcEvaluation treeWalkAlignedPass() {
        return treeWalk.evaluate(aligned);
    }

    @Benchmark
    public DmarcEvaluation treeWalkRelaxedSubdomainsPass() {
        return treeWalk.evaluate(relaxedSubdomains);
    }

    @Benchmark
    public DmarcEvaluation treeWalkFail() {
        return treeWalk.evaluate(failing);
    }

    @Benchmark
    public DmarcEvaluation pslAlignedPass() {
        return psl.evaluate(aligned);
    }

    /** Like-for-like with libopendmarc's policy step (see the class comment). */
    @Benchmark
    public DmarcEvaluation pslLikeLibopendmarc() {
        return psl.evaluate(likeLibopendmarc);
    }

    @Benchmark
    public DomainName pslOrganizationalDomain() {
        return list.organizationalDomain(deepUkName);
    }
}
