package org.jamesdmarc.auth;

import java.util.Locale;
import java.util.Optional;

/** RFC 8601 §2.7.1 DKIM results. */
public enum DkimResult {
    NONE, PASS, FAIL, POLICY, NEUTRAL, TEMPERROR, PERMERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DkimResult> fromKeyword(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (DkimResult r : values()) {
            if (r.keyword().equals(k)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
