package org.jamesdmarc.reporting.ingest;

import java.io.IOException;

/**
 * A report refused, with the reason an admin reads ("not well-formed XML at line 3: ...", "decompressed past 4 GB").
 * An {@link IOException} so that it passes through the streams and the XML reader that wrap the report.
 */
public final class IngestRefusal extends IOException {
    private static final long serialVersionUID = 1L;

    public IngestRefusal(String reason) {
        super(reason);
    }

    /** The reason. */
    public String reason() {
        return getMessage();
    }

    /** The refusal somewhere in {@code t}'s causes (the XML reader wraps what the stream threw), if any. */
    static java.util.Optional<IngestRefusal> in(Throwable t) {
        for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
            if (t instanceof IngestRefusal r) {
                return java.util.Optional.of(r);
            }
            if (t instanceof javax.xml.stream.XMLStreamException x && x.getNestedException() != null
                    && x.getNestedException() != t.getCause()) {
                java.util.Optional<IngestRefusal> nested = in(x.getNestedException());
                if (nested.isPresent()) {
                    return nested;
                }
            }
        }
        return java.util.Optional.empty();
    }
}
