package org.jamesdmarc.policy;

/**
 * Parses DMARC Policy Records (RFC 9989 §4.7–4.8; RFC 7489 §6.3 tags kept).
 * PLACEHOLDER: the implementation lands with issue 2's parser work.
 */
public final class RecordParser {

    private RecordParser() {
    }

    /**
     * Parses one record: the TXT strings of one resource record already concatenated.
     * Never throws; bad input gives {@link RecordParseResult.Invalid}.
     */
    public static RecordParseResult parse(String txt) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
