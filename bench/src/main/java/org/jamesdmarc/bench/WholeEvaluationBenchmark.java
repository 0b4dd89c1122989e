package org.jamesdmarc.bench;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.CheckSettings;
import org.jamesdmarc.check.DmarcChecker;
import org.jamesdmarc.check.EvaluationJson;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.check.HostList;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One whole {@link DmarcChecker#check}: header parsing, From extraction, SPF (jSPF) for the MAIL FROM,
 * RSA-2048 DKIM verification (jDKIM) of a signed message, DMARC discovery, alignment and the
 * Authentication-Results value, against a warm cache. DNS answers come from an in-JVM
 * {@link FakeDnsServer} on 127.0.0.1; after the set-up warm-up every lookup is a DnsClient cache hit,
 * which the set-up checks (no query reaches the server during a measured call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WholeEvaluationBenchmark {

    private FakeDnsServer dns;
    private DmarcChecker checker;
    /** From sender.test, DKIM d=sender.test, MAIL FROM in sender.test from its SPF-listed address. */
    private MessageContext aligned;
    /** From sender.test, sent by a third party with SPF and DKIM passing for its own domain only. */
    private MessageContext spoofed;
    /** The outcome of {@link #aligned}, for the per-message work after the check. */
    private CheckOutcome alignedOutcome;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dns = FakeDnsServer.start();
        DkimTestSigner sender = DkimTestSigner.rsa2048("sender.test", "s1");
        DkimTestSigner third = DkimTestSigner.rsa2048("third.test", "s1");
        dns.txt("_dmarc.sender.test", "v=DMARC1; p=reject; rua=mailto:dmarc@sender.test; adkim=r; aspf=r")
                .txt("sender.test", "v=spf1 ip4:192.0.2.0/24 ip4:127.0.0.2 -all")
                .txt(sender.keyRecordName(), sender.txtRecord())
                .txt("_dmarc.third.test", "v=DMARC1; p=none")
                .txt("third.test", "v=spf1 ip4:127.0.0.3 -all")
                .txt(third.keyRecordName(), third.txtRecord());

        CheckSettings settings = new CheckSettings("mx.receiver.test", Set.of(), HostList.empty(), true, Set.of(),
                false, false, true, false, true, false, HostList.empty(), false, dns.settings(), DiscoveryMode.TREEWALK,
                Optional.empty(), false);
        checker = DmarcChecker.create(settings);

        String body = "Hello,\r\n\r\nthis is the message body of a typical notification, a few lines long.\r\n"
                + "Regards,\r\nSender\r\n";
        aligned = new MessageContext(InetAddress.getByName("127.0.0.2"), "mail.sender.test",
                Optional.of("bounce@sender.test"), false, sender.sign(DkimTestSigner.sampleMessage("sender.test", body)));
        spoofed = new MessageContext(InetAddress.getByName("127.0.0.3"), "mail.third.test",
                Optional.of("bounce@third.test"), false, third.sign(DkimTestSigner.sampleMessage("sender.test", body)));

        // Fixture checks, which also warm the DNS cache.
        expect(checker.check(aligned), DmarcResult.PASS);
        expect(checker.check(spoofed), DmarcResult.FAIL);
        dns.clearQueries();
        expect(checker.check(aligned), DmarcResult.PASS);
        expect(checker.check(spoofed), DmarcResult.FAIL);
        alignedOutcome = checker.check(aligned);
        if (dns.queryCount() != 0) {
            throw new IllegalStateException("cache not warm: " + dns.queries());
        }
    }

    private static void expect(CheckOutcome outcome, DmarcResult result) {
        if (!(outcome instanceof CheckOutcome.Evaluated e) || e.evaluation().result() != result
                || e.spf().result() != SpfResult.PASS || e.dkim().size() != 1
                || e.dkim().get(0).result() != DkimResult.PASS) {
            throw new IllegalStateException("benchmark fixture broken: expected " + result + ", got " + outcome);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dns.close();
    }

    @Benchmark
    public CheckOutcome signedAlignedPass() {
        return checker.check(aligned);
    }

    /**
     * {@link #signedAlignedPass} as inside James (issue 9): the check's code and data no longer in the CPU's caches,
     * as after the SMTP session, the mailbox and the other threads James ran since the last message, and a fresh
     * {@link MessageContext} per message (its header section is parsed per context). Before each call (not timed)
     * {@link ColdCaches} writes to {@code evictMegabytes} of memory. In James the hook's check costs 3-4 times a
     * warm loop's (per phase: every part of it, not one); this is the figure to make smaller. See
     * bench/james-throughput/README.md, "Results (2026-12-02, branch perf9b ...)".
     */
    @Benchmark
    public CheckOutcome signedAlignedPassCold(ColdCaches cold) {
        return checker.check(new MessageContext(aligned.clientAddress(), aligned.helo(), aligned.mailFrom(),
                aligned.authenticated(), aligned.message()));
    }

    /** Memory written before each {@link #signedAlignedPassCold} call, so that the check starts with cold caches. */
    @State(Scope.Thread)
    public static class ColdCaches {

        /** Enough to reproduce the in-James cost on this machine (2 vCPUs of an AMD EPYC; 16 gave 1.7x, 64 4x). */
        @Param({"64"})
        public int evictMegabytes;

        private long[] junk;
        /** Read by nobody; keeps the JIT from dropping the walk. */
        public long sink;

        @Setup(Level.Trial)
        public void allocate() {
            junk = new long[evictMegabytes * 1024 * 1024 / Long.BYTES];
        }

        /** One write and one read per cache line of the whole array (JMH does not time this). */
        @Setup(Level.Invocation)
        public void evict() {
            long s = sink;
            for (int i = 0; i < junk.length; i += 8) {
                junk[i] += i;
                s += junk[i];
            }
            sink = s;
        }
    }

    /**
     * What the SMTP hook and the history mailet do per message after the check (issue 9): the evaluation JSON
     * attribute, the message key, the evaluation record and its bytes, and the history mailet's decode with its
     * action. JFR attributed 6 % of James's samples to this under load, but with the JIT still warming up.
     */
    @Benchmark
    public EvaluationRecord attributesAndHistoryRecord() throws Exception {
        String json = EvaluationJson.toJson(alignedOutcome);
        MessageKey key = MessageKey.of(aligned, Optional.of("<" + json.length() + ".bench@sender.test>"));
        EvaluationRecord record = EvaluationRecord.of(key, Instant.now(), alignedOutcome, aligned.mailFrom(),
                List.of("bench1@james.local"), ActionTaken.DELIVERED).orElseThrow();
        return EvaluationRecordCodec.decode(EvaluationRecordCodec.encode(record)).withAction(ActionTaken.QUARANTINED);
    }

    @Benchmark
    public CheckOutcome spoofedFail() {
        return checker.check(spoofed);
    }
}
