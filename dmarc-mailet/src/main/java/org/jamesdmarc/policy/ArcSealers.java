package org.jamesdmarc.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.dns.DomainName;

/**
 * The ARC sealers an administrator trusts (RFC 8617 §7.2: a receiver's local policy may rely on the results a
 * sealer it trusts recorded): forwarders ({@code trustedArcSealers}, override reason {@code trusted_forwarder}) and
 * mailing lists ({@code arcListSealers}, {@code mailing_list}). A sealer is named by the exact {@code d=} of its
 * ARC-Seal.
 */
public record ArcSealers(Set<DomainName> forwarders, Set<DomainName> lists) {

    /** No sealer trusted: ARC never changes a disposition. */
    public static final ArcSealers NONE = new ArcSealers(Set.of(), Set.of());

    public ArcSealers {
        forwarders = Set.copyOf(forwarders);
        lists = Set.copyOf(lists);
    }

    public boolean isEmpty() {
        return forwarders.isEmpty() && lists.isEmpty();
    }

    /** The override a trusted {@code sealer} gives (a list wins when named in both), or empty when not trusted. */
    public Optional<PolicyOverride> overrideFor(DomainName sealer) {
        Objects.requireNonNull(sealer, "sealer");
        if (lists.contains(sealer)) {
            return Optional.of(PolicyOverride.MAILING_LIST);
        }
        return forwarders.contains(sealer) ? Optional.of(PolicyOverride.TRUSTED_FORWARDER) : Optional.empty();
    }
}
