package org.jamesdmarc.auth;

import java.util.Locale;
import java.util.Optional;

/** RFC 7208 §2.6 results, with the names used in Authentication-Results (RFC 8601 §2.7.2). */
public enum SpfResult {
    NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SpfResult> fromKeyword(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String k = s.trim().toLowerCase(Locale.ROOT);
        // RFC 7208 §2.6: "hardfail" is sometimes seen for fail in older headers.
        if (k.equals("hardfail")) {
            return Optional.of(FAIL);
        }
        for (SpfResult r : values()) {
            if (r.keyword().equals(k)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
