package org.jamesdmarc.check;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.arc.ArcResult;
import org.jamesdmarc.auth.arc.ArcSet;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.DkimAlignment;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.SpfAlignment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link CheckOutcome} as JSON, the shape {@code dmarc evaluate} prints and the {@code org.jamesdmarc.json}
 * mail attribute carries:
 *
 * <pre>{@code
 * {"dmarc":{"result":"fail","policyDomain":"example.com","policy":"reject","disposition":"reject",
 *           "testing":false,"reasons":[]},
 *  "from":{"domain":"example.com"},
 *  "spf":{"result":"pass","domain":"bounce.example.net","scope":"mfrom","aligned":false},
 *  "dkim":[{"domain":"example.net","selector":"s1","result":"pass","aligned":false}],
 *  "authenticationResults":"mx.example.org; spf=pass ...; dkim=pass ...; dmarc=fail ..."}
 * }</pre>
 *
 * <p>{@code policyDomain} and {@code policy} are {@code null} when no record applied; {@code aligned} is true
 * only for {@link AlignmentStatus#ALIGNED}. A skipped message has {@code result} {@code skipped}, a refused From
 * field {@code permerror} with {@code disposition} {@code reject}; the reason (lower-case {@link SkipReason} /
 * {@link HeaderViolation}) is in {@code reasons},
 * an extra {@code dmarc.detail} string, {@code from.domain} {@code null}, {@code spf} {@code null} and an
 * empty {@code dkim} array. A message without a usable From field (skipped for
 * {@link SkipReason#NO_AUTHOR_DOMAIN}) reads the same but with {@code result} {@code permerror}. Field order is fixed.
 */
public final class EvaluationJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EvaluationJson() {
    }

    /**
     * The JSON text; the same characters Jackson writes for {@link #toTree} ({@code writeValueAsString}), but
     * written directly: this runs once per message at SMTP time, and building and serialising the tree cost
     * about half of the hook's attribute work (JFR, issue 9).
     */
    public static String toJson(CheckOutcome outcome) {
        OutcomeSummary summary = OutcomeSummary.of(outcome);
        StringBuilder b = new StringBuilder(512);
        b.append("{\"dmarc\":{\"result\":");
        string(b, summary.result().keyword());
        b.append(",\"policyDomain\":");
        string(b, summary.policyDomain().map(DomainName::name).orElse(null));
        b.append(",\"policy\":");
        string(b, summary.policy().map(Policy::tagValue).orElse(null));
        b.append(",\"disposition\":");
        string(b, summary.disposition().reportValue());
        b.append(",\"testing\":").append(summary.testing());
        b.append(",\"reasons\":[");
        boolean first = true;
        for (String reason : summary.reasons()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            string(b, reason);
        }
        b.append(']');
        if (!(outcome instanceof CheckOutcome.Evaluated)) {
            b.append(",\"detail\":");
            string(b, summary.detail());
        }
        b.append("},\"from\":{\"domain\":");
        string(b, summary.fromDomain().map(DomainName::name).orElse(null));
        b.append('}');
        if (outcome instanceof CheckOutcome.Evaluated e) {
            DmarcEvaluation ev = e.evaluation();
            SpfAlignment spfAlignment = ev.spf();
            b.append(",\"spf\":{\"result\":");
            string(b, spfAlignment.outcome().result().keyword());
            b.append(",\"domain\":");
            string(b, spfAlignment.outcome().domain().map(DomainName::name).orElse(""));
            b.append(",\"scope\":");
            string(b, spfAlignment.outcome().scope().keyword());
            b.append(",\"aligned\":").append(spfAlignment.alignment() == AlignmentStatus.ALIGNED);
            b.append("},\"dkim\":[");
            first = true;
            for (DkimAlignment d : ev.dkim()) {
                DkimOutcome o = d.outcome();
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append("{\"domain\":");
                string(b, o.domain().map(DomainName::name).orElse(""));
                b.append(",\"selector\":");
                string(b, o.selector());
                b.append(",\"result\":");
                string(b, o.result().keyword());
                b.append(",\"aligned\":").append(d.alignment() == AlignmentStatus.ALIGNED);
                b.append('}');
            }
            b.append(']');
            if (e.arc().result() != ArcResult.NONE) {
                b.append(",\"arc\":{\"result\":");
                string(b, e.arc().result().keyword());
                b.append(",\"oldestPass\":").append(e.arc().oldestPass()).append(",\"reason\":");
                string(b, e.arc().reason());
                b.append(",\"sealers\":[");
                first = true;
                for (ArcSet set : e.arc().sets()) {
                    b.append(first ? "" : ",").append("{\"instance\":").append(set.instance()).append(",\"domain\":");
                    string(b, set.sealer().map(DomainName::name).orElse(""));
                    b.append('}');
                    first = false;
                }
                b.append("],\"override\":");
                string(b, e.arcOverride().map(d -> d.reason().reportValue()).orElse(null));
                b.append('}');
            }
        } else {
            b.append(",\"spf\":null,\"dkim\":[]");
        }
        b.append(",\"authenticationResults\":");
        string(b, outcome.authenticationResults());
        return b.append('}').toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * A JSON string (RFC 8259 §7), escaped as Jackson's default generator does: quotation mark and reverse
     * solidus with a reverse solidus, the control characters below U+0020 by their two-character escapes
     * (b, t, n, f, r) or as a six-character escape with upper-case hex digits, everything else (non-ASCII,
     * U+007F, lone surrogates) as it is; {@code null} for null.
     */
    static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        int start = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            b.append(s, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\f' -> b.append("\\f");
                case '\r' -> b.append("\\r");
                default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        b.append(s, start, n).append('"');
    }

    public static ObjectNode toTree(CheckOutcome outcome) {
        OutcomeSummary summary = OutcomeSummary.of(outcome);
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode dmarc = root.putObject("dmarc");
        dmarc.put("result", summary.result().keyword());
        dmarc.put("policyDomain", summary.policyDomain().map(DomainName::name).orElse(null));
        dmarc.put("policy", summary.policy().map(Policy::tagValue).orElse(null));
        dmarc.put("disposition", summary.disposition().reportValue());
        dmarc.put("testing", summary.testing());
        ArrayNode reasons = dmarc.putArray("reasons");
        summary.reasons().forEach(reasons::add);
        if (!(outcome instanceof CheckOutcome.Evaluated)) {
            dmarc.put("detail", summary.detail());
        }
        root.putObject("from").put("domain", summary.fromDomain().map(DomainName::name).orElse(null));
        ArrayNode dkim;
        if (outcome instanceof CheckOutcome.Evaluated e) {
            DmarcEvaluation ev = e.evaluation();
            SpfAlignment spfAlignment = ev.spf();
            ObjectNode spf = root.putObject("spf");
            spf.put("result", spfAlignment.outcome().result().keyword());
            spf.put("domain", spfAlignment.outcome().domain().map(DomainName::name).orElse(""));
            spf.put("scope", spfAlignment.outcome().scope().keyword());
            spf.put("aligned", spfAlignment.alignment() == AlignmentStatus.ALIGNED);
            dkim = root.putArray("dkim");
            for (DkimAlignment d : ev.dkim()) {
                DkimOutcome o = d.outcome();
                ObjectNode n = dkim.addObject();
                n.put("domain", o.domain().map(DomainName::name).orElse(""));
                n.put("selector", o.selector());
                n.put("result", o.result().keyword());
                n.put("aligned", d.alignment() == AlignmentStatus.ALIGNED);
            }
            if (e.arc().result() != ArcResult.NONE) {
                ObjectNode arc = root.putObject("arc");
                arc.put("result", e.arc().result().keyword());
                arc.put("oldestPass", e.arc().oldestPass());
                arc.put("reason", e.arc().reason());
                ArrayNode sealers = arc.putArray("sealers");
                for (ArcSet set : e.arc().sets()) {
                    sealers.addObject().put("instance", set.instance())
                            .put("domain", set.sealer().map(DomainName::name).orElse(""));
                }
                arc.put("override", e.arcOverride().map(d -> d.reason().reportValue()).orElse(null));
            }
        } else {
            root.putNull("spf");
            root.putArray("dkim");
        }
        root.put("authenticationResults", outcome.authenticationResults());
        return root;
    }
}
