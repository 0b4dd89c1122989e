package org.jamesdmarc.policy;

import java.util.List;

/** What {@link RecordParser#parse(String)} gives: the record with warnings, or a syntax error. */
public sealed interface RecordParseResult {

    record Parsed(DmarcRecord record, List<RecordWarning> warnings) implements RecordParseResult {
        public Parsed {
            warnings = List.copyOf(warnings);
        }
    }

    record Invalid(RecordSyntaxError error) implements RecordParseResult {
    }

    default boolean isParsed() {
        return this instanceof Parsed;
    }
}
