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
    FAIL;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
