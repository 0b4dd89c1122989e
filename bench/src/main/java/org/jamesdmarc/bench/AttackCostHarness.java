package org.jamesdmarc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.CheckSettings;
import org.jamesdmarc.check.DmarcChecker;
import org.jamesdmarc.check.HostList;
import org.jamesdmarc.check.MessageContext;
import org.jamesdmarc.dns.testing.FakeDnsServer;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.testsupport.DkimTestSigner;

/**
 * The worst cases of issue 8 items 6 and 7 (messages built to make one check expensive), each run once through a
 * fresh {@link DmarcChecker} (cold cache, fresh random names, as an attacker would send them) against an in-JVM
 * DNS server whose attacker zone answers after a configurable latency. Prints, per case, the verdict, the DNS
 * queries the server received, the wall time, the bytes allocated and the peak heap. Not a JMH benchmark: one cold
 * run per case is what an attack costs.
 *
 * <pre>
 * mvn -o -q -pl dmarc-mailet,bench -am package -DskipTests
 * java -Xmx4g -cp bench/target/benchmarks.jar org.jamesdmarc.bench.AttackCostHarness [latencyMs=50] [arFields=12000] \
 *     [arLatencyMs=0] [negativeTtl=0]
 * </pre>
 * A {@code negativeTtl} of 0 (the default) makes NXDOMAIN/NODATA answers uncacheable, as an attacker's name
 * servers can, so repeated names cost a query each time.
 *
 * It uses only the checker's public API of before the per-message budget, so the same class measures the code
 * before and after the change.
 */
public final class AttackCostHarness {

    private static final String REJECT = "reject.test";
    private static final String ATTACK = "attack.test";
    private static final String ATTACKER_IP = "127.0.0.66";

    private final FakeDnsServer dns;
    private final DkimTestSigner attacker;
    private final DkimTestSigner genuine;
    private int run;

    private AttackCostHarness(FakeDnsServer dns) {
        this.dns = dns;
        this.attacker = DkimTestSigner.rsa2048(ATTACK, "s1");
        this.genuine = DkimTestSigner.rsa2048(REJECT, "s1");
        dns.txt("_dmarc." + REJECT, "v=DMARC1; p=reject")
                .txt(REJECT, "v=spf1 ip4:127.0.0.2 -all")
                .txt(genuine.keyRecordName(), genuine.txtRecord())
                .txt("_dmarc." + ATTACK, "v=DMARC1; p=none")
                .txt(ATTACK, "v=spf1 ip4:" + ATTACKER_IP + " -all");
    }

    public static void main(String[] args) throws Exception {
        long latency = args.length > 0 ? Long.parseLong(args[0]) : 50;
        int arFields = args.length > 1 ? Integer.parseInt(args[1]) : 12_000;
        long arLatency = args.length > 2 ? Long.parseLong(args[2]) : 0;
        long negativeTtl = args.length > 3 ? Long.parseLong(args[3]) : 0;
        try (FakeDnsServer dns = FakeDnsServer.start()) {
            dns.negativeSoa(negativeTtl, negativeTtl);
            AttackCostHarness h = new AttackCostHarness(dns);
            System.out.printf(Locale.ROOT, "attacker DNS latency %d ms (%d ms for the Authentication-Results cases),"
                    + " negative answers cached %d s, DNS timeout 1 s, no retries%n%n", latency, arLatency, negativeTtl);
            System.out.printf(Locale.ROOT, "%-44s %-36s %8s %10s %12s %10s%n", "case", "verdict", "queries",
                    "wall ms", "alloc MB", "peak MB");
            Map<String, Function<String, MessageContext>> cases = new LinkedHashMap<>();
            cases.put("item 6: 10 author domains x 10 deep d=", p -> h.authors(p, 9, 10));
            cases.put("item 6: 3 author domains x 10 deep d=", p -> h.authors(p, 2, 10));
            cases.put("item 6: 1 deep author domain x 10 deep d=", p -> h.ownDeepAuthor(p, 10));
            cases.put("item 6: forged author, 10 deep d=", p -> h.authors(p, 0, 10));
            cases.put("control: genuine pass under 10 junk d=", p -> h.genuineUnderJunk(p, 10));
            for (Map.Entry<String, Function<String, MessageContext>> c : cases.entrySet()) {
                dns.latency(ATTACK, Duration.ofMillis(latency));
                h.measure(c.getKey(), false, c.getValue());
            }
            dns.latency(ATTACK, Duration.ofMillis(arLatency));
            h.measure("item 7: " + arFields + " trusted AR, forged author", true, p -> h.trustedFlood(p, arFields,
                    "admin@" + REJECT));
            h.measure("item 7: " + arFields + " trusted AR, own author", true, p -> h.trustedFlood(p, arFields,
                    "a@" + deep(p, 0)));
        }
    }

