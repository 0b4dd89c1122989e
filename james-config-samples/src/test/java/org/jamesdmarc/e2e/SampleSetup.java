package org.jamesdmarc.e2e;

/**
 * What the DMARC end-to-end tests share: facts about the sample configuration (its authserv-id and
 * quarantine repository) and the SPF record their test zones publish with the client addresses it
 * passes and fails.
 */
final class SampleSetup {

    /** The authserv-id the sample configuration puts in Authentication-Results. */
    static final String AUTHSERV_ID = "mx.james.local";
    /** The repository the sample configuration moves quarantined mail to. */
    static final String QUARANTINE = "var/mail/dmarc-quarantine";
    /** The SPF record of the test zones: only {@link #GOOD_IP} may send. */
    static final String SPF = "v=spf1 ip4:127.0.0.2 -all";
    /** A client address {@link #SPF} passes. */
    static final String GOOD_IP = "127.0.0.2";
    /** A client address {@link #SPF} fails. */
    static final String BAD_IP = "127.0.0.3";

    private SampleSetup() {
    }
}
