package org.jamesdmarc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the harnesses print beside every figure: the machine and its load (the machines are shared). */
final class Bench {

    private Bench() {
    }

    /** CPUs, the JVM's max heap and the load average now. */
    static String machine() {
        return String.format(Locale.ROOT, "%d CPUs, max heap %,d MB, Java %s, load %s",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1_048_576,
                System.getProperty("java.version"), loadText());
    }

    /** The 1-minute load average, NaN where /proc/loadavg cannot be read. */
    static double load() {
        String text = loadText();
        try {
            return Double.parseDouble(text.split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The 1, 5 and 15-minute load averages as /proc/loadavg gives them. */
    static String loadText() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
