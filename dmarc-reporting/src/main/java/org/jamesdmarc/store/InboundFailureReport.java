package org.jamesdmarc.store;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An inbound failure report (RFC 9991 §3, an RFC 6591 ARF {@code message/feedback-report} of Feedback-Type
 * {@code auth-failure}): its main fields. Text is cleaned and cut to its column; absent fields are empty.
 */
public record InboundFailureReport(Instant receivedAt, InboundOrigin origin, String reporter, String feedbackType,
                                   String authFailure, String policyDomain, String sourceIp,
                                   Optional<Instant> arrivalDate, Optional<String> originalMailFrom,
                                   Optional<String> originalRcptTo, Optional<String> deliveryResult,
                                   Optional<String> identityAlignment, Optional<String> dkimDomain,
                                   Optional<String> dkimSelector, Optional<String> spfDns,
                                   Optional<String> authResults, Optional<String> headerFrom,
                                   Optional<String> subject, String originalHeaders) {

    /** The reported headers are kept up to this many characters. */
    public static final int MAX_ORIGINAL_HEADERS = 64 * 1024;

    public InboundFailureReport {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(origin, "origin");
        reporter = Text.clean(Objects.requireNonNull(reporter, "reporter"), 256);
        feedbackType = Text.clean(Objects.requireNonNull(feedbackType, "feedbackType").toLowerCase(Locale.ROOT), 32);
        authFailure = Text.clean(Objects.requireNonNull(authFailure, "authFailure").toLowerCase(Locale.ROOT), 16);
        policyDomain = Text.clean(Objects.requireNonNull(policyDomain, "policyDomain").toLowerCase(Locale.ROOT), 253);
        sourceIp = Text.clean(Objects.requireNonNull(sourceIp, "sourceIp"), 45);
        Objects.requireNonNull(arrivalDate, "arrivalDate");
        originalMailFrom = clip(originalMailFrom, 256);
        originalRcptTo = clip(originalRcptTo, 256);
        deliveryResult = clip(deliveryResult, 16);
        identityAlignment = clip(identityAlignment, 32);
        dkimDomain = clip(dkimDomain, 253);
        dkimSelector = clip(dkimSelector, 255);
        spfDns = clip(spfDns, 1000);
        authResults = clip(authResults, 2000);
        headerFrom = clip(headerFrom, 253);
        subject = clip(subject, 1000);
        Objects.requireNonNull(originalHeaders, "originalHeaders");
        if (originalHeaders.length() > MAX_ORIGINAL_HEADERS) {
            originalHeaders = originalHeaders.substring(0, MAX_ORIGINAL_HEADERS);
        }
        originalHeaders = originalHeaders.replace('\0', '?');
    }

    /** The duplicate key: 128 bits of SHA-256 over the reporter, the machine-readable fields and the headers. */
    public String key() {
        return InboundReport.hash(reporter, feedbackType, authFailure, policyDomain, sourceIp,
                arrivalDate.map(Instant::toString).orElse(""), originalMailFrom.orElse(""), originalRcptTo.orElse(""),
                originalHeaders);
    }

    private static Optional<String> clip(Optional<String> s, int max) {
        return Objects.requireNonNull(s).map(v -> Text.clean(v, max));
    }
}
