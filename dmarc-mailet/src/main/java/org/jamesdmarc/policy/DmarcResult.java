package org.jamesdmarc.policy;

import java.util.Locale;

/** The DMARC result (RFC 8601 §2.7.x / RFC 9989 §9.2 result names). */
public enum DmarcResult {
    PASS, FAIL, NONE, TEMPERROR, PERMERROR;

    /** The name used in Authentication-Results. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
