package org.jamesdmarc.reporting.failure;

/** What of the failed message a failure report carries (RFC 6591 §3.3, RFC 9991 appendix A). */
public enum AttachedContent {
    /** The header section only, as {@code text/rfc822-headers} (RFC 6522): the default. */
    HEADERS,
    /** The whole message, as {@code message/rfc822}: the body is sent as received, not redacted. */
    MESSAGE
}
