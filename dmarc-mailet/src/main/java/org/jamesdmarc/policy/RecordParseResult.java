package org.jamesdmarc.policy;

import java.util.List;

/** Outcome of {@link RecordParser#parse(String)}: a record with warnings, or a syntax error. */
public sealed interface RecordParseResult {

    record Valid(DmarcRecord record, List<RecordWarning> warnings) implements RecordParseResult {
        public Valid {
            warnings = List.copyOf(warnings);
        }
    }

    record Invalid(RecordSyntaxError error) implements RecordParseResult {
    }

    default boolean isValid() {
        return this instanceof Valid;
    }
}
