package org.jamesdmarc.reporting.ingest;

/**
 * The bounds an inbound report must keep, so that a hostile or broken one costs bounded work and memory: the size
 * as received (compressed), the size of its XML once decompressed, the decompression ratio past the first
 * {@link #RATIO_GRACE_BYTES} (a bomb inflates about a thousandfold, report XML some ten- to a hundredfold), the records
 * per report, the characters of one field, the MIME parts of a mail.
 */
public record IngestLimits(long maxCompressedBytes, long maxXmlBytes, long maxRatio, long maxRecords,
                           int maxFieldChars, int maxParts) {

    /** The ratio is checked once this much XML was produced. */
    public static final long RATIO_GRACE_BYTES = 16L * 1024 * 1024;

    public IngestLimits {
        if (maxCompressedBytes < 1 || maxXmlBytes < 1 || maxRatio < 1 || maxRecords < 1 || maxFieldChars < 16
                || maxParts < 1) {
            throw new IllegalArgumentException("ingest limits must be positive");
        }
    }

    /**
     * 200 MB as received, 4 GB of XML (a 1,000,000-record report is about 0.5 GB), a ratio of 250, 10,000,000
     * records, 4,096 characters per field, 200 MIME parts.
     */
    public static IngestLimits defaults() {
        return new IngestLimits(200L * 1024 * 1024, 4L * 1024 * 1024 * 1024, 250, 10_000_000, 4096, 200);
    }
}
