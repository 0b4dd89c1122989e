package org.jamesdmarc.e2e;

/**
 * What the DMARC end-to-end tests share: facts about the sample configuration (its authserv-id and
 * quarantine repository), the SPF record their test zones publish with the client addresses it
 * passes and fails, and closing what a test class started (James, knotd, sinks, databases).
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

    /**
     * Closes each of {@code resources} that was started (not null), in the order given (James before the servers it
     * talks to); all of them even when one fails, whose exception is then thrown.
     */
    static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
