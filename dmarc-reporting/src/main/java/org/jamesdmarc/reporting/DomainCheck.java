package org.jamesdmarc.reporting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.DiscoveryResult;
import org.jamesdmarc.policy.DiscoveryWarning;
import org.jamesdmarc.policy.DmarcRecord;
import org.jamesdmarc.policy.DmarcRecordLookup;
import org.jamesdmarc.policy.OrgDomainResult;
import org.jamesdmarc.policy.PolicyDiscovery;
import org.jamesdmarc.policy.RecordWarning;
import org.jamesdmarc.policy.ReportUri;
import org.jamesdmarc.reporting.ExternalDestinationVerifier.Verification;

/**
 * What {@code dmarc check <domain>} and WebAdmin's {@code GET /dmarc/domains/{domain}/check} say about a domain: the
 * DMARC policy that applies to its mail (RFC 9989 §4.10 tree walk or RFC 7489's public suffix list), where it was
 * found, and whether each report destination will get reports (RFC 9990 "Verifying External Destinations"). The one
 * code path of both; the JSON of {@link #toJson(Outcome)} is what {@code dmarc check --json} prints.
 */
public final class DomainCheck {

    /** Most distinct destination hosts checked, so a hostile record cannot make us send unbounded queries. */
    public static final int MAX_DESTINATION_HOSTS = 10;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DomainCheck() {
    }

    /** How a report destination relates to the policy domain. */
    public enum Scope { INTERNAL, EXTERNAL, NO_HOST, NOT_CHECKED }

    /**
     * One rua/ruf URI and, when it is external, the RFC 9990 verification of it.
     *
     * @param verification present for an {@link Scope#EXTERNAL} destination only
     */
    public record Destination(String tag, ReportUri uri, Optional<DomainName> host, Scope scope,
                              Optional<Verification> verification, Optional<String> warning) {
    }

    /** The discovery, the destinations checked and every warning of both, in order. */
    public record Outcome(DiscoveryResult discovery, List<Destination> destinations, List<String> warnings) {
        public Outcome {
            Objects.requireNonNull(discovery, "discovery");
            destinations = List.copyOf(destinations);
            warnings = List.copyOf(warnings);
        }
    }

    /** Discovers the policy of {@code author} and checks its report destinations through {@code client}. */
    public static Outcome check(DomainName author, DnsClient client, DiscoveryMode mode) {
        PolicyDiscovery discovery = new PolicyDiscovery(client, mode, Optional.empty());
        DmarcRecordLookup lookup = discovery.newLookup();
        DiscoveryResult result = discovery.discover(author, lookup);
        List<Destination> destinations = result.record()
                .map(r -> checkDestinations(r, result, discovery, lookup, client))
                .orElse(List.of());
        List<String> warnings = new ArrayList<>();
        result.warnings().stream().map(DiscoveryWarning::message).forEach(warnings::add);
        result.recordWarnings().stream().map(RecordWarning::message).forEach(warnings::add);
        destinations.stream().flatMap(d -> d.warning().stream()).forEach(warnings::add);
        return new Outcome(result, destinations, warnings);
    }

    /**
     * RFC 9990 "Verifying External Destinations": compare the Organizational Domain of the policy domain
     * with that of each destination host; for those that differ, look for the authorization record.
     * Each host is looked at once; at most {@link #MAX_DESTINATION_HOSTS} hosts are.
     */
    private static List<Destination> checkDestinations(DmarcRecord record, DiscoveryResult result,
            PolicyDiscovery discovery, DmarcRecordLookup lookup, DnsClient client) {
        DomainName policyDomain = result.policyDomain().orElseThrow();
        Optional<DomainName> policyOrg = orgDomain(discovery, lookup, policyDomain);
        ExternalDestinationVerifier verifier = new ExternalDestinationVerifier(client);
        Map<DomainName, Optional<Verification>> byHost = new HashMap<>();
        List<Destination> out = new ArrayList<>();
        for (String tag : List.of("rua", "ruf")) {
            for (ReportUri uri : tag.equals("rua") ? record.rua() : record.ruf()) {
                Optional<DomainName> host = uri.mailtoDomain();
                if (host.isEmpty()) {
                    out.add(new Destination(tag, uri, host, Scope.NO_HOST, Optional.empty(), Optional.of(
                            tag + " destination " + uri + " has no domain to check; receivers may ignore it")));
                    continue;
                }
                if (!byHost.containsKey(host.get()) && byHost.size() >= MAX_DESTINATION_HOSTS) {
                    out.add(new Destination(tag, uri, host, Scope.NOT_CHECKED, Optional.empty(), Optional.of(
                            tag + " destination " + uri + " not checked: more than " + MAX_DESTINATION_HOSTS
                                    + " destination hosts")));
                    continue;
                }
                Optional<Verification> v = byHost.computeIfAbsent(host.get(), h -> {
                    Optional<DomainName> hostOrg = orgDomain(discovery, lookup, h);
                    // Unknown Organizational Domains (DNS trouble) are treated as different: verify.
                    boolean external = policyOrg.isEmpty() || hostOrg.isEmpty() || !policyOrg.equals(hostOrg);
                    return external ? Optional.of(verifier.verify(policyDomain, h)) : Optional.empty();
                });
                if (v.isEmpty()) {
                    out.add(new Destination(tag, uri, host, Scope.INTERNAL, Optional.empty(), Optional.empty()));
                } else {
                    out.add(new Destination(tag, uri, host, Scope.EXTERNAL, v,
                            destinationWarning(tag, uri, policyDomain, v.get())));
                }
            }
        }
        return out;
    }

