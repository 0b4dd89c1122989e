package org.jamesdmarc.reporting.failure;

import org.jamesdmarc.reporting.delivery.HandOff;

/**
 * Where a failure report goes: inside James the mailet context, with the report marker attribute (no report is ever
 * about report mail). Must not throw for a delivery problem: it answers with a {@link HandOff}. Thread-safe.
 */
@FunctionalInterface
public interface FailureReportOutbound {

    HandOff handOff(FailureReportMessage message);
}
