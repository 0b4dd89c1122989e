package org.jamesdmarc.auth.arc;

import java.util.Locale;

/**
 * RFC 8617 §4.4 chain validation status, the values of the {@code cv=} tag and of the {@code arc} method in
 * Authentication-Results (§10.2).
 */
public enum ArcResult {
    /** §4.4: no ARC set in the message. */
    NONE,
    /** §5.2 step 7: every rule held and every seal and the latest message signature verified. */
    PASS,
    /** §5.2: a structure rule broken, or a seal or the latest message signature did not verify. */
    FAIL,
    /**
     * Not a §4.4 chain status: a key could not be fetched for now (DNS temporary failure, RFC 6376 §6.1.2 as for DKIM)
     * and nothing else failed. Never a pass, so it never earns an override; never written as {@code cv=} (a sealer
     * adds no set on it, see {@code ArcSigner}); written as {@code arc=temperror} in Authentication-Results (RFC 8601
     * §2.7's keyword for a transient error; RFC 8617 registers only none, pass and fail for {@code arc}).
     */
    TEMPERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
