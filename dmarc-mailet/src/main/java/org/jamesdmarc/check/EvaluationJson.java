package org.jamesdmarc.check;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.DkimAlignment;
import org.jamesdmarc.policy.DmarcEvaluation;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.SpfAlignment;

import com.fasterxml.jackson.core.JsonProcessingException;
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

    public static String toJson(CheckOutcome outcome) {
        try {
            return MAPPER.writeValueAsString(toTree(outcome));
        } catch (JsonProcessingException e) {
            // Only strings, booleans and arrays of them: cannot happen.
            throw new IllegalStateException(e);
        }
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
        } else {
            root.putNull("spf");
            root.putArray("dkim");
        }
        root.put("authenticationResults", outcome.authenticationResults());
        return root;
    }
}
