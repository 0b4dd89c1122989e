package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.policy.DmarcRecord;
import org.jamesdmarc.policy.RecordParseResult;
import org.jamesdmarc.policy.RecordParser;
import org.jamesdmarc.policy.RecordWarning;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dmarc record parse '<txt>' [--json]}: is this text a valid DMARC Policy Record? Exit 0 when
 * valid (possibly with warnings), 2 when not.
 */
@Command(name = "parse",
        mixinStandardHelpOptions = true,
        description = {"Parse a DMARC Policy Record (the TXT record's text; quote it for the shell).",
            "Exit 0 when valid (warnings do not change that), 2 when invalid."})
final class RecordParseCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<txt>",
            description = "The record text, e.g. 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com'. "
                    + "Several TXT strings are given concatenated.")
    String text;

    @Option(names = "--json", description = "Print {\"valid\",\"tags\",\"warnings\",\"error\"} as JSON.")
    boolean json;

    @Override
    public Integer call() {
        RecordParseResult result = RecordParser.parse(text);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, toJson(result));
        } else {
            printHuman(out, result);
        }
        return result.isParsed() ? ExitCodes.OK : ExitCodes.INVALID;
    }

    static ObjectNode toJson(RecordParseResult result) {
        ObjectNode o = Json.object();
        o.put("valid", result.isParsed());
        if (result instanceof RecordParseResult.Parsed valid) {
            o.set("tags", Json.tags(valid.record()));
            ArrayNode w = o.putArray("warnings");
            valid.warnings().forEach(x -> w.add(x.message()));
            o.putNull("error");
        } else if (result instanceof RecordParseResult.Invalid invalid) {
            o.putObject("tags");
            o.putArray("warnings");
            o.put("error", invalid.error().message());
        }
        return o;
    }

    private static void printHuman(PrintWriter out, RecordParseResult result) {
        if (result instanceof RecordParseResult.Invalid invalid) {
            out.println("Invalid DMARC record: " + invalid.error().message());
        } else if (result instanceof RecordParseResult.Parsed valid) {
            DmarcRecord r = valid.record();
            out.println("Valid DMARC record.");
            printTags(out, r.tags());
            out.println(effectivePolicy(r));
            printWarnings(out, valid.warnings().stream().map(RecordWarning::message).toList());
        }
        out.flush();
    }

    static void printTags(PrintWriter out, Map<String, String> tags) {
        int width = tags.keySet().stream().mapToInt(String::length).max().orElse(1);
        tags.forEach((k, v) -> out.printf("  %-" + width + "s = %s%n", k, v));
    }

    /** One line with the values that apply once defaults are filled in (RFC 9989 §4.7). */
    static String effectivePolicy(DmarcRecord r) {
        return "Applies: p=" + r.policy().tagValue()
                + " sp=" + r.subdomainPolicy().tagValue()
                + " np=" + r.nonExistentSubdomainPolicy().tagValue()
                + " adkim=" + r.adkim().tagValue()
                + " aspf=" + r.aspf().tagValue()
                + " t=" + (r.testing() ? "y" : "n")
                + " psd=" + r.psd().tagValue();
    }

    static void printWarnings(PrintWriter out, java.util.List<String> warnings) {
        if (!warnings.isEmpty()) {
            out.println("Warnings:");
            warnings.forEach(w -> out.println("  - " + w));
        }
    }
}
