package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.MessageContext;
import org.junit.jupiter.api.Test;

/** The start-up messages of the mailet and the hook name the component and the parameter (operators grep for them). */
class CheckSetupTest {

    private static <E extends Exception> CheckSetup<E> setup(String component, Map<String, String> parameters,
                                                             CheckSetup.Failure<E> failure) {
        return new CheckSetup<>(component, name -> Optional.ofNullable(parameters.get(name)), failure);
    }

    @Test
    void badSharedParameterNamesTheComponentAndTheParameter() {
        assertThatThrownBy(() -> setup("DmarcCheck", Map.of("authservId", "mx", "dnsTimeout", "five seconds"),
                MessagingException::new).settings())
                .isInstanceOf(MessagingException.class)
                .hasMessageStartingWith("Invalid DmarcCheck parameter: dnsTimeout: 'five seconds' is not a duration");
        assertThatThrownBy(() -> setup("DmarcMessageHook", Map.of("authservId", "mx", "dnsTimeout", "abc"),
                ConfigurationException::new).settings())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Invalid DmarcMessageHook parameter: dnsTimeout: 'abc' is not a duration");
    }

    @Test
    void badOwnParameterReadsTheSame() {
        assertThatThrownBy(() -> setup("DmarcMessageHook", Map.of("rejectFailures", "sometimes"),
                ConfigurationException::new).bool("rejectFailures", false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Invalid DmarcMessageHook parameter: rejectFailures: 'sometimes' is not a boolean");
    }

    @Test
    void ownBooleanDefaultsWhenAbsent() throws Exception {
        CheckSetup<MessagingException> setup = setup("DmarcCheck", Map.of("softwareHeader", "yes"), MessagingException::new);
        assertThat(setup.bool("softwareHeader", false)).isTrue();
        assertThat(setup.bool("other", true)).isTrue();
    }

    @Test
    void injectedCheckerIsUsedAsGiven() throws Exception {
        CheckSetup<MessagingException> setup = setup("DmarcCheck", Map.of("authservId", "mx"), MessagingException::new);
        CheckOutcome outcome = org.jamesdmarc.check.Outcomes.pass();
        MeteredCheck check = setup.start(setup.settings(), ctx -> outcome, new DmarcMetrics(NoopMetricFactory.INSTANCE));
        MessageContext context = new MessageContext(java.net.InetAddress.getLoopbackAddress(), "", java.util.Optional.empty(),
                false, new byte[0]);
        assertThat(check.run(() -> context).outcome()).isSameAs(outcome);
    }
}
