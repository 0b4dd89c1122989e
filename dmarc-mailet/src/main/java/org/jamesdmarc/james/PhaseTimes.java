package org.jamesdmarc.james;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in diagnostic (issue 9): where the thread that runs a {@link MeteredCheck} spends its CPU and wall time per
 * message, by phase. Off unless the system property {@value #PROPERTY} is a positive number N; then every N
 * messages one INFO line gives each phase's average thread CPU and wall time per message since the last line
 * (logger {@code org.jamesdmarc.james.PhaseTimes}). Thread CPU is {@link ThreadMXBean#getCurrentThreadCpuTime()}.
 * Off, each call is a test of a constant.
 *
 * <p>The phases are consecutive and run on one thread: {@link #begin()}, then {@link #lap} at the end of each
 * phase, the last one with {@link #end}, which counts the message.
 */
final class PhaseTimes {

    /** Messages per log line; absent or not positive: off. */
    static final String PROPERTY = "org.jamesdmarc.debug.phaseTimes";

    private static final int EVERY = Integer.getInteger(PROPERTY, 0);
    static final boolean ENABLED = EVERY > 0;

    private static final Logger LOGGER = LoggerFactory.getLogger(PhaseTimes.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The phases of one message, in order. */
    enum Phase {
        /** Reading the SMTP session and the mail into a {@code MessageContext} (the message's octets included). */
        READ,
        /** {@code DmarcChecker.check}. */
        CHECK,
        /** The evaluation record, the mail attributes and the counters ({@link MeteredCheck#store}). */
        STORE,
        /** What the caller does after that (the hook: the marker, the sinks, the SMTP answer). */
        AFTER
    }

    private static final Phase[] PHASES = Phase.values();

    private final String name;
    private final LongAdder[] cpu = adders();
    private final LongAdder[] wall = adders();
    private final AtomicLong messages = new AtomicLong();
    /** Thread CPU and wall time (ns) at the end of the last phase of this thread's current message. */
    private final ThreadLocal<long[]> mark = ThreadLocal.withInitial(() -> new long[2]);

    PhaseTimes(String name) {
        this.name = name;
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[PHASES.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** A message starts on this thread. */
    void begin() {
        if (ENABLED) {
            long[] m = mark.get();
            m[0] = THREADS.getCurrentThreadCpuTime();
            m[1] = System.nanoTime();
        }
    }

    /** {@code phase} of this thread's message ends (the next starts). */
    void lap(Phase phase) {
        if (ENABLED) {
            long[] m = mark.get();
            long c = THREADS.getCurrentThreadCpuTime();
            long w = System.nanoTime();
            cpu[phase.ordinal()].add(c - m[0]);
            wall[phase.ordinal()].add(w - m[1]);
            m[0] = c;
            m[1] = w;
        }
    }

    /** The last phase, {@code phase}, of this thread's message ends: the message is counted. */
    void end(Phase phase) {
        if (ENABLED) {
            lap(phase);
            long n = messages.incrementAndGet();
            if (n % EVERY == 0) {
                log(n);
            }
        }
    }

    private synchronized void log(long n) {
        StringBuilder b = new StringBuilder(name).append(": ").append(n).append(" messages; µs per message, thread CPU/wall:");
        long totalCpu = 0;
        long totalWall = 0;
        for (Phase p : PHASES) {
            long c = cpu[p.ordinal()].sumThenReset();
            long w = wall[p.ordinal()].sumThenReset();
            totalCpu += c;
            totalWall += w;
            b.append(' ').append(p.name().toLowerCase()).append(' ').append(micros(c)).append('/').append(micros(w));
        }
        b.append(" total ").append(micros(totalCpu)).append('/').append(micros(totalWall));
        LOGGER.info("{}", b);
    }

    private String micros(long nanosOverInterval) {
        return String.format("%.1f", nanosOverInterval / 1000.0 / EVERY);
    }
}
