package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EvaluationJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void evaluatedFailInTheDocumentedShape() {
        CheckOutcome outcome = Outcomes.evaluated(DmarcResult.FAIL, Policy.REJECT, Disposition.QUARANTINE, true,
                List.of(PolicyOverride.POLICY_TEST_MODE), "mx.example.org; dmarc=fail header.from=example.com", List.of(0));

        assertThat(EvaluationJson.toJson(outcome)).isEqualTo("{"
                + "\"dmarc\":{\"result\":\"fail\",\"policyDomain\":\"example.com\",\"policy\":\"reject\","
                + "\"disposition\":\"quarantine\",\"testing\":true,\"reasons\":[\"policy_test_mode\"]},"
                + "\"from\":{\"domain\":\"example.com\"},"
                + "\"spf\":{\"result\":\"pass\",\"domain\":\"bounce.example.net\",\"scope\":\"mfrom\",\"aligned\":false},"
                + "\"dkim\":[{\"domain\":\"example.com\",\"selector\":\"sel\",\"result\":\"fail\",\"aligned\":false}],"
                + "\"authenticationResults\":\"mx.example.org; dmarc=fail header.from=example.com\"}");
    }

    @Test
    void passWithAlignedDkim() throws Exception {
        JsonNode json = MAPPER.readTree(EvaluationJson.toJson(Outcomes.pass()));
        assertThat(json.at("/dmarc/result").asText()).isEqualTo("pass");
        assertThat(json.at("/dmarc/disposition").asText()).isEqualTo("none");
        assertThat(json.at("/dkim/0/aligned").asBoolean()).isTrue();
        assertThat(json.at("/dkim/0/result").asText()).isEqualTo("pass");
    }

    @Test
    void noRecordGivesNullPolicyAndPolicyDomain() throws Exception {
        JsonNode json = MAPPER.readTree(EvaluationJson.toJson(Outcomes.temperror()));
        assertThat(json.at("/dmarc/result").asText()).isEqualTo("temperror");
        assertThat(json.at("/dmarc/policyDomain").isNull()).isTrue();
        assertThat(json.at("/dmarc/policy").isNull()).isTrue();
        assertThat(json.at("/from/domain").asText()).isEqualTo("example.com");
    }

    @Test
    void skipped() throws Exception {
        JsonNode json = MAPPER.readTree(EvaluationJson.toJson(Outcomes.skipped(SkipReason.IGNORED_HOST)));
        assertThat(json.at("/dmarc/result").asText()).isEqualTo("skipped");
        assertThat(json.at("/dmarc/disposition").asText()).isEqualTo("none");
        assertThat(json.at("/dmarc/reasons/0").asText()).isEqualTo("ignored_host");
        assertThat(json.at("/dmarc/detail").asText()).isEqualTo("client 192.0.2.1 is in ignoreHosts");
        assertThat(json.at("/from/domain").isNull()).isTrue();
        assertThat(json.get("spf").isNull()).isTrue();
        assertThat(json.get("dkim").isEmpty()).isTrue();
        assertThat(json.get("authenticationResults").asText()).isEqualTo("mx.example.org; none");
    }

    @Test
    void refused() throws Exception {
        JsonNode json = MAPPER.readTree(EvaluationJson.toJson(Outcomes.refused(HeaderViolation.MULTI_VALUE_FROM)));
        assertThat(json.at("/dmarc/result").asText()).isEqualTo("permerror");
        assertThat(json.at("/dmarc/disposition").asText()).isEqualTo("reject");
        assertThat(json.at("/dmarc/reasons/0").asText()).isEqualTo("multi_value_from");
    }

    @Test
    void fieldOrderIsFixed() throws Exception {
        JsonNode json = MAPPER.readTree(EvaluationJson.toJson(Outcomes.pass()));
        assertThat(json.fieldNames()).toIterable().containsExactly("dmarc", "from", "spf", "dkim", "authenticationResults");
        assertThat(json.get("dmarc").fieldNames()).toIterable()
                .containsExactly("result", "policyDomain", "policy", "disposition", "testing", "reasons");
    }
}
