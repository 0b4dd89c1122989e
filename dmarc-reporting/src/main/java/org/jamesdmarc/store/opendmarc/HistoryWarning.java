package org.jamesdmarc.store.opendmarc;

import java.util.Objects;

/**
 * A problem met while reading a history file, and what the reader did about it.
 *
 * @param line   the 1-based line number it concerns
 * @param kind   what was wrong
 * @param effect what the reader did
 * @param jobId  the job id of the entry it concerns, empty outside any entry or before its {@code job} line
 * @param detail a short human-readable explanation (bounded length; never the whole offending line)
 */
public record HistoryWarning(long line, Kind kind, Effect effect, String jobId, String detail) {

    public HistoryWarning {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(effect);
        Objects.requireNonNull(jobId);
        Objects.requireNonNull(detail);
    }

    /** What was wrong. */
    public enum Kind {
        /** Lines before the first {@code job} line (one warning per run of such lines). */
        OUTSIDE_ENTRY,
        /** A line longer than {@link HistoryReadLimits#maxLineBytes()}. */
        LINE_TOO_LONG,
        /**
         * An entry of more than {@link HistoryReadLimits#maxLinesPerEntry()} lines or
         * {@link HistoryReadLimits#maxEntryBytes()} bytes.
         */
        ENTRY_TOO_LONG,
        /** A line with a control character (NUL, binary junk) other than tab and a final carriage return. */
        CONTROL_CHARACTER,
        /** A number that is not one, or out of range. */
        BAD_NUMBER,
        /** A number that is not in the code table OpenDMARC 1.4.x writes for that line type. */
        UNKNOWN_CODE,
        /** A line missing its value, or with a value of the wrong shape. */
        BAD_VALUE,
        /** An entry that ended without a line OpenDMARC 1.4.x always writes (e.g. truncated at the file's end). */
        MISSING_LINE,
        /** A line type OpenDMARC 1.4.2 does not write. */
        UNKNOWN_KEY,
        /** A job id seen earlier in the same file for the same reporter. */
        DUPLICATE_JOB_ID,
        /**
         * A line type OpenDMARC writes once per message appeared twice in one entry: two entries run together
         * (a lost {@code job} line), so the entry is skipped. ({@code spf}, {@code dkim} and {@code rua} may repeat.)
         */
        REPEATED_LINE,
        /** The {@code arc_policy} line's JSON list could not be decoded. */
        BAD_ARC_JSON,
        /** A gzip-compressed file is corrupt or cut short: reading ends there (the entry it cuts is skipped). */
        CORRUPT_COMPRESSION
    }

    /** What the reader did. */
    public enum Effect {
        /** The whole entry was left out; reading went on with the next {@code job} line. */
        ENTRY_SKIPPED,
        /** The line was left out; the entry was kept. */
        LINE_IGNORED,
        /** Nothing was left out (the entry is returned as read). */
        NOTED
    }
}
