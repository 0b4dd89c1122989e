package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DnsjavaClient;
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
import org.jamesdmarc.reporting.ExternalDestinationVerifier;
import org.jamesdmarc.reporting.ExternalDestinationVerifier.Verification;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dmarc check <domain>}: which DMARC policy applies to mail from this domain, where it was
 * found, and whether its report destinations will accept reports.
 */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Discover the DMARC policy that applies to a domain (RFC 9989 §4.10 DNS tree walk, "
                + "or RFC 7489 public suffix list with --psl) and verify its external report destinations "
                + "(RFC 9990).",
            "Exit 0 found, 1 none, 2 bad input, 3 temperror, 4 permerror."})
final class CheckCommand implements Callable<Integer> {

    private final Function<DnsSettings, DnsClient> dnsClients;

    CheckCommand() {
        this(DnsjavaClient::new);
    }

    /** @param dnsClients makes the DNS client from the settings the options give (tests substitute one) */
    CheckCommand(Function<DnsSettings, DnsClient> dnsClients) {
        this.dnsClients = dnsClients;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<domain>", description = "The domain, e.g. the From: domain of a message.")
    String domain;

    @Mixin
    DnsOptions dnsOptions = new DnsOptions();

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        // A single label is allowed: a public suffix operator's domain (psd=y) can be checked too.
        Optional<DomainName> author = DomainName.parse(domain, true);
        if (author.isEmpty()) {
            return invalid(err, "not a valid domain name: '" + domain + "'");
        }
        DnsSettings settings;
        try {
            settings = dnsOptions.dnsSettings();
        } catch (IllegalArgumentException e) {
            return invalid(err, e.getMessage());
        }
        DiscoveryMode discoveryMode = dnsOptions.discoveryMode();
        DnsClient client = dnsClients.apply(settings);
        PolicyDiscovery discovery = new PolicyDiscovery(client, discoveryMode, Optional.empty());
        DmarcRecordLookup lookup = discovery.newLookup();
        DiscoveryResult result = discovery.discover(author.get(), lookup);
        List<Destination> destinations = result.record()
                .map(r -> checkDestinations(r, result, discovery, lookup, client))
                .orElse(List.of());

        List<String> warnings = new ArrayList<>();
        result.warnings().stream().map(DiscoveryWarning::message).forEach(warnings::add);
        result.recordWarnings().stream().map(RecordWarning::message).forEach(warnings::add);
        destinations.stream().flatMap(d -> d.warning().stream()).forEach(warnings::add);

        if (json) {
            Json.print(out, toJson(result, destinations, warnings));
        } else {
            printHuman(out, result, destinations, warnings);
        }
        return switch (result.status()) {
            case FOUND -> ExitCodes.OK;
            case NONE -> ExitCodes.NO_POLICY;
            case TEMPERROR -> {
                err.println("dmarc check: temporary DNS failure"
                        + result.warnings().stream().filter(w -> w.code() == DiscoveryWarning.Code.DNS_TEMPFAIL)
                                .findFirst().map(w -> " (" + w.message() + ")").orElse("")
                        + "; try again later");
                err.flush();
                yield ExitCodes.TEMPERROR;
            }
            case PERMERROR -> {
                err.println("dmarc check: permanent error");
                err.flush();
                yield ExitCodes.PERMERROR;
            }
        };
    }

    private static int invalid(PrintWriter err, String message) {
        err.println("dmarc check: " + message);
        err.flush();
        return ExitCodes.INVALID;
    }

    /** Most distinct destination hosts checked, so a hostile record cannot make us send unbounded queries. */
    static final int MAX_DESTINATION_HOSTS = 10;

    /** How a report destination relates to the policy domain. */
    enum Scope { INTERNAL, EXTERNAL, NO_HOST, NOT_CHECKED }

    /**
     * One rua/ruf URI and, when it is external, the RFC 9990 verification of it.
     *
     * @param verification present for an {@link Scope#EXTERNAL} destination only
     */
    record Destination(String tag, ReportUri uri, Optional<DomainName> host, Scope scope,
                       Optional<Verification> verification, Optional<String> warning) {
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

    static ObjectNode toJson(DiscoveryResult result, List<Destination> destinations, List<String> warnings) {
        ObjectNode o = Json.object();
        o.put("domain", result.authorDomain().map(DomainName::name).orElse(null));
        o.put("policyDomain", result.policyDomain().map(DomainName::name).orElse(null));
        o.put("policyDomainRole", result.policyDomainRole().map(r -> r.name().toLowerCase(Locale.ROOT)).orElse(null));
        o.put("organizationalDomain", result.organizationalDomain().map(DomainName::name).orElse(null));
        o.put("discovery", result.mode().name().toLowerCase(Locale.ROOT));
        o.put("lookups", result.dnsLookups());
        o.put("result", result.status().name().toLowerCase(Locale.ROOT));
        if (result.record().isPresent()) {
            o.set("record", Json.record(result.record().get()));
        } else {
            o.putNull("record");
        }
        ArrayNode ds = o.putArray("reportDestinations");
        for (Destination d : destinations) {
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
        warnings.forEach(w::add);
        return o;
    }

    private static void printHuman(PrintWriter out, DiscoveryResult result, List<Destination> destinations,
            List<String> warnings) {
        out.println("Domain:                " + result.authorDomain().map(DomainName::name).orElse(""));
        out.println("Discovery:             " + (result.mode() == DiscoveryMode.PSL
                ? "public suffix list (RFC 7489)" : "DNS tree walk (RFC 9989)")
                + ", " + result.dnsLookups() + " DNS lookup" + (result.dnsLookups() == 1 ? "" : "s"));
        out.println("Result:                " + result.status().name().toLowerCase(Locale.ROOT)
                + switch (result.status()) {
                    case FOUND -> "";
                    case NONE -> " (no DMARC policy applies)";
                    case TEMPERROR -> " (temporary DNS failure; try again later)";
                    case PERMERROR -> "";
                });
        result.policyDomain().ifPresent(p -> out.println("Policy domain:         " + p.name()
                + result.policyDomainRole().map(r -> " (" + r.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")")
                        .orElse("")));
        result.organizationalDomain().ifPresent(d -> out.println("Organizational domain: " + d.name()));
        result.record().ifPresent(r -> {
            out.println("Record:");
            RecordParseCommand.printTags(out, r.tags());
            out.println(RecordParseCommand.effectivePolicy(r));
        });
        if (!destinations.isEmpty()) {
            out.println("Report destinations:");
            for (Destination d : destinations) {
                String status = d.verification().map(v -> switch (v.kind()) {
                    case AUTHORIZED -> "external, authorized at " + v.verificationName();
                    case NOT_AUTHORIZED -> "external, NOT authorized (" + ((Verification.NotAuthorized) v).reason()
                            + " at " + v.verificationName() + ")";
                    case OVERRIDE_TO_OTHER_HOST -> "external, authorization at " + v.verificationName()
                            + " redirects to another host";
                    case TEMPERROR -> "external, verification failed temporarily at " + v.verificationName();
                }).orElse(switch (d.scope()) {
                    case INTERNAL -> "internal";
                    case NO_HOST -> "no host to check";
                    default -> "not checked";
                });
                out.println("  " + d.tag() + " " + d.uri() + ": " + status);
            }
        }
        RecordParseCommand.printWarnings(out, warnings);
        out.flush();
    }
}
