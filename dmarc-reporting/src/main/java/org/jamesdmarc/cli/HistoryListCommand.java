package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.store.HistoryQuery;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dmarc history list}: the stored evaluations, oldest first, as a table or as JSON Lines (one object per
 * message and line, so that a long listing streams into {@code jq} or a file without being held whole).
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"List stored evaluations, oldest first: time (UTC), source IP, header-from, policy domain, "
                + "DMARC result, disposition, action taken, SPF and DKIM.",
            "Exit 0 done, 2 bad option, bad database settings or unreachable database."})
final class HistoryListCommand extends DatabaseCommand {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000_000;

    private static final ObjectWriter JSON_LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    HistoryListCommand() {
        this(System.getenv());
    }

    HistoryListCommand(Map<String, String> environment) {
        super("dmarc history list", environment);
    }

    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "Only messages whose policy domain or header-from domain is DOMAIN.")
    String domain;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only messages evaluated at or after TIME: epoch seconds, or ISO-8601 "
                    + "(2026-12-01T08:00:00Z, 2026-12-01T09:00+01:00; UTC without an offset; 2026-12-01 for its midnight UTC).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only messages evaluated before TIME (same forms).")
    String until;

    @Option(names = "--limit", paramLabel = "N",
            description = "At most N messages (1.." + MAX_LIMIT + ", default " + DEFAULT_LIMIT + ").")
    int limit = DEFAULT_LIMIT;

    @Option(names = "--json", description = "Print JSON Lines: one object per message and line (fields: key, time "
            + "(ISO-8601 UTC), sourceIp, headerFrom, envelopeFrom, envelopeTo, policyDomain, discovery, role, "
            + "published, result, applied, disposition, action, overrides, arcSealer ({domain, instance} of the "
            + "trusted ARC sealer behind an override), spf, dkim; absent values null).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        Optional<DomainName> domainName = Optional.empty();
        if (domain != null) {
            domainName = DomainName.parse(domain, true);
            if (domainName.isEmpty()) {
                return fail(err, "--domain '" + domain + "' is not a domain name");
            }
        }
        Optional<Instant> from;
        Optional<Instant> to;
        try {
            from = TimeArgument.parse("--since", since);
            to = TimeArgument.parse("--until", until);
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage());
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return fail(err, "--limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
        List<EvaluationRecord> records;
        try (JdbcHistoryStore store = openStore(err)) {
            records = store.list(new HistoryQuery(domainName, from, to, limit));
        } catch (StoreException e) {
            return fail(err, e.getMessage());
        }
        if (json) {
            for (EvaluationRecord r : records) {
                try {
                    out.println(JSON_LINE.writeValueAsString(json(r)));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("cannot write JSON", e); // cannot happen for a tree of nodes
                }
            }
        } else {
            table(out, records);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void table(PrintWriter out, List<EvaluationRecord> records) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TIME", "SOURCE IP", "HEADER FROM", "POLICY DOMAIN", "RESULT", "DISPOSITION", "ACTION",
            "SPF", "DKIM"});
        for (EvaluationRecord r : records) {
            rows.add(new String[] {
                r.time().truncatedTo(ChronoUnit.SECONDS).toString(),
                r.sourceIp().getHostAddress(),
                r.headerFrom().map(DomainName::name).orElse("-"),
                r.policyDomain().map(DomainName::name).orElse("-"),
                r.result().keyword(),
                r.disposition().reportValue(),
                r.action().keyword(),
                spf(r.spf()),
                dkim(r.dkim())});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line);
        }
        if (records.isEmpty()) {
            out.println("(no messages)");
        }
    }

    /** {@code pass aligned (mfrom bounce.example)}: result, alignment, what was checked. */
    private static String spf(EvaluationRecord.Spf spf) {
        return spf.result().keyword() + alignmentSuffix(spf.alignment()) + " (" + spf.scope().keyword() + " "
                + spf.domain().map(DomainName::name).orElse("-") + ")";
    }

    /** {@code example.com:pass aligned, other.example:fail}; {@code -} for no signature. */
    private static String dkim(List<EvaluationRecord.Dkim> signatures) {
        if (signatures.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (EvaluationRecord.Dkim d : signatures) {
            parts.add(d.domain().map(DomainName::name).orElse("?") + ":" + d.result().keyword()
                    + alignmentSuffix(d.alignment()));
        }
        return String.join(", ", parts);
    }

    private static String alignmentSuffix(AlignmentStatus a) {
        return switch (a) {
            case ALIGNED -> " aligned";
            case NOT_ALIGNED -> " not-aligned";
            case TEMPERROR -> " alignment-temperror";
            case NOT_CHECKED -> "";
        };
    }

    static ObjectNode json(EvaluationRecord r) {
        ObjectNode o = Json.object();
        o.put("key", r.key().value());
        o.put("time", r.time().toString());
        o.put("sourceIp", r.sourceIp().getHostAddress());
        o.put("headerFrom", r.headerFrom().map(DomainName::name).orElse(null));
        o.put("envelopeFrom", r.envelopeFrom().map(DomainName::name).orElse(null));
        ArrayNode to = o.putArray("envelopeTo");
        r.envelopeTo().forEach(d -> to.add(d.name()));
        o.put("policyDomain", r.policyDomain().map(DomainName::name).orElse(null));
        o.put("discovery", r.discoveryMode().name().toLowerCase(Locale.ROOT));
        o.put("role", r.policyDomainRole().map(HistoryListCommand::role).orElse(null));
        if (r.published().isPresent()) {
            EvaluationRecord.PublishedPolicy p = r.published().get();
            ObjectNode pub = o.putObject("published");
            pub.put("p", p.p().map(x -> x.tagValue()).orElse(null));
            pub.put("sp", p.sp().map(x -> x.tagValue()).orElse(null));
            pub.put("np", p.np().map(x -> x.tagValue()).orElse(null));
            pub.put("psd", p.psd().tagValue());
            pub.put("t", p.testing() ? "y" : "n");
            pub.put("adkim", p.adkim().tagValue());
            pub.put("aspf", p.aspf().tagValue());
            ArrayNode fo = pub.putArray("fo");
            p.fo().forEach(fo::add);
            ArrayNode rua = pub.putArray("rua");
            p.rua().forEach(rua::add);
            ArrayNode ruf = pub.putArray("ruf");
            p.ruf().forEach(ruf::add);
            if (p.pct().isPresent()) {
                pub.put("pct", p.pct().getAsInt());
            } else {
                pub.putNull("pct");
            }
        } else {
            o.putNull("published");
        }
        o.put("result", r.result().keyword());
        if (r.appliedPolicy().isPresent()) {
            ObjectNode applied = o.putObject("applied");
            applied.put("tag", r.appliedPolicy().get().tag().tagName());
            applied.put("policy", r.appliedPolicy().get().policy().tagValue());
        } else {
            o.putNull("applied");
        }
        o.put("disposition", r.disposition().reportValue());
        o.put("action", r.action().keyword());
        ArrayNode overrides = o.putArray("overrides");
        r.overrides().forEach(x -> overrides.add(x.reportValue()));
        if (r.arcSealer().isPresent()) {
            o.putObject("arcSealer").put("domain", r.arcSealer().get().domain().name())
                    .put("instance", r.arcSealer().get().instance());
        } else {
            o.putNull("arcSealer");
        }
        ObjectNode spf = o.putObject("spf");
        spf.put("domain", r.spf().domain().map(DomainName::name).orElse(null));
        spf.put("scope", r.spf().scope().keyword());
        spf.put("result", r.spf().result().keyword());
        spf.put("alignment", alignment(r.spf().alignment()));
        ArrayNode dkim = o.putArray("dkim");
        for (EvaluationRecord.Dkim d : r.dkim()) {
            ObjectNode s = dkim.addObject();
            s.put("domain", d.domain().map(DomainName::name).orElse(null));
            s.put("selector", d.selector());
            s.put("result", d.result().keyword());
            s.put("alignment", alignment(d.alignment()));
        }
        return o;
    }

    private static String alignment(AlignmentStatus a) {
        return a.name().toLowerCase(Locale.ROOT); // aligned, not_aligned, temperror, not_checked: the stored codes
    }

    private static String role(PolicyDomainRole r) {
        return switch (r) {
            case AUTHOR_DOMAIN -> "author";
            case ORGANIZATIONAL_DOMAIN -> "org";
            case PUBLIC_SUFFIX_DOMAIN -> "psd";
        };
    }
}
