package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.check.Outcomes;
import org.junit.jupiter.api.Test;

class DmarcAttributesTest {

    private static EvaluationRecord record() {
        return EvaluationRecord.of(new MessageKey("0123456789abcdef0123456789abcdef"),
                java.time.Instant.parse("2026-12-01T10:00:00Z"), Outcomes.pass(), Optional.of("a@bounce.example.net"),
                java.util.List.of("bob@example.org"), ActionTaken.DELIVERED).orElseThrow();
    }

    private static FakeMail mailWith(AttributeValue<?> value) throws Exception {
        return FakeMail.builder().name("m").attribute(new Attribute(DmarcAttributes.EVALUATION, value)).build();
    }

    @Test
    void readsTheRecordBack() throws Exception {
        EvaluationRecord r = record();
        assertThat(DmarcAttributes.evaluationRecord(mailWith(AttributeValue.of(EvaluationRecordCodec.encode(r)))))
                .contains(r);
    }

    @Test
    void noAttributeNoRecord() throws Exception {
        assertThat(DmarcAttributes.evaluationRecord(FakeMail.builder().name("m").build())).isEmpty();
    }

    @Test
    void malformedValuesGiveNoRecord() throws Exception {
        byte[] good = EvaluationRecordCodec.encode(record());
        assertThat(DmarcAttributes.evaluationRecord(mailWith(AttributeValue.of(new byte[0])))).isEmpty();
        assertThat(DmarcAttributes.evaluationRecord(mailWith(AttributeValue.of(Arrays.copyOf(good, good.length / 2)))))
                .isEmpty();
        byte[] otherVersion = good.clone();
        otherVersion[0] = 99;
        assertThat(DmarcAttributes.evaluationRecord(mailWith(AttributeValue.of(otherVersion)))).isEmpty();
        assertThat(DmarcAttributes.evaluationRecord(mailWith(AttributeValue.of("not bytes")))).isEmpty();
    }

    @Test
    void theAttributeIsOneOfTheDocumentedNames() {
        assertThat(DmarcAttributes.EVALUATION.asString()).isEqualTo("org.jamesdmarc.evaluation");
    }
}
