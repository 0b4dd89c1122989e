package org.jamesdmarc.reporting.failure;

import java.util.Objects;

/**
 * How failure reports are written.
 *
 * @param content          the header section only (default) or the whole message
 * @param redactLocalParts whether the sender's addresses (From, Sender, Reply-To, Return-Path, Resent-From,
 *                         Resent-Sender, Original-Mail-From) are redacted too (default); other addresses always are
 * @param userAgent        the ARF {@code User-Agent} value ({@code name/version}, RFC 5965 §3.1)
 */
public record FailureReportOptions(AttachedContent content, boolean redactLocalParts, String userAgent) {
    public FailureReportOptions {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(userAgent, "userAgent");
        if (!userAgent.chars().allMatch(c -> c > 0x20 && c < 0x7f || c == ' ') || userAgent.isBlank()) {
            throw new IllegalArgumentException("User-Agent must be printable ASCII: " + userAgent);
        }
    }

    /** Headers only, every local part redacted, {@code JamesDMARC/<version>}. */
    public static FailureReportOptions defaults() {
        String version = FailureReportOptions.class.getPackage().getImplementationVersion();
        return new FailureReportOptions(AttachedContent.HEADERS, true,
                "JamesDMARC/" + (version == null ? "dev" : version.replace(' ', '-')));
    }
}
