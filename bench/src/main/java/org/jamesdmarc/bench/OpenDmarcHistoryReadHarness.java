package org.jamesdmarc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import org.jamesdmarc.store.opendmarc.HistoryEntry;
import org.jamesdmarc.store.opendmarc.HistoryWarning;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryReader;

/**
 * How fast {@link OpenDmarcHistoryReader} reads an OpenDMARC history file, alone (no database): the reader's share
 * of issue 9's import goal (≥ 22,000 messages/s end to end). Reads the file {@code rounds} times (the first ones
 * warm the JIT up) and prints messages/s and MB/s for each; the file is read from the page cache after round 1.
 * On a shared, busy machine the wall-clock figure swings with the load: the reading thread's CPU time (also
 * printed, as messages per CPU-second) does much less.
 *
 * <pre>
 * python3 /work/shared/anchors/gen-opendmarc-history.py 1000000 2000 > /tmp/h.dat
 * mvn -o -q -pl dmarc-mailet,bench -am package -DskipTests
 * java -Xmx1g -cp bench/target/benchmarks.jar org.jamesdmarc.bench.OpenDmarcHistoryReadHarness /tmp/h.dat [rounds=5]
 * </pre>
 */
public final class OpenDmarcHistoryReadHarness {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private OpenDmarcHistoryReadHarness() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: OpenDmarcHistoryReadHarness FILE [rounds]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        double bytes = Files.size(file);
        for (int round = 1; round <= rounds; round++) {
            Map<HistoryWarning.Kind, Long> warnings = new EnumMap<>(HistoryWarning.Kind.class);
            long[] checksum = {0};
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long entries;
            try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(file,
                    w -> warnings.merge(w.kind(), 1L, Long::sum))) {
                entries = reader.forEachRemaining(e -> checksum[0] += consume(e));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            System.out.printf(Locale.ROOT, "round %d: %,d messages in %.3f s = %,.0f messages/s, %.1f MB/s;"
                    + " %,.0f messages per CPU-second of the reading thread; warnings %s (checksum %d)%n", round,
                    entries, seconds, entries / seconds, bytes / seconds / 1e6, entries / cpuSeconds, warnings,
                    checksum[0]);
        }
    }

    /** Touches the decoded fields so that none of the work can be optimized away. */
    private static long consume(HistoryEntry e) {
        return e.received().getEpochSecond() + e.policy().ordinal() + e.dkim().size() + e.headerFrom().length()
                + e.action().ordinal();
    }
}
