package org.jamesdmarc.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainName;

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

    /**
     * Discovers the policy for an Author Domain given as text (a single label allowed, e.g. a PSD): text
     * that is not a domain name is a PERMERROR with an {@link DiscoveryWarning.Code#INVALID_DOMAIN}
     * warning, without any query.
     */
    public DiscoveryResult discover(String authorDomain) {
        return DomainName.parse(authorDomain, true)
                .map(this::discover)
                .orElseGet(() -> invalidAuthorDomain(mode, authorDomain));
    }

    /** The PERMERROR for Author Domain text that is not a domain name. */
    static DiscoveryResult invalidAuthorDomain(DiscoveryMode mode, String authorDomain) {
        String shown = authorDomain == null ? "" : authorDomain;
        return new DiscoveryResult(DiscoveryStatus.PERMERROR, mode, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), 0, List.of(),
                List.of(new DiscoveryWarning(DiscoveryWarning.Code.INVALID_DOMAIN, Optional.empty(),
                        "not a valid domain name: \"" + RecordParser.abbreviate(shown) + "\"")));
    }

    /** Discovers the policy with a fresh lookup cache. */
    public DiscoveryResult discover(DomainName authorDomain) {
        return discover(authorDomain, newLookup());
    }

    /** Discovers the policy, sharing {@code lookup}'s answers (one evaluation). */
    public DiscoveryResult discover(DomainName authorDomain, DmarcRecordLookup lookup) {
        Objects.requireNonNull(authorDomain, "authorDomain");
        int before = lookup.queries();
        return mode == DiscoveryMode.TREEWALK
                ? discoverByTreeWalk(authorDomain, lookup, before)
                : discoverByPsl(authorDomain, lookup, before);
    }

    private DiscoveryResult discoverByTreeWalk(DomainName author, DmarcRecordLookup lookup, int before) {
        TreeWalk.Result walk = TreeWalk.walk(author, lookup);
        List<DiscoveryWarning> warnings = new ArrayList<>();
        addAbsentWarnings(walk.absent(), warnings);
        if (walk.shortened()) {
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.NAME_SHORTENED, author,
                    "more than 8 labels: the walk continued at _dmarc."
                            + author.lastLabels(TreeWalk.SHORTENED_LABELS).name()));
        }
        int lookups = lookup.queries() - before;
        List<String> names = walk.queriedNames();
        if (walk.tempFail().isPresent()) {
            DmarcRecordLookup.TempFail tf = walk.tempFail().get();
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.DNS_TEMPFAIL, tf.domain(),
                    "_dmarc." + tf.domain().name() + ": " + tf.detail()));
            Optional<DmarcRecordLookup.Found> own = walk.recordAt(author);
            if (own.isPresent()) {
                // RFC 9989 §4.10.1: a record at the Author Domain is the one applied whatever lies
                // above, so the policy is known; only the Organizational Domain (for relaxed
                // alignment) stays unknown, and alignment checks needing it give temperror.
                DmarcRecordLookup.Found f = own.get();
                return new DiscoveryResult(DiscoveryStatus.FOUND, mode, Optional.of(author), Optional.of(author),
                        Optional.of(PolicyDomainRole.AUTHOR_DOMAIN), Optional.empty(), Optional.of(f.record()),
                        f.warnings(), lookups, names, warnings);
            }
            return new DiscoveryResult(DiscoveryStatus.TEMPERROR, mode, Optional.of(author), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), List.of(), lookups, names, warnings);
        }
        DomainName orgDomain = walk.organizationalDomain();
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
            return new DiscoveryResult(DiscoveryStatus.NONE, mode, Optional.of(author), Optional.empty(),
                    Optional.empty(), Optional.of(orgDomain), Optional.empty(), List.of(), lookups, names, warnings);
        }
        for (DmarcRecordLookup.Found f : walk.records()) {
            if (f != applied.get()) {
                warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.INTERMEDIATE_RECORD_IGNORED, f.domain(),
                        "record at _dmarc." + f.domain().name() + " is not the policy record (policy domain "
                                + applied.get().domain().name() + ", organizational domain " + orgDomain.name() + ")"));
            }
        }
        DmarcRecordLookup.Found f = applied.get();
        return new DiscoveryResult(DiscoveryStatus.FOUND, mode, Optional.of(author), Optional.of(f.domain()),
                Optional.of(role), Optional.of(orgDomain), Optional.of(f.record()), f.warnings(), lookups, names,
                warnings);
    }

    private DiscoveryResult discoverByPsl(DomainName author, DmarcRecordLookup lookup, int before) {
        List<DiscoveryWarning> warnings = new ArrayList<>();
        // RFC 7489 §3.2: every domain name has an Organizational Domain under the list (at worst itself).
        DomainName orgDomain = psl.organizationalDomain(author);
        // RFC 7489 §6.6.3 step 1: query the Author Domain.
        List<DomainName> queried = List.of(author);
        DmarcRecordLookup.Outcome first = lookup.lookup(author);
        DmarcRecordLookup.Outcome outcome = first;
        if (first instanceof DmarcRecordLookup.Absent a) {
            addAbsentWarnings(List.of(a), warnings);
            if (!orgDomain.equals(author)) {
                // RFC 7489 §6.6.3 step 3: no record, query the Organizational Domain.
                queried = List.of(author, orgDomain);
                outcome = lookup.lookup(orgDomain);
                if (outcome instanceof DmarcRecordLookup.Absent a2) {
                    addAbsentWarnings(List.of(a2), warnings);
                }
            }
        }
        int lookups = lookup.queries() - before;
        List<String> names = new DmarcNames(queried);
        if (outcome instanceof DmarcRecordLookup.TempFail tf) {
            warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.DNS_TEMPFAIL, tf.domain(),
                    "_dmarc." + tf.domain().name() + ": " + tf.detail()));
            return new DiscoveryResult(DiscoveryStatus.TEMPERROR, mode, Optional.of(author), Optional.empty(),
                    Optional.empty(), Optional.of(orgDomain), Optional.empty(), List.of(), lookups, names, warnings);
        }
        if (outcome instanceof DmarcRecordLookup.Found f) {
            PolicyDomainRole role = f.domain().equals(author) ? PolicyDomainRole.AUTHOR_DOMAIN
                    : PolicyDomainRole.ORGANIZATIONAL_DOMAIN;
            return new DiscoveryResult(DiscoveryStatus.FOUND, mode, Optional.of(author), Optional.of(f.domain()),
                    Optional.of(role), Optional.of(orgDomain), Optional.of(f.record()), f.warnings(), lookups, names,
                    warnings);
        }
        return new DiscoveryResult(DiscoveryStatus.NONE, mode, Optional.of(author), Optional.empty(), Optional.empty(),
                Optional.of(orgDomain), Optional.empty(), List.of(), lookups, names, warnings);
    }

    /**
     * The Organizational Domain of any domain (an authenticated identifier or the Author Domain):
     * RFC 9989 §4.10.2 tree walk sharing {@code lookup}'s answers, or RFC 7489 §3.2 with the PSL.
     */
    public OrgDomainResult organizationalDomain(DomainName domain, DmarcRecordLookup lookup) {
        if (mode == DiscoveryMode.PSL) {
            return new OrgDomainResult.Known(psl.organizationalDomain(domain));
        }
        return TreeWalk.organizationalDomain(domain, lookup);
    }

    private static void addAbsentWarnings(List<DmarcRecordLookup.Absent> absent, List<DiscoveryWarning> warnings) {
        for (DmarcRecordLookup.Absent a : absent) {
            switch (a.reason()) {
                case MULTIPLE_RECORDS -> warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.MULTIPLE_RECORDS,
                        a.domain(), "several DMARC records at _dmarc." + a.domain().name()
                                + "; all discarded (RFC 9989 §4.10)"));
                case MALFORMED_RECORD -> warnings.add(new DiscoveryWarning(DiscoveryWarning.Code.MALFORMED_RECORD,
                        a.domain(), "unparseable DMARC record at _dmarc." + a.domain().name() + "; ignored"));
                default -> {
                }
            }
        }
    }
}
