package org.jamesdmarc.reporting.ingest;

/** What became of one report (a file, or one attachment or failure report of a mail). */
public sealed interface IngestOutcome {

    /** An aggregate report stored: its id, records and messages (the sum of its counts). */
    record Stored(String id, long records, long messages) implements IngestOutcome {
    }

    /** An aggregate report stored already (same organisation, report id, domain and date range): nothing written. */
    record Duplicate(String id) implements IngestOutcome {
    }

    /** A failure report (RFC 9991) stored. */
    record FailureStored(String id) implements IngestOutcome {
    }

    /** A failure report stored already. */
    record FailureDuplicate(String id) implements IngestOutcome {
    }

    /** Refused, and kept aside with the reason; {@code name} says which file or attachment. */
    record Rejected(String name, String reason) implements IngestOutcome {
    }
}
