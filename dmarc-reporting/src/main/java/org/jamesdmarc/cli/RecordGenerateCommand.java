package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.RecordGenerator;
import org.jamesdmarc.policy.RecordGenerator.GenerationError;
import org.jamesdmarc.policy.RecordGenerator.Result;
import org.jamesdmarc.policy.ReportUri;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dmarc record generate --p <policy> [...]}: writes a DMARC Policy Record and says where to
 * publish it. Invalid values or combinations are all listed on stderr, exit 2.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Generate a DMARC Policy Record (RFC 9989 §4.7) and the DNS name to publish it at.",
            "Only RFC 9989 tags are written; report URIs must be mailto:.",
            "Exit 0 when generated, 2 (with every problem listed on stderr) when refused."})
final class RecordGenerateCommand implements Callable<Integer> {

    /** Shown, and used to check the options, when --domain is not given. */
    static final String PLACEHOLDER_DOMAIN = "example.com";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"--p", "--policy"}, required = true, paramLabel = "none|quarantine|reject",
            description = "Policy for the domain (p).")
    String p;

    @Option(names = "--sp", paramLabel = "none|quarantine|reject",
            description = "Policy for existing subdomains (sp); default: same as p.")
    String sp;

    @Option(names = "--np", paramLabel = "none|quarantine|reject",
            description = "Policy for non-existent subdomains (np); default: same as sp.")
    String np;

    @Option(names = "--adkim", paramLabel = "r|s", description = "DKIM alignment: relaxed (default) or strict.")
    String adkim;

    @Option(names = "--aspf", paramLabel = "r|s", description = "SPF alignment: relaxed (default) or strict.")
    String aspf;

    @Option(names = "--psd", paramLabel = "y|n|u",
            description = "Public Suffix Domain flag: y for a public suffix operator, n for an organisation's "
                    + "top domain, u (default) otherwise.")
    String psd;

    @Option(names = "--t", paramLabel = "y|n", description = "Testing mode (t=y): receivers apply one policy level less.")
    String t;

    @Option(names = "--rua", paramLabel = "mailto:...", split = ",",
            description = "Aggregate report destination(s) (repeat or separate with commas).")
    List<String> rua = new ArrayList<>();

    @Option(names = "--ruf", paramLabel = "mailto:...", split = ",",
            description = "Failure report destination(s) (repeat or separate with commas).")
    List<String> ruf = new ArrayList<>();

    @Option(names = "--fo", paramLabel = "0|1|d|s[:...]", description = "Failure reporting options; needs --ruf.")
    String fo;

    @Option(names = "--domain", paramLabel = "<domain>",
            description = "The domain the policy is for (publish at _dmarc.<domain>); default: shown as a placeholder.")
    String domain;

    @Option(names = "--json", description = "Print {\"dnsName\",\"record\",\"zoneFileLine\",\"notes\"} (or {\"errors\"}) as JSON.")
    boolean json;

    @Override
    public Integer call() {
        RecordGenerator.Builder b = RecordGenerator.Request.builder(domain == null ? PLACEHOLDER_DOMAIN : domain, p)
                .sp(sp).np(np).psd(psd).t(t).adkim(adkim).aspf(aspf).fo(fo);
        rua.forEach(b::rua);
        ruf.forEach(b::ruf);
        Result result = RecordGenerator.generate(b.build());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (result instanceof Result.Rejected rejected) {
            if (json) {
                ObjectNode o = Json.object();
                ArrayNode errors = o.putArray("errors");
                for (GenerationError e : rejected.errors()) {
                    errors.addObject().put("option", "--" + e.option()).put("kind", e.kind().name()).put("message", e.message());
                }
                Json.print(out, o);
            }
            err.println("dmarc record generate: cannot generate the record:");
            rejected.errors().forEach(e -> err.println("  - " + e.message() + optionHint(e)));
            err.flush();
            return ExitCodes.INVALID;
        }
        Result.Generated g = (Result.Generated) result;
        String dnsName = domain == null ? "_dmarc.<your-domain>" : g.dnsName();
        String zoneLine = domain == null
                ? g.zoneFileLine().replace(g.dnsName() + ".", dnsName)
                : g.zoneFileLine();
        List<String> notes = externalDestinationNotes(g.record().rua(), g.record().ruf());
        if (json) {
            ObjectNode o = Json.object();
            o.put("dnsName", dnsName);
            o.put("record", g.recordText());
            o.put("zoneFileLine", zoneLine);
            ArrayNode n = o.putArray("notes");
            notes.forEach(n::add);
            Json.print(out, o);
        } else {
            out.println("Publish this TXT record at " + dnsName + ":");
            out.println();
            out.println("  " + g.recordText());
            out.println();
            out.println("Zone file line:");
            out.println("  " + zoneLine);
            if (!notes.isEmpty()) {
                out.println();
                out.println("Notes:");
                notes.forEach(x -> out.println("  - " + x));
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static String optionHint(GenerationError e) {
        return e.option().equals("record") ? "" : " (--" + e.option() + ")";
    }

    /**
     * RFC 9990 §"Verifying External Destinations": a report destination outside the domain's
     * Organizational Domain must publish an authorization record, or receivers ignore it. Without DNS
     * the Organizational Domain is not known here, so any destination not at or below the domain is
     * mentioned.
     */
    private List<String> externalDestinationNotes(List<ReportUri> ruaUris, List<ReportUri> rufUris) {
        List<String> notes = new ArrayList<>();
        Optional<DomainName> policyDomain = DomainName.parse(domain, true);
        addNotes("rua", ruaUris, policyDomain, notes);
        addNotes("ruf", rufUris, policyDomain, notes);
        return notes;
    }

    private static void addNotes(String tag, List<ReportUri> uris, Optional<DomainName> policyDomain,
            List<String> notes) {
        for (ReportUri uri : uris) {
            Optional<DomainName> dest = uri.mailtoDomain().filter(d -> d.labelCount() >= 2);
            if (dest.isEmpty()) {
                continue;
            }
            if (policyDomain.isEmpty()) {
                String d = dest.get().name();
                notes.add(tag + " " + uri + ": if " + d + " is outside your domain, it must publish "
                        + "a TXT record \"v=DMARC1\" at <your-domain>._report._dmarc." + d + " (RFC 9990)");
            } else if (!dest.get().isAtOrBelow(policyDomain.get()) && !policyDomain.get().isAtOrBelow(dest.get())) {
                String d = dest.get().name();
                String p = policyDomain.get().name();
                notes.add(tag + " " + uri + ": " + d + " is outside " + p
                        + "; unless both share an Organizational Domain, it must publish a TXT record \"v=DMARC1\" at "
                        + p + "._report._dmarc." + d + " (RFC 9990)");
            }
        }
    }
}
