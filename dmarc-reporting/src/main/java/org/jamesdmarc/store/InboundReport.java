package org.jamesdmarc.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The metadata of an inbound aggregate report: {@code report_metadata} and {@code policy_published} (RFC 9990 §2.1,
 * RFC 7489 Appendix C), with how and when it came in. Text is cleaned and cut to its column.
 */
public record InboundReport(String orgName, String email, Optional<String> extraContact, String reportId,
                            String policyDomain, Instant begin, Instant end, InboundFormat format, InboundPolicy policy,
                            InboundOrigin origin, Instant receivedAt) {

    public static final int MAX_ORG_NAME = 256;
    public static final int MAX_EMAIL = 256;
    public static final int MAX_REPORT_ID = 512;
    public static final int MAX_DOMAIN = 253;

    public InboundReport {
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(extraContact, "extraContact");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(receivedAt, "receivedAt");
        orgName = Text.clean(orgName, MAX_ORG_NAME);
        email = Text.clean(email, MAX_EMAIL);
        extraContact = extraContact.map(e -> Text.clean(e, 1000));
        reportId = Text.clean(reportId, MAX_REPORT_ID);
        policyDomain = Text.clean(policyDomain.toLowerCase(Locale.ROOT), MAX_DOMAIN);
    }

    /**
     * The duplicate key and id: 128 bits of SHA-256 (32 hex digits) over the organisation, the report id, the policy
     * domain and the date range. The same report received twice (two rua addresses, a re-send) has the same key.
     */
    public String key() {
        return hash(orgName, reportId, policyDomain, Long.toString(begin.getEpochSecond()),
                Long.toString(end.getEpochSecond()));
    }

    /** The UTC day (epoch seconds of its midnight) that the dashboard's day buckets count this report in. */
    public long dayStart() {
        return Math.floorDiv(begin.getEpochSecond(), 86_400L) * 86_400L;
    }

    static String hash(String... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                d.update(p.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