    /** An 11-label name in the attacker's zone on a branch of its own, fresh for each run. */
    private static String deep(String prefix, int i) {
        return "x1.x2.x3.x4.x5.x6.x7.x8.b" + i + "." + prefix + "." + ATTACK;
    }

    private void measure(String name, boolean trusting, Function<String, MessageContext> message) {
        String prefix = "r" + (++run);
        MessageContext context = message.apply(prefix);
        // The flood of trusted results is believed only in OpenDMARC's model (trustAuthResultsFromAnyClient):
        // otherwise fields the sender wrote are not read at all.
        CheckSettings settings = new CheckSettings("mx.receiver.test", trusting ? Set.of("r") : Set.of(),
                HostList.empty(), true, Set.of(), false, false, true, false, true, false, HostList.empty(), trusting,
                dns.settings(), DiscoveryMode.TREEWALK, Optional.empty(), false);
        DmarcChecker checker = DmarcChecker.create(settings);
        System.gc();
        resetPeaks();
        dns.clearQueries();
        long allocatedBefore = allocatedBytes();
        long start = System.nanoTime();
        CheckOutcome outcome = checker.check(context);
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        long allocated = allocatedBytes() - allocatedBefore;
        System.out.printf(Locale.ROOT, "%-44s %-36s %8d %10d %12.1f %10.1f%n", name, verdict(outcome),
                dns.queryCount(), wallMs, allocated / 1e6, peakHeap() / 1e6);
    }

    private static String verdict(CheckOutcome outcome) {
        if (outcome instanceof CheckOutcome.Evaluated e) {
            return e.evaluation().result().name().toLowerCase(Locale.ROOT) + " ("
                    + e.evaluation().authorDomain().map(d -> d.name().length() > 14 ? "deep attacker"
                    : d.name()).orElse("?") + ", " + e.dkim().size() + " dkim)";
        }
        if (outcome instanceof CheckOutcome.Refused r) {
            return "refused (" + r.violation().name().toLowerCase(Locale.ROOT) + ")";
        }
        return "skipped (" + ((CheckOutcome.Skipped) outcome).reason() + ")";
    }

    private static byte[] message(String from, String extraHeaders) {
        return (extraHeaders + "From: " + from + "\r\nTo: bob@receiver.test\r\nSubject: hi\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] signedByDeepNames(String prefix, byte[] message, int count) {
        byte[] m = message;
        for (int i = 0; i < count; i++) {
            DkimTestSigner deep = attacker.as(deep(prefix, i), "s1");
            dns.txt(deep.keyRecordName(), deep.txtRecord());
            m = deep.sign(m);
        }
        return m;
    }

    private static MessageContext fromAttacker(byte[] message) {
        try {
            return new MessageContext(InetAddress.getByName(ATTACKER_IP), "mail." + ATTACK,
                    Optional.of("bounce@" + ATTACK), false, message);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The forged reject.test author, {@code deepAuthors} attacker author domains, {@code signatures} deep d=. */
    private MessageContext authors(String prefix, int deepAuthors, int signatures) {
        StringBuilder from = new StringBuilder("admin@" + REJECT);
        for (int i = 0; i < deepAuthors; i++) {
            from.append(", a").append(i).append('@').append(deep(prefix, 100 + i));
        }
        return fromAttacker(signedByDeepNames(prefix, message(from.toString(), ""), signatures));
    }

    private MessageContext ownDeepAuthor(String prefix, int signatures) {
        return fromAttacker(signedByDeepNames(prefix, message("a@" + deep(prefix, 100), ""), signatures));
    }

    private MessageContext genuineUnderJunk(String prefix, int junk) {
        return fromAttacker(signedByDeepNames(prefix, genuine.sign(message("admin@" + REJECT, "")), junk));
    }

    private MessageContext trustedFlood(String prefix, int fields, String from) {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < fields; i++) {
            // Short lines, so that 12,000 fields fit in the 1 MiB the header section is read up to.
            header.append("Authentication-Results: r; dkim=pass header.d=y").append(i).append(".a.b.c.d.e.f.b")
                    .append(i % 50).append('.').append(prefix).append('.').append(ATTACK).append("\r\n");
        }
        // From first: the fields fill the rest of the 1 MiB the header section is read up to.
        byte[] m = ("From: " + from + "\r\n" + header + "To: bob@receiver.test\r\nSubject: hi\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
        return fromAttacker(m);
    }

    private static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)) {
            return 0;
        }
        long[] ids = threads.getAllThreadIds();
        long sum = 0;
        for (long a : threads.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, a);
        }
        return sum;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : heapPools()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : heapPools()) {
            sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        List<MemoryPoolMXBean> out = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                out.add(pool);
            }
        }
        return out;
    }
}
