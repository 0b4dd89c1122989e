package org.jamesdmarc.check;

import java.util.Locale;

import org.jamesdmarc.policy.DmarcResult;

/**
 * The result of a check, as the {@code org.jamesdmarc.result} attribute, the metrics and the JSON give it:
 * the DMARC result (RFC 9989 §9.2 names), or why there is none.
 */
public enum CheckResult {
    PASS, FAIL, NONE, TEMPERROR, PERMERROR,
    /** Not evaluated on purpose: ignored host, authenticated client, ignored From domain. */
    SKIPPED;

    /**
     * The value written: the lower-case name ({@code pass}, ..., {@code skipped}). A From field we refuse
     * ({@code requiredHeaders}, {@code rejectMultiValueFrom}) is {@code permerror} with disposition {@code reject}:
     * one name for it in Authentication-Results, mail attributes, JSON and the docs.
     */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CheckResult of(DmarcResult result) {
        return switch (result) {
            case PASS -> PASS;
            case FAIL -> FAIL;
            case NONE -> NONE;
            case TEMPERROR -> TEMPERROR;
            case PERMERROR -> PERMERROR;
        };
    }
}
