package org.jamesdmarc.mail;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One parsed Authentication-Results field (RFC 8601 §2.2). {@code authservId} is kept as written
 * (compare it case-insensitively); an empty {@code results} list means {@code none}.
 */
public record AuthenticationResults(String authservId, Optional<String> version, List<MethodResult> results) {

    public AuthenticationResults {
        Objects.requireNonNull(authservId, "authservId");
        Objects.requireNonNull(version, "version");
        results = List.copyOf(results);
    }

    /** RFC 8601 §2.2 "none": no method was applied. */
    public boolean isNone() {
        return results.isEmpty();
    }
}
