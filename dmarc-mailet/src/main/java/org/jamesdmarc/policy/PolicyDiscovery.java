package org.jamesdmarc.policy;

import org.jamesdmarc.dns.DomainName;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DnsClient;

/**
 * Finds the DMARC Policy Record that applies to an Author Domain, and Organizational Domains, by
 * the RFC 9989 §4.10 DNS Tree Walk ({@link DiscoveryMode#TREEWALK}) or the RFC 7489 §6.6.3 /
 * §3.2 Public Suffix List method ({@link DiscoveryMode#PSL}). Thread-safe; DNS answers are only
 * shared within one {@link DmarcRecordLookup}.
 *
 * <p>Temporary DNS failures (RFC 9989 §4.10.1 leaves their handling to the receiver; we choose
 * answers that can never cause a wrong reject): a failure of the Author Domain's own
 * {@code _dmarc} query is a TEMPERROR. A failure higher up the tree is a TEMPERROR too when the
 * Author Domain has no record, because the record above could carry {@code psd} or be the
 * Organizational Domain's policy. When the Author Domain has its own record, that record is the
 * policy regardless; the result is FOUND with the Organizational Domain left empty (relaxed
 * alignment checks that need it then give temperror).
 */
public final class PolicyDiscovery {

    private final DnsClient dns;
    private final DiscoveryMode mode;
    private final PublicSuffixList psl;

