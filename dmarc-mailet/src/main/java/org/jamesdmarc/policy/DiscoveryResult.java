package org.jamesdmarc.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DomainName;

/**
 * What policy discovery found for one Author Domain.
 *
 * @param status               FOUND, NONE, TEMPERROR or PERMERROR
 * @param mode                 the discovery mode used
 * @param authorDomain         the Author Domain; empty only for a PERMERROR because the text given was not a
 *                             domain name ({@link DiscoveryWarning.Code#INVALID_DOMAIN})
 * @param policyDomain         where the applied record was published (RFC 9989 §3.2.5), when FOUND
 * @param policyDomainRole     whether that is the Author, Organizational or Public Suffix Domain
 * @param organizationalDomain the Author Domain's Organizational Domain (RFC 9989 §4.10.2 or
 *                             RFC 7489 §3.2), known unless TEMPERROR/PERMERROR
 * @param record               the applied DMARC Policy Record, when FOUND
 * @param recordWarnings       the parser's warnings for that record
 * @param dnsLookups           DNS queries this discovery sent (cache hits excluded)
 * @param queriedNames         the {@code _dmarc} names the discovery looked at, in order
 * @param warnings             what else was noticed (multiple records, skipped labels, ...)
 */
public record DiscoveryResult(
        DiscoveryStatus status,
        DiscoveryMode mode,
        Optional<DomainName> authorDomain,
        Optional<DomainName> policyDomain,
        Optional<PolicyDomainRole> policyDomainRole,
        Optional<DomainName> organizationalDomain,
        Optional<DmarcRecord> record,
        List<RecordWarning> recordWarnings,
        int dnsLookups,
        List<String> queriedNames,
        List<DiscoveryWarning> warnings) {

    public DiscoveryResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(authorDomain, "authorDomain");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(policyDomainRole, "policyDomainRole");
        Objects.requireNonNull(organizationalDomain, "organizationalDomain");
        Objects.requireNonNull(record, "record");
        recordWarnings = List.copyOf(recordWarnings);
        // DmarcNames is already an unmodifiable copy, which makes its names when read.
        queriedNames = queriedNames instanceof DmarcNames ? queriedNames : List.copyOf(queriedNames);
        warnings = List.copyOf(warnings);
        if (status == DiscoveryStatus.FOUND && (record.isEmpty() || policyDomain.isEmpty() || policyDomainRole.isEmpty())) {
            throw new IllegalArgumentException("FOUND needs a record, a policy domain and its role");
        }
        if (authorDomain.isEmpty() && status != DiscoveryStatus.PERMERROR) {
            throw new IllegalArgumentException("only a PERMERROR can lack the Author Domain");
        }
    }

    public boolean found() {
        return status == DiscoveryStatus.FOUND;
    }
}
