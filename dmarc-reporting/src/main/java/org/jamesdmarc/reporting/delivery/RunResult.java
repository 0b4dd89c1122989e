package org.jamesdmarc.reporting.delivery;

import java.util.Objects;

/**
 * What one run did.
 *
 * @param outcome   whether it ran, found another runner holding the lock, or lost the lock on the way
 * @param planned   ledger rows planned (new pending and suppressed rows)
 * @param handedOff reports handed to the outbound path
 * @param deferred  temporary failures (tried again later)
 * @param failed    permanent failures
 * @param suppressed rows suppressed (planned so, or refused by the external destination check)
 * @param leftForNextRun due rows not tried because of {@code report.maxPerRun} or {@code report.maxPerDestination}
 */
public record RunResult(Outcome outcome, long planned, long handedOff, long deferred, long failed, long suppressed,
                        long leftForNextRun) {

    public RunResult {
        Objects.requireNonNull(outcome, "outcome");
    }

    /** How a run ended. */
    public enum Outcome {
        /** It ran to the end (caps may have left rows for the next run). */
        COMPLETED,
        /** Another runner holds the lock: nothing done. */
        LOCKED_ELSEWHERE,
        /** The lock's connection died during the run: it stopped before the next hand-off. */
        LOCK_LOST
    }

    static RunResult lockedElsewhere() {
        return new RunResult(Outcome.LOCKED_ELSEWHERE, 0, 0, 0, 0, 0, 0);
    }
}