    /**
     * @param psl the list for {@link DiscoveryMode#PSL}; the bundled list when empty. Unused in
     *            tree-walk mode.
     */
    public PolicyDiscovery(DnsClient dns, DiscoveryMode mode, Optional<PublicSuffixList> psl) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.mode = Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(psl, "psl");
        this.psl = mode == DiscoveryMode.PSL ? psl.orElseGet(PublicSuffixList::bundled) : psl.orElse(null);
    }

    public DiscoveryMode mode() {
        return mode;
    }

    /** A fresh per-evaluation lookup cache using this discovery's DNS client. */
    public DmarcRecordLookup newLookup() {
        return new DmarcRecordLookup(dns);
    }

    /** Discovers the policy with a fresh lookup cache. */
    public DiscoveryResult discover(String authorDomain) {
        return discover(authorDomain, newLookup());
    }

    /** Discovers the policy, sharing {@code lookup}'s answers (one evaluation). */
    public DiscoveryResult discover(String authorDomain, DmarcRecordLookup lookup) {
        Optional<String> normalized = DomainName.normalize(authorDomain == null ? "" : authorDomain, true);
        if (normalized.isEmpty()) {
            String shown = authorDomain == null ? "" : authorDomain;
            return new DiscoveryResult(DiscoveryStatus.PERMERROR, mode, shown, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), List.of(), 0, List.of(),
                    List.of(new DiscoveryWarning(DiscoveryWarning.Code.INVALID_DOMAIN, shown,
                            "not a valid domain name")));
        }
        int before = lookup.queries();
        return mode == DiscoveryMode.TREEWALK
                ? discoverByTreeWalk(normalized.get(), lookup, before)
                : discoverByPsl(normalized.get(), lookup, before);
    }

    private DiscoveryResult discoverByTreeWalk(String author, DmarcRecordLookup lookup, int before) {
        TreeWalk.Result walk = TreeWalk.walk(author, lookup);
        List<DiscoveryWarning> warnings = new ArrayList<>();
        addAbsentWarnings(walk.absent(), warnings);
        if (walk.shortened()) {
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.NAME_SHORTENED, author,
                    "more than 8 labels: the walk continued at _dmarc." + TreeWalk.lastLabels(author, TreeWalk.SHORTENED_LABELS)));
        }
        int lookups = lookup.queries() - before;
        List<String> names = walk.targets().stream().map(t -> "_dmarc." + t).toList();
        if (walk.tempFail().isPresent()) {
            DmarcRecordLookup.TempFail tf = walk.tempFail().get();
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.DNS_TEMPFAIL, tf.domain(),
                    "_dmarc." + tf.domain() + ": " + tf.detail()));
            Optional<DmarcRecordLookup.Found> own = walk.recordAt(author);
            if (own.isPresent()) {
                // RFC 9989 §4.10.1: a record at the Author Domain is the one applied whatever lies
                // above, so the policy is known; only the Organizational Domain (for relaxed
                // alignment) stays unknown, and alignment checks needing it give temperror.
                DmarcRecordLookup.Found f = own.get();
                return new DiscoveryResult(DiscoveryStatus.FOUND, mode, author, Optional.of(author),
                        Optional.of(PolicyDomainRole.AUTHOR_DOMAIN), Optional.empty(), Optional.of(f.record()),
                        f.warnings(), lookups, names, warnings);
            }
            return new DiscoveryResult(DiscoveryStatus.TEMPERROR, mode, author, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), List.of(), lookups, names, warnings);
        }
        String orgDomain = walk.organizationalDomain();
        // RFC 9989 §4.10.1: the record of the Author Domain, else of its Organizational Domain,
        // else of its Public Suffix Domain.
        Optional<DmarcRecordLookup.Found> applied;
        PolicyDomainRole role;
        Optional<DmarcRecordLookup.Found> atAuthor = walk.recordAt(author);
        Optional<DmarcRecordLookup.Found> atOrg = walk.recordAt(orgDomain);
        if (atAuthor.isPresent()) {
            applied = atAuthor;
            role = PolicyDomainRole.AUTHOR_DOMAIN;
        } else if (atOrg.isPresent()) {
            applied = atOrg;
            role = PolicyDomainRole.ORGANIZATIONAL_DOMAIN;
        } else {
            applied = walk.publicSuffixRecord();
            role = PolicyDomainRole.PUBLIC_SUFFIX_DOMAIN;
        }
        if (applied.isEmpty()) {
            // RFC 9989 §4.10.1: no DMARC Policy Record: the DMARC mechanism MUST NOT be applied.
            return new DiscoveryResult(DiscoveryStatus.NONE, mode, author, Optional.empty(), Optional.empty(),
                    Optional.of(orgDomain), Optional.empty(), List.of(), lookups, names, warnings);
        }
        for (DmarcRecordLookup.Found f : walk.records()) {
            if (f != applied.get()) {
                warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.INTERMEDIATE_RECORD_IGNORED, f.domain(),
                        "record at _dmarc." + f.domain() + " is not the policy record (policy domain "
                                + applied.get().domain() + ", organizational domain " + orgDomain + ")"));
            }
        }
        DmarcRecordLookup.Found f = applied.get();
        return new DiscoveryResult(DiscoveryStatus.FOUND, mode, author, Optional.of(f.domain()), Optional.of(role),
                Optional.of(orgDomain), Optional.of(f.record()), f.warnings(), lookups, names, warnings);
    }

    private DiscoveryResult discoverByPsl(String author, DmarcRecordLookup lookup, int before) {
        List<DiscoveryWarning> warnings = new ArrayList<>();
        List<String> names = new ArrayList<>(2);
        String orgDomain = pslOrganizationalDomain(author, warnings);
        // RFC 7489 §6.6.3 step 1: query the Author Domain.
        names.add("_dmarc." + author);
        DmarcRecordLookup.Outcome first = lookup.lookup(author);
        DmarcRecordLookup.Outcome outcome = first;
        if (first instanceof DmarcRecordLookup.Absent a) {
            addAbsentWarnings(List.of(a), warnings);
            if (!orgDomain.equals(author)) {
                // RFC 7489 §6.6.3 step 3: no record, query the Organizational Domain.
                names.add("_dmarc." + orgDomain);
                outcome = lookup.lookup(orgDomain);
                if (outcome instanceof DmarcRecordLookup.Absent a2) {
                    addAbsentWarnings(List.of(a2), warnings);
                }
            }
        }
        int lookups = lookup.queries() - before;
        if (outcome instanceof DmarcRecordLookup.TempFail tf) {
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.DNS_TEMPFAIL, tf.domain(),
                    "_dmarc." + tf.domain() + ": " + tf.detail()));
            return new DiscoveryResult(DiscoveryStatus.TEMPERROR, mode, author, Optional.empty(), Optional.empty(),
                    Optional.of(orgDomain), Optional.empty(), List.of(), lookups, names, warnings);
        }
        if (outcome instanceof DmarcRecordLookup.Found f) {
            PolicyDomainRole role = f.domain().equals(author) ? PolicyDomainRole.AUTHOR_DOMAIN
                    : PolicyDomainRole.ORGANIZATIONAL_DOMAIN;
            return new DiscoveryResult(DiscoveryStatus.FOUND, mode, author, Optional.of(f.domain()), Optional.of(role),
                    Optional.of(orgDomain), Optional.of(f.record()), f.warnings(), lookups, names, warnings);
        }
        return new DiscoveryResult(DiscoveryStatus.NONE, mode, author, Optional.empty(), Optional.empty(),
                Optional.of(orgDomain), Optional.empty(), List.of(), lookups, names, warnings);
    }

    private String pslOrganizationalDomain(String domain, List<DiscoveryWarning> warnings) {
        Optional<String> org = psl.organizationalDomain(domain);
        if (org.isEmpty()) {
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.NO_PUBLIC_SUFFIX, domain,
                    "no organizational domain from the public suffix list"));
            return domain;
        }
        return org.get();
    }

    /**
     * The Organizational Domain of any domain (an authenticated identifier or the Author Domain):
     * RFC 9989 §4.10.2 tree walk sharing {@code lookup}'s answers, or RFC 7489 §3.2 with the PSL.
     */
    public OrgDomainResult organizationalDomain(String domain, DmarcRecordLookup lookup) {
        Optional<String> normalized = DomainName.normalize(domain == null ? "" : domain, true);
        if (normalized.isEmpty()) {
            return new OrgDomainResult.Invalid("not a valid domain name: " + domain);
        }
        if (mode == DiscoveryMode.PSL) {
            return psl.organizationalDomain(normalized.get())
                    .<OrgDomainResult>map(OrgDomainResult.Known::new)
                    .orElseGet(() -> new OrgDomainResult.Known(normalized.get()));
        }
        TreeWalk.Result walk = TreeWalk.walk(normalized.get(), lookup);
        if (walk.tempFail().isPresent()) {
            DmarcRecordLookup.TempFail tf = walk.tempFail().get();
            return new OrgDomainResult.TempError("_dmarc." + tf.domain() + ": " + tf.detail());
        }
        return new OrgDomainResult.Known(walk.organizationalDomain());
    }

    private static void addAbsentWarnings(List<DmarcRecordLookup.Absent> absent, List<DiscoveryWarning> warnings) {
        for (DmarcRecordLookup.Absent a : absent) {
            switch (a.reason()) {
                case MULTIPLE_RECORDS -> warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.MULTIPLE_RECORDS,
                        a.domain(), "several DMARC records at _dmarc." + a.domain() + "; all discarded (RFC 9989 §4.10)"));
                case MALFORMED_RECORD -> warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.MALFORMED_RECORD,
                        a.domain(), "unparseable DMARC record at _dmarc." + a.domain() + "; ignored"));
                default -> {
                }
            }
        }
    }
}
