package org.jamesdmarc.check;

/** Where an SPF or DKIM result came from. */
public enum ResultSource {
    /** We checked it ourselves. */
    SELF,
    /** A trusted upstream Authentication-Results field (trustedAuthservIds). */
    TRUSTED_AUTHENTICATION_RESULTS,
    /** The topmost Received-SPF field of a trusted relay (CVE-2019-20790 rules). */
    TRUSTED_RECEIVED_SPF,
    /** Not available: self-validation disabled and nothing trusted upstream. */
    UNAVAILABLE
}
