package org.jamesdmarc.james;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.MessageContext;

/**
 * The DMARC check the adapter tests give {@link DmarcCheck} and {@link DmarcMessageHook} in place of the real one: it
 * answers the outcome the test chose and keeps every message context it was asked about, in order.
 */
final class RecordingChecker {

    private final List<MessageContext> seen = new ArrayList<>();

    /** A check that records the context it is given and answers {@code outcome}. */
    Function<MessageContext, CheckOutcome> answering(CheckOutcome outcome) {
        return ctx -> {
            seen.add(ctx);
            return outcome;
        };
    }

    /** The contexts the checks of {@link #answering} were asked about, oldest first. */
    List<MessageContext> seen() {
        return seen;
    }
}
