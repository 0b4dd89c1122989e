package org.jamesdmarc.auth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SPF and DKIM results taken from Authentication-Results fields written by trusted authentication
 * services, plus everything that was looked at and not used (for logging and reports).
 */
public record TrustedAuthResults(Optional<SpfOutcome> spf, List<DkimOutcome> dkim, List<IgnoredResult> ignored) {

    public TrustedAuthResults {
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
        ignored = List.copyOf(ignored);
    }
}
