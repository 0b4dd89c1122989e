package org.jamesdmarc.james;

/** The version written in the {@code DMARC-Filter} header: the jar manifest's Implementation-Version, else "dev". */
final class SoftwareVersion {

    static final String HEADER = "DMARC-Filter";

    private SoftwareVersion() {
    }

    static String version() {
        Package p = SoftwareVersion.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    /** OpenDMARC's SoftwareHeader equivalent: {@code James DMARC v<version>}. */
    static String headerValue() {
        return "James DMARC v" + version();
    }
}
