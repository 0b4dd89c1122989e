package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyOverride;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@link EvaluationJson#toJson} writes its text by hand (issue 9: Jackson's tree cost CPU per message at SMTP
 * time); the text must stay character for character what Jackson wrote from {@link EvaluationJson#toTree}.
 */
class EvaluationJsonJacksonEquivalenceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String jackson(CheckOutcome outcome) throws Exception {
        return MAPPER.writeValueAsString(EvaluationJson.toTree(outcome));
    }

    private static List<CheckOutcome> outcomes(String text) {
        List<CheckOutcome> all = new ArrayList<>();
        all.add(Outcomes.pass());
        all.add(Outcomes.temperror());
        all.add(Outcomes.fail(Policy.REJECT, Disposition.REJECT));
        all.add(Outcomes.fail(Policy.QUARANTINE, Disposition.NONE));
        all.add(Outcomes.evaluated(DmarcResult.FAIL, Policy.REJECT, Disposition.QUARANTINE, true,
                List.of(PolicyOverride.POLICY_TEST_MODE, PolicyOverride.LOCAL_POLICY), text, List.of(0, 2)));
        all.add(Outcomes.evaluated(DmarcResult.NONE, null, Disposition.NONE, false, List.of(), text, List.of()));
        for (SkipReason r : SkipReason.values()) {
            all.add(Outcomes.skipped(r));
            all.add(new CheckOutcome.Skipped(r, text, text, List.of()));
        }
        all.add(Outcomes.internalError(List.of(1)));
        for (HeaderViolation v : HeaderViolation.values()) {
            all.add(Outcomes.refused(v));
            all.add(new CheckOutcome.Refused(v, text, text, List.of()));
        }
        return all;
    }

    @Test
    void everyOutcomeShapeIsWrittenAsJacksonWritesIt() throws Exception {
        for (CheckOutcome o : outcomes("mx.example.org; dmarc=pass header.from=example.com")) {
            assertThat(EvaluationJson.toJson(o)).isEqualTo(jackson(o));
        }
    }

    @Test
    void controlCharactersQuotesBackslashesAndNonAsciiAreEscapedAsJacksonDoes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("\u2028\u2029\ud800x\udc00\ud83d\ude00\uffff\"\\/");
        for (CheckOutcome o : outcomes(all.toString())) {
            assertThat(EvaluationJson.toJson(o)).isEqualTo(jackson(o));
        }
    }

    @Test
    void randomStringsAreQuotedAsJacksonQuotesThem() throws Exception {
        Random random = new Random(9);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(40);
            for (int j = 0; j < n; j++) {
                s.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : (char) random.nextInt(0x80));
            }
            StringBuilder ours = new StringBuilder();
            EvaluationJson.string(ours, s.toString());
            assertThat(ours.toString()).isEqualTo(MAPPER.writeValueAsString(s.toString()));
        }
        StringBuilder nul = new StringBuilder();
        EvaluationJson.string(nul, null);
        assertThat(nul.toString()).isEqualTo(MAPPER.writeValueAsString(null));
    }
}
