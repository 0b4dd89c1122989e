package org.jamesdmarc.store;

import java.util.Objects;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DiscoveryMode;

/**
 * A policy domain with counters in a period: the published policy of the latest message seen in the period
 * (RFC 9990 §2: a report notes "only the final configuration observed during the period"), how it was discovered,
 * and how many messages it had and how many passed DMARC (a domain with no passing mail may deserve no report).
 */
public record ReportPolicy(DomainName policyDomain, DiscoveryMode discoveryMode,
                           EvaluationRecord.PublishedPolicy published, long messages, long dmarcPass) {
    public ReportPolicy {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(discoveryMode, "discoveryMode");
        Objects.requireNonNull(published, "published");
    }
}
