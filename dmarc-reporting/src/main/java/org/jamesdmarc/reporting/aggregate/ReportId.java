package org.jamesdmarc.reporting.aggregate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import org.jamesdmarc.dns.DomainName;

/**
 * A report's Report-ID (RFC 9990 "Definition of Report-ID": {@code ridfmt = dot-atom-text ["@" dot-atom-text]}),
 * derived only from the receiver, the policy domain and the period, so a re-sent report carries the same one:
 * {@code <begin>.<end>.<policy-domain>@<receiver>}, e.g. {@code 1764547200.1764633599.example.com@mx.example.net}.
 *
 * @param value the Report-ID
 */
public record ReportId(String value) {

    public ReportId {
        Objects.requireNonNull(value, "value");
    }

    public static ReportId of(DomainName receiver, DomainName policyDomain, ReportPeriod period) {
        return new ReportId(period.beginSeconds() + "." + period.endSeconds() + "." + policyDomain.name() + "@"
                + receiver.name());
    }

    /**
     * The file name's optional {@code unique-id} ({@code 1*(ALPHA / DIGIT)}): 20 hex digits of SHA-256 over the
     * Report-ID, so stable across re-sends too.
     */
    public String uniqueId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The attachment's file name (RFC 9990 "Email"): {@code receiver!policy-domain!begin!end!unique-id.xml.gz}, or
     * {@code .xml} when not compressed.
     */
    public static String fileName(DomainName receiver, DomainName policyDomain, ReportPeriod period, boolean gzip) {
        ReportId id = of(receiver, policyDomain, period);
        return receiver.name() + "!" + policyDomain.name() + "!" + period.beginSeconds() + "!" + period.endSeconds()
                + "!" + id.uniqueId() + (gzip ? ".xml.gz" : ".xml");
    }
}
