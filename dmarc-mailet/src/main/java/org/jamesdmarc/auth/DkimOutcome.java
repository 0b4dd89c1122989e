package org.jamesdmarc.auth;

import java.util.Objects;

/** The verification of one DKIM-Signature: result, signing domain {@code d=} (lower-case A-label), selector, a short reason. */
public record DkimOutcome(DkimResult result, String domain, String selector, String reason) {

    public DkimOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(reason, "reason");
    }
}
