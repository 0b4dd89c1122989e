package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.HeaderViolation;
import org.jamesdmarc.check.Outcomes;
import org.jamesdmarc.check.SkipReason;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.Policy;
import org.junit.jupiter.api.Test;

class IsDmarcFailTest {

    private static IsDmarcFail matcher(String condition) throws MessagingException {
        IsDmarcFail matcher = new IsDmarcFail();
        FakeMatcherConfig.Builder config = FakeMatcherConfig.builder().matcherName("IsDmarcFail");
        if (condition != null) {
            config.condition(condition);
        }
        matcher.init(config.build());
        return matcher;
    }

    private static FakeMail mail(CheckOutcome outcome) throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipients("bob@example.org", "carol@example.org").build();
        if (outcome != null) {
            DmarcAttributes.store(mail, outcome, java.util.Optional.empty());
        }
        return mail;
    }

    @Test
    void withoutConditionMatchesAnyFail() throws Exception {
        IsDmarcFail matcher = matcher(null);
        assertThat(matcher.match(mail(Outcomes.fail(Policy.REJECT, Disposition.REJECT))))
                .containsExactly(new MailAddress("bob@example.org"), new MailAddress("carol@example.org"));
        assertThat(matcher.match(mail(Outcomes.fail(Policy.QUARANTINE, Disposition.QUARANTINE)))).hasSize(2);
        assertThat(matcher.match(mail(Outcomes.fail(Policy.NONE, Disposition.NONE)))).hasSize(2);
    }

    @Test
    void emptyConditionIsNoCondition() throws Exception {
        assertThat(matcher("").match(mail(Outcomes.fail(Policy.NONE, Disposition.NONE)))).hasSize(2);
    }

    @Test
    void neverMatchesOtherResults() throws Exception {
        IsDmarcFail matcher = matcher(null);
        assertThat(matcher.match(mail(Outcomes.pass()))).isEmpty();
        assertThat(matcher.match(mail(Outcomes.temperror()))).isEmpty();
        assertThat(matcher.match(mail(Outcomes.skipped(SkipReason.IGNORED_HOST)))).isEmpty();
        assertThat(matcher.match(mail(null))).isEmpty();
    }

    @Test
    void aRefusedFromFieldMatchesLikeARejectFailure() throws Exception {
        // Issue 8: a From we cannot read is refused (permerror, disposition reject): kept out of the inbox by the
        // same IsDmarcFail=reject that handles p=reject failures, never by a quarantine or none condition.
        CheckOutcome refused = Outcomes.refused(HeaderViolation.INVALID_FROM);
        assertThat(matcher(null).match(mail(refused))).hasSize(2);
        assertThat(matcher("reject").match(mail(refused))).hasSize(2);
        assertThat(matcher("quarantine").match(mail(refused))).isEmpty();
        // Delivered permerror (requiredHeaders=false: disposition none) is not a failure to act on.
        FakeMail delivered = FakeMail.builder().name("p").recipients("bob@example.org")
                .attribute(new org.apache.mailet.Attribute(DmarcAttributes.RESULT,
                        org.apache.mailet.AttributeValue.of("permerror")))
                .attribute(new org.apache.mailet.Attribute(DmarcAttributes.DISPOSITION,
                        org.apache.mailet.AttributeValue.of("none"))).build();
        assertThat(matcher(null).match(delivered)).isEmpty();
    }

    @Test
    void conditionRestrictsToDispositions() throws Exception {
        IsDmarcFail matcher = matcher("quarantine, REJECT");
        assertThat(matcher.match(mail(Outcomes.fail(Policy.REJECT, Disposition.REJECT)))).hasSize(2);
        assertThat(matcher.match(mail(Outcomes.fail(Policy.QUARANTINE, Disposition.QUARANTINE)))).hasSize(2);
        assertThat(matcher.match(mail(Outcomes.fail(Policy.NONE, Disposition.NONE)))).isEmpty();
        // t=y: p=reject published, quarantine applied
        assertThat(matcher("reject").match(mail(Outcomes.fail(Policy.REJECT, Disposition.QUARANTINE)))).isEmpty();
        assertThat(matcher("none").match(mail(Outcomes.fail(Policy.NONE, Disposition.NONE)))).hasSize(2);
    }

    @Test
    void badConditionFailsInit() {
        assertThatThrownBy(() -> matcher("reject,drop"))
                .isInstanceOf(MessagingException.class)
                .hasMessage("IsDmarcFail: 'drop' is not one of none, quarantine, reject");
    }
}
