package org.jamesdmarc.cli;

import java.io.PrintWriter;

/**
 * A one-line progress indication of {@code dmarc history import} on stderr, rewritten in place with a carriage
 * return, at most a few times a second; shown only when stderr is a terminal (the {@code ./dmarc} launcher
 * passes {@value #TERMINAL_PROPERTY}{@code =true} when it is). No library: the line is the whole bar.
 */
final class ImportProgress {

    /** Set by the launcher when file descriptor 2 is a terminal ({@code [ -t 2 ]}). */
    static final String TERMINAL_PROPERTY = "dmarc.stderrIsTerminal";
    private static final long INTERVAL_NANOS = 250_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private long lastShown;
    private boolean shown;

    ImportProgress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** Progress on {@code err} when stderr is a terminal, otherwise none. */
    static ImportProgress onTerminal(PrintWriter err) {
        return new ImportProgress(err, Boolean.getBoolean(TERMINAL_PROPERTY));
    }

    /**
     * Shows how far the import of {@code file} is: {@code position} of {@code size} bytes (a gzip file's
     * position counts decompressed bytes: then only the count is shown), {@code messages} read so far.
     */
    void update(String file, long position, long size, long messages) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (shown && now - lastShown < INTERVAL_NANOS) {
            return;
        }
        lastShown = now;
        shown = true;
        StringBuilder line = new StringBuilder("\r").append(file).append(' ');
        if (size > 0 && position <= size) {
            int percent = (int) (100 * position / size);
            int filled = (int) ((long) WIDTH * position / size);
            line.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                    .append(percent).append("% ");
        }
        line.append(messages).append(" messages");
        err.print(line);
        err.flush();
    }

    /** Ends the progress line (before warnings or the summary). */
    void clear() {
        if (enabled && shown) {
            err.print("\r\033[K");
            err.flush();
            shown = false;
        }
    }
}
