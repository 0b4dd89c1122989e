package org.jamesdmarc.auth;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link AuthenticationResultsWriter} needs of a DMARC evaluation, as plain keywords for now:
 * result (RFC 8601 §2.7.x dmarc results: pass, fail, none, temperror, permerror), the published policy
 * and the disposition applied (none, quarantine, reject), the RFC5322.From domain, and an optional reason.
 * Keywords are lower-cased; a non-keyword is a programming error ({@link IllegalArgumentException}).
 */
public record DmarcSummary(String result, Optional<String> policy, Optional<String> disposition,
        Optional<String> fromDomain, Optional<String> reason) {

    public DmarcSummary {
        result = keyword(result, "result");
        policy = Objects.requireNonNull(policy, "policy").map(p -> keyword(p, "policy"));
        disposition = Objects.requireNonNull(disposition, "disposition").map(d -> keyword(d, "disposition"));
        Objects.requireNonNull(fromDomain, "fromDomain");
        Objects.requireNonNull(reason, "reason");
    }

    public static DmarcSummary of(String result, String policy, String disposition, String fromDomain) {
        return new DmarcSummary(result, Optional.of(policy), Optional.of(disposition), Optional.of(fromDomain),
                Optional.empty());
    }

    private static String keyword(String s, String what) {
        Objects.requireNonNull(s, what);
        String k = s.strip().toLowerCase(Locale.ROOT);
        if (k.isEmpty() || !k.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
                || k.endsWith("-")) {
            throw new IllegalArgumentException(what + " is not an RFC 8601 keyword: " + s);
        }
        return k;
    }
}
