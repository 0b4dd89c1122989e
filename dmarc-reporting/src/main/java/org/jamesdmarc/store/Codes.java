package org.jamesdmarc.store;

import java.util.Locale;
import java.util.function.Function;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.policy.PsdFlag;

/**
 * The stable text each enumeration is stored as: the RFC keyword where there is one, a fixed word otherwise.
 * Stored data outlives code, so a value's code never changes (a renamed Java constant keeps its code).
 */
final class Codes {

    private Codes() {
    }

    static String of(DiscoveryMode m) {
        return switch (m) {
            case TREEWALK -> "treewalk";
            case PSL -> "psl";
        };
    }

    static String of(PolicyDomainRole r) {
        return switch (r) {
            case AUTHOR_DOMAIN -> "author";
            case ORGANIZATIONAL_DOMAIN -> "org";
            case PUBLIC_SUFFIX_DOMAIN -> "psd";
        };
    }

    static String of(AlignmentStatus s) {
        return switch (s) {
            case ALIGNED -> "aligned";
            case NOT_ALIGNED -> "not_aligned";
            case TEMPERROR -> "temperror";
            case NOT_CHECKED -> "not_checked";
        };
    }

    static String of(Policy p) {
        return p.tagValue();
    }

    static String of(PsdFlag f) {
        return f.tagValue();
    }

    static String of(AlignmentMode m) {
        return m.tagValue();
    }

    static String of(AppliedPolicyTag t) {
        return t.tagName();
    }

    static String of(DmarcResult r) {
        return r.keyword();
    }

    static String of(Disposition d) {
        return d.reportValue();
    }

    static String of(ActionTaken a) {
        return a.keyword();
    }

    static String of(PolicyOverride o) {
        return o.reportValue();
    }

    static String of(SpfScope s) {
        return s.keyword();
    }

    static String of(SpfResult r) {
        return r.keyword();
    }

    static String of(DkimResult r) {
        return r.keyword();
    }

    /**
     * The code of a constant of our own enumerations stored as their lower-case name (report ledger states, failure
     * report outcomes, report dispositions).
     */
    static String lowerName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} whose code (by {@code code}) is {@code text}. */
    static <E extends Enum<E>> E parse(Class<E> type, Function<E, String> code, String text) {
        for (E e : type.getEnumConstants()) {
            if (code.apply(e).equals(text)) {
                return e;
            }
        }
        throw new StoreException("the history database holds an unknown " + type.getSimpleName() + " code '" + text
                + "': written by a newer James DMARC?");
    }
}
