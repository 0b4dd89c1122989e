import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises one James's JFR recording over a time window (the benchmark's timed part, which run.sh prints as
 * "timed part: epoch A to B"): Java execution samples per thread group, per method (self: the top frame;
 * inclusive: anywhere on the stack, counted once per sample), thread CPU per thread group, GC pauses, allocation
 * per thread group and per allocating frame, monitor waits and parks.
 *
 * <pre>
 * java bench/james-throughput/JfrSummary.java /tmp/perf-check.jfr FROM_EPOCH TO_EPOCH [TOP] [FILTER]
 * </pre>
 * FILTER (optional): only samples whose stack holds a frame whose class.method contains it.
 */
public class JfrSummary {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: JfrSummary FILE FROM_EPOCH TO_EPOCH [TOP] [FILTER]");
            System.exit(2);
        }
        Instant from = epoch(args[1]);
        Instant to = epoch(args[2]);
        int top = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        String filter = args.length > 4 ? args[4] : null;
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, double[]> cpu = new HashMap<>();
        Set<Long> cpuPeriods = new HashSet<>();
        Map<String, Long> allocByThread = new HashMap<>();
        Map<String, Long> allocByFrame = new HashMap<>();
        Map<String, Long> blocked = new HashMap<>();
        Map<String, Integer> blockedCount = new HashMap<>();
        long gcCount = 0;
        long gcNanos = 0;
        int samples = 0;
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                Instant t = e.getStartTime();
                if (t.isBefore(from) || t.isAfter(to)) {
                    continue;
                }
                String type = e.getEventType().getName();
                switch (type) {
                    case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                        RecordedStackTrace st = e.getStackTrace();
                        if (st == null || st.getFrames().isEmpty()) {
                            continue;
                        }
                        List<String> frames = new ArrayList<>();
                        for (RecordedFrame f : st.getFrames()) {
                            frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
                        }
                        if (filter != null && frames.stream().noneMatch(f -> f.contains(filter))) {
                            continue;
                        }
                        String thread = group(e.getThread("sampledThread"));
                        String prefix = type.equals("jdk.NativeMethodSample") ? "[native] " : "";
                        samples++;
                        byThread.merge(prefix + thread, 1, Integer::sum);
                        self.merge(prefix + frames.get(0), 1, Integer::sum);
                        Set<String> seen = new HashSet<>(frames);
                        for (String f : seen) {
                            inclusive.merge(f, 1, Integer::sum);
                        }
                    }
                    case "jdk.ThreadCPULoad" -> {
                        String thread = group(e.getThread("eventThread"));
                        double[] c = cpu.computeIfAbsent(thread, k -> new double[2]);
                        c[0] += e.getFloat("user") + e.getFloat("system");
                        c[1]++;
                        cpuPeriods.add(t.getEpochSecond());
                    }
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        gcNanos += e.getDuration().toNanos();
                    }
                    case "jdk.ObjectAllocationSample" -> {
                        long w = e.getLong("weight");
                        allocByThread.merge(group(e.getThread("eventThread")), w, Long::sum);
                        RecordedStackTrace st = e.getStackTrace();
                        if (st != null) {
                            allocByFrame.merge(firstOwnFrame(st), w, Long::sum);
                        }
                    }
                    case "jdk.JavaMonitorEnter", "jdk.ThreadPark", "jdk.JavaMonitorWait" -> {
                        String k = type.substring(4) + " " + group(e.getThread("eventThread")) + " "
                                + (e.getStackTrace() == null ? "" : firstOwnFrame(e.getStackTrace()));
                        blocked.merge(k, e.getDuration().toNanos(), Long::sum);
                        blockedCount.merge(k, 1, Integer::sum);
                    }
                    default -> {
                    }
                }
            }
        }
        double seconds = (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
        System.out.printf("window %.1f s, %d Java samples%s%n", seconds, samples,
                filter == null ? "" : " with " + filter + " on the stack");
        print("samples by thread", byThread, top, samples);
        print("self (top frame)", self, top, samples);
        print("inclusive", inclusive, top, samples);
        // ThreadCPULoad: one event per thread and period, its share of the machine's CPUs; a group sums its threads.
        int periods = Math.max(1, cpuPeriods.size());
        double all = cpu.values().stream().mapToDouble(c -> c[0]).sum() / periods;
        System.out.printf("%n== thread CPU, share of the machine (all CPUs = 100 %%), mean of %d periods; James total %.1f %%%n",
                periods, 100 * all);
        cpu.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                .limit(top).forEach(en -> System.out.printf("%7.2f %%  %5.1f %% of James  %s%n",
                        100 * en.getValue()[0] / periods, 100 * en.getValue()[0] / periods / all, en.getKey()));
        System.out.printf("%n== GC: %d collections, %.1f ms in the window%n", gcCount, gcNanos / 1e6);
        printLong("allocation by thread (sampled weight, MB)", allocByThread, top, 1 << 20);
        printLong("allocation by first non-JDK frame (MB)", allocByFrame, top, 1 << 20);
        System.out.println("\n== blocking (count, ms)");
        blocked.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(top)
                .forEach(en -> System.out.printf("%6d %9.1f  %s%n", blockedCount.get(en.getKey()), en.getValue() / 1e6, en.getKey()));
    }

    private static Instant epoch(String s) {
        double d = Double.parseDouble(s);
        return Instant.ofEpochMilli((long) (d * 1000));
    }

    /** A thread name without its numbers, so the pools' threads count together. */
    private static String group(RecordedThread t) {
        if (t == null) {
            return "?";
        }
        String name = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return name == null ? "?" : name.replaceAll("[0-9]+", "N");
    }

    private static String firstOwnFrame(RecordedStackTrace st) {
        for (RecordedFrame f : st.getFrames()) {
            String c = f.getMethod().getType().getName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                return c + "." + f.getMethod().getName();
            }
        }
        RecordedFrame f = st.getFrames().get(0);
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> m, int top, int total) {
        System.out.println("\n== " + title);
        m.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .forEach(en -> System.out.printf("%6d %5.1f %%  %s%n", en.getValue(), 100.0 * en.getValue() / Math.max(1, total), en.getKey()));
    }

    private static void printLong(String title, Map<String, Long> m, int top, long unit) {
        System.out.println("\n== " + title);
        m.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(top)
                .forEach(en -> System.out.printf("%9.1f  %s%n", (double) en.getValue() / unit, en.getKey()));
    }
}
