package org.jamesdmarc.policy;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * One entry of a {@code rua} or {@code ruf} list (RFC 9989 §4.8 dmarc-uri). The RFC 7489 size limit
 * suffix ({@code !10m}, obs-dmarc-report-size) is kept as written so legacy reporting can honour it.
 *
 * @param uri             the URI without the size suffix, as published
 * @param legacySizeLimit the {@code !size} suffix without the {@code !}, when present
 */
public record ReportUri(String uri, Optional<String> legacySizeLimit) {

    public ReportUri {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(legacySizeLimit, "legacySizeLimit");
    }

    public static ReportUri of(String uri) {
        return new ReportUri(uri, Optional.empty());
    }

    public boolean isMailto() {
        return uri.regionMatches(true, 0, "mailto:", 0, 7);
    }

    /**
     * For a {@code mailto:} URI, the domain of the (first) address (a single label allowed); empty for other
     * URIs and when the address has no domain name.
     */
    public Optional<DomainName> mailtoDomain() {
        if (!isMailto()) {
            return Optional.empty();
        }
        String rest = uri.substring(7);
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        int comma = rest.indexOf(',');
        if (comma >= 0) {
            rest = rest.substring(0, comma);
        }
        int at = rest.lastIndexOf('@');
        if (at < 0 || at == rest.length() - 1) {
            return Optional.empty();
        }
        return DomainName.parse(rest.substring(at + 1), true);
    }

    /** The URI as it would be written in a record, with the legacy suffix if any. */
    @Override
    public String toString() {
        return legacySizeLimit.map(s -> uri + "!" + s).orElse(uri);
    }
}
