package org.jamesdmarc.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
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

/**
 * DMARC evaluation of a typical message against a warm in-memory DNS (no network): the cost of
 * policy discovery, record parsing, alignment and disposition per message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EvaluationBenchmark {

    private DmarcEvaluator treeWalk;
    private DmarcEvaluator psl;
    private PublicSuffixList list;
    private DmarcInput aligned;
    private DmarcInput relaxedSubdomains;
    private DmarcInput failing;
    private DomainName deepUkName;

    @Setup
    public void setUp() {
        InMemoryDnsClient dns = new InMemoryDnsClient().withoutQueryLog()
                .dmarc("example.com", "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com; adkim=r; aspf=r")
                .txt("_dmarc.com", "some unrelated text");
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
        deepUkName = DomainName.of("a.b.mail.example.co.uk");
        check(treeWalk.evaluate(aligned), DmarcResult.PASS);
        check(treeWalk.evaluate(relaxedSubdomains), DmarcResult.PASS);
        check(treeWalk.evaluate(failing), DmarcResult.FAIL);
        check(psl.evaluate(aligned), DmarcResult.PASS);
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

    @Benchmark
    public DomainName pslOrganizationalDomain() {
        return list.organizationalDomain(deepUkName);
    }
}
