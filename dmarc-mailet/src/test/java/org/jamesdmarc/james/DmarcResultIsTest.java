package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.HeaderViolation;
import org.jamesdmarc.check.Outcomes;
import org.jamesdmarc.check.SkipReason;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.Policy;
import org.junit.jupiter.api.Test;

class DmarcResultIsTest {

    private static DmarcResultIs matcher(String condition) throws MessagingException {
        DmarcResultIs matcher = new DmarcResultIs();
        FakeMatcherConfig.Builder config = FakeMatcherConfig.builder().matcherName("DmarcResultIs");
        if (condition != null) {
            config.condition(condition);
        }
        matcher.init(config.build());
        return matcher;
    }

    private static FakeMail mail(CheckOutcome outcome) throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipients("bob@example.org").build();
        DmarcAttributes.store(mail, outcome, java.util.Optional.empty());
        return mail;
    }

    @Test
    void matchesListedResults() throws Exception {
        DmarcResultIs matcher = matcher("pass,none");
        assertThat(matcher.match(mail(Outcomes.pass()))).hasSize(1);
        assertThat(matcher.match(mail(Outcomes.fail(Policy.REJECT, Disposition.REJECT)))).isEmpty();
        assertThat(matcher.match(mail(Outcomes.temperror()))).isEmpty();
    }

    @Test
    void everyResultCanBeMatched() throws Exception {
        assertThat(matcher("fail").match(mail(Outcomes.fail(Policy.NONE, Disposition.NONE)))).hasSize(1);
        assertThat(matcher("temperror").match(mail(Outcomes.temperror()))).hasSize(1);
        assertThat(matcher("skipped").match(mail(Outcomes.skipped(SkipReason.IGNORED_MAIL_FROM)))).hasSize(1);
        assertThat(matcher(" PermError ").match(mail(Outcomes.refused(HeaderViolation.INVALID_FROM)))).hasSize(1);
        FakeMail permerror = FakeMail.builder().name("p").recipients("bob@example.org")
                .attribute(new Attribute(DmarcAttributes.RESULT, AttributeValue.of("permerror"))).build();
        assertThat(matcher("permerror").match(permerror)).hasSize(1);
        assertThat(matcher("pass").match(permerror)).isEmpty();
    }

    @Test
    void internalErrorsMatchTemperror() throws Exception {
        FakeMail mail = FakeMail.builder().name("e").recipients("bob@example.org").build();
        DmarcAttributes.storeError(mail, "boom");
        assertThat(matcher("temperror").match(mail)).hasSize(1);
    }

    @Test
    void mailWithoutResultNeverMatches() throws Exception {
        FakeMail mail = FakeMail.builder().name("n").recipients("bob@example.org").build();
        assertThat(matcher("pass,fail,none,temperror,permerror,skipped").match(mail)).isEmpty();
    }

    @Test
    void conditionIsRequired() {
        assertThatThrownBy(() -> matcher(null)).isInstanceOf(MessagingException.class)
                .hasMessageContaining("needs a condition");
        assertThatThrownBy(() -> matcher(" , ")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("needs a condition");
    }

    @Test
    void refusedIsNoLongerAResultName() {
        // Issue 8: a refused From field is permerror (disposition reject) everywhere; the old name stops James.
        assertThatThrownBy(() -> matcher("refused")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("'refused' is not one of");
    }

    @Test
    void unknownResultFailsInit() {
        assertThatThrownBy(() -> matcher("pass,softfail"))
                .isInstanceOf(MessagingException.class)
                .hasMessageStartingWith("DmarcResultIs: 'softfail' is not one of pass, fail");
    }
}
