package org.jamesdmarc.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * Keeps the first SPF record one check retrieves for the checked domain itself (not those of {@code include:} or
 * {@code redirect=} targets): the record check_host() evaluated (RFC 7208 §4.5). Used by one thread at a time.
 */
final class SpfRecordCapture {

    private final String domain;
    private String record;

    /** A capture for the checked {@code domain} (an A-label name, no trailing dot). */
    SpfRecordCapture(String domain) {
        this.domain = normalize(domain);
    }

    /** Notes {@code spfRecord}, retrieved at {@code name}, when it is the checked domain's and the first one. */
    void retrieved(String name, String spfRecord) {
        if (record == null && normalize(name).equals(domain)) {
            record = spfRecord;
        }
    }

    Optional<String> record() {
        return Optional.ofNullable(record);
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
