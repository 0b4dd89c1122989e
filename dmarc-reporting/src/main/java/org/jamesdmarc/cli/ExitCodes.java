package org.jamesdmarc.cli;

/**
 * Exit codes of the {@code dmarc} command (listed in {@code dmarc --help}). Scripts can rely on them.
 */
public final class ExitCodes {

    /**
     * Success: the record is valid, was generated, {@code check} found a DMARC policy, or {@code evaluate}
     * completed an evaluation (DMARC pass, fail or none).
     */
    public static final int OK = 0;
    /** {@code check}: no DMARC policy applies to the domain (result {@code none}). */
    public static final int NO_POLICY = 1;
    /** Invalid input: an invalid record, option or combination, a bad domain, {@code --ip} or {@code --dns} value. */
    public static final int INVALID = 2;
    /** {@code check}, {@code evaluate}: a DNS query failed temporarily (result {@code temperror}); try again later. */
    public static final int TEMPERROR = 3;
    /** {@code check}, {@code evaluate}: permanent error (result {@code permerror}; for {@code evaluate} also no usable From field). */
    public static final int PERMERROR = 4;
    /** An unexpected internal error (a bug: please report it with the stack trace). */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
