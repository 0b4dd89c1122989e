package org.jamesdmarc.check;

import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;

/**
 * What {@link AuthenticationResultsWriter} writes of a DMARC evaluation: the result (RFC 8601 §2.7, RFC 9989
 * §9.2 result names), the policy the record requests and the disposition applied (in a comment, as OpenDMARC
 * writes them: {@code (p=reject dis=quarantine)}), the RFC5322.From domain, and an optional reason.
 *
 * <p>It carries the policy layer's enums, so every keyword written is one of theirs. That is why it and the
 * writer are in {@code check}, not in {@code auth} beside the SPF and DKIM results they also write: {@code auth}
 * sits below {@code policy} and may not import its types, and a copy of the same keywords in {@code auth} would
 * have to be kept in step with {@link DmarcResult}, {@link Policy} and {@link Disposition}.
 */
public record DmarcSummary(DmarcResult result, Optional<Policy> policy, Optional<Disposition> disposition,
        Optional<DomainName> fromDomain, Optional<String> reason) {

    public DmarcSummary {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(fromDomain, "fromDomain");
        Objects.requireNonNull(reason, "reason");
    }

    public static DmarcSummary of(DmarcResult result, Policy policy, Disposition disposition, DomainName fromDomain) {
        return new DmarcSummary(result, Optional.of(policy), Optional.of(disposition), Optional.of(fromDomain),
                Optional.empty());
    }
}
