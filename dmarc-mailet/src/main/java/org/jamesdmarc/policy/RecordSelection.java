package org.jamesdmarc.policy;

import java.util.Objects;

/**
 * Outcome of {@link RecordParser#select(java.util.List)}: which TXT record at a {@code _dmarc} name is the
 * DMARC Policy Record (RFC 9989 §4.10).
 */
public sealed interface RecordSelection {

    enum Reason {
        /** No TXT record starts with {@code v=DMARC1}. */
        NO_DMARC_RECORD,
        /** RFC 9989 §4.10: more than one record starts with {@code v=DMARC1}; all are discarded. */
        MULTIPLE_DMARC_RECORDS
    }

    /**
     * Exactly one record starts with {@code v=DMARC1}. Its parse result may still be
     * {@link RecordParseResult.Invalid} (e.g. MALFORMED), which callers treat as "no usable record".
     */
    record Selected(String text, RecordParseResult result) implements RecordSelection {
        public Selected {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(result, "result");
        }
    }

    /** No DMARC Policy Record at this name. */
    record NoRecord(Reason reason, int dmarcRecordCount) implements RecordSelection {
        public NoRecord {
            Objects.requireNonNull(reason, "reason");
        }

        public String message() {
            return switch (reason) {
                case NO_DMARC_RECORD -> "no DMARC record";
                case MULTIPLE_DMARC_RECORDS -> "multiple DMARC records (" + dmarcRecordCount + ")";
            };
        }
    }
}
