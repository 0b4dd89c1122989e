package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;


import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.DnsjavaClient;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.DiscoveryResult;
import org.jamesdmarc.policy.DiscoveryWarning;
import org.jamesdmarc.reporting.DomainCheck;
import org.jamesdmarc.reporting.DomainCheck.Destination;
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
        DomainCheck.Outcome outcome = DomainCheck.check(author.get(), client, discoveryMode);
        DiscoveryResult result = outcome.discovery();
        List<Destination> destinations = outcome.destinations();
        List<String> warnings = outcome.warnings();

        if (json) {
            Json.print(out, DomainCheck.toJson(outcome));
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

    /** Most distinct destination hosts checked ({@link DomainCheck#MAX_DESTINATION_HOSTS}). */
    static final int MAX_DESTINATION_HOSTS = DomainCheck.MAX_DESTINATION_HOSTS;

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