    private static Optional<String> destinationWarning(String tag, ReportUri uri, DomainName policyDomain,
            Verification v) {
        if (v instanceof Verification.NotAuthorized n) {
            return Optional.of(tag + " destination " + uri + " is outside " + policyDomain.name()
                    + " and has not authorized reports: " + n.reason() + " at " + n.verificationName()
                    + " (RFC 9990); receivers will not send reports there");
        } else if (v instanceof Verification.OverrideToOtherHost o) {
            return Optional.of(tag + " destination " + uri + ": the authorization record at "
                    + o.verificationName() + " redirects to another host; receivers will send no report (RFC 9990)");
        } else if (v instanceof Verification.TempError t) {
            return Optional.of(tag + " destination " + uri + " could not be verified (temporary DNS failure at "
                    + t.verificationName() + ": " + t.detail() + ")");
        }
        return Optional.empty();
    }

    private static Optional<DomainName> orgDomain(PolicyDiscovery discovery, DmarcRecordLookup lookup,
            DomainName domain) {
        return discovery.organizationalDomain(domain, lookup) instanceof OrgDomainResult.Known k
                ? Optional.of(k.domain()) : Optional.empty();
    }

    /** The JSON of {@code dmarc check --json} (and of the WebAdmin route). */
    public static ObjectNode toJson(Outcome outcome) {
        DiscoveryResult result = outcome.discovery();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("domain", result.authorDomain().map(DomainName::name).orElse(null));
        o.put("policyDomain", result.policyDomain().map(DomainName::name).orElse(null));
        o.put("policyDomainRole", result.policyDomainRole().map(r -> r.name().toLowerCase(Locale.ROOT)).orElse(null));
        o.put("organizationalDomain", result.organizationalDomain().map(DomainName::name).orElse(null));
        o.put("discovery", result.mode().name().toLowerCase(Locale.ROOT));
        o.put("lookups", result.dnsLookups());
        o.put("result", result.status().name().toLowerCase(Locale.ROOT));
        if (result.record().isPresent()) {
            o.set("record", recordJson(result.record().get()));
        } else {
            o.putNull("record");
        }
        ArrayNode ds = o.putArray("reportDestinations");
        for (Destination d : outcome.destinations()) {
            ObjectNode x = ds.addObject();
            x.put("tag", d.tag());
            x.put("uri", d.uri().toString());
            x.put("host", d.host().map(DomainName::name).orElse(null));
            switch (d.scope()) {
                case INTERNAL -> x.put("external", false);
                case EXTERNAL -> x.put("external", true);
                default -> x.putNull("external");
            }
            if (d.verification().isPresent()) {
                Verification v = d.verification().get();
                x.put("verificationName", v.verificationName());
                x.put("authorization", v.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            } else {
                x.putNull("verificationName");
                x.put("authorization", switch (d.scope()) {
                    case INTERNAL -> "not-needed";
                    case NO_HOST -> "no-host";
                    default -> "not-checked";
                });
            }
        }
        ArrayNode q = o.putArray("queriedNames");
        result.queriedNames().forEach(q::add);
        ArrayNode w = o.putArray("warnings");
        outcome.warnings().forEach(w::add);
        return o;
    }

    /** The tags as written in the record, in record order. */
    public static ObjectNode tagsJson(DmarcRecord record) {
        ObjectNode tags = MAPPER.createObjectNode();
        record.tags().forEach(tags::put);
        return tags;
    }

    /**
     * A record with its tags as written and the values that apply once defaults are filled in
     * (RFC 9989 §4.7).
     */
    public static ObjectNode recordJson(DmarcRecord record) {
        ObjectNode o = MAPPER.createObjectNode();
        o.set("tags", tagsJson(record));
        o.put("p", record.policy().tagValue());
        o.put("sp", record.subdomainPolicy().tagValue());
        o.put("np", record.nonExistentSubdomainPolicy().tagValue());
        o.put("adkim", record.adkim().tagValue());
        o.put("aspf", record.aspf().tagValue());
        o.put("t", record.testing() ? "y" : "n");
        o.put("psd", record.psd().tagValue());
        o.set("rua", uris(record.rua()));
        o.set("ruf", uris(record.ruf()));
        ArrayNode fo = o.putArray("fo");
        record.fo().forEach(fo::add);
        return o;
    }

    private static ArrayNode uris(List<ReportUri> uris) {
        ArrayNode a = MAPPER.createArrayNode();
        uris.forEach(u -> a.add(u.toString()));
        return a;
    }
}
