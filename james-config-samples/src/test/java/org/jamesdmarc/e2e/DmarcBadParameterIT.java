package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * A mistyped DmarcCheck parameter must stop James at start-up with a message that names the parameter,
 * rather than start a mail server that checks nothing (or checks with a setting the admin did not mean).
 */
class DmarcBadParameterIT {

    @Test
    void jamesRefusesToStartAndNamesTheBadParameter() {
        JamesProcess.Builder badTimeout = JamesProcess.builder("dmarc-bad-parameter")
            .mailetBlock("""
                <mailet match="All" class="org.jamesdmarc.james.DmarcCheck">
                    <authservId>mx.james.local</authservId>
                    <dnsTimeout>five seconds</dnsTimeout>
                </mailet>
                """)
            .startTimeout(Duration.ofMinutes(3));

        assertThatThrownBy(badTimeout::start)
            .isInstanceOf(JamesProcess.JamesStartException.class)
            .hasMessageContaining("run-james exited")
            // James's own start-up error, not an echo of the configuration.
            .hasMessageContaining("Invalid DmarcCheck parameter: dnsTimeout: 'five seconds' is not a duration");
    }
}
