package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The sample configuration as an admin runs it without DMARC_DNS_SERVERS: {@code ${sys:dmarc.dns.servers}}
 * is then empty, which means the system resolvers, and James starts. No mail from the Internet is sent
 * here, so nothing is looked up in DNS (tests stay on loopback).
 */
class DmarcDefaultsIT {

    @Test
    void withoutDnsServersJamesStartsWithTheSystemResolvers() throws Exception {
        try (JamesProcess james = JamesProcess.builder("dmarc-defaults").dnsServers("").start()) {
            String out = Files.readString(james.scriptOutput());
            assertThat(out)
                .contains("DMARC DNS      system resolvers")
                .contains("DMARC at SMTP  DmarcMessageHook in conf/smtpserver.xml: rejectFailures true");
            assertThat(Files.readString(james.logFile()))
                .contains("Mailet org.jamesdmarc.james.DmarcCheck instantiated")
                .doesNotContain("Invalid DmarcCheck parameter", "Invalid DmarcMessageHook parameter");

            // Mail from the authorised network is not checked, so this needs no DNS at all.
            String token = TestMail.token();
            SmtpClient.from(james, "127.0.0.1", "localhost")
                .sendRaw(TestMail.message("alice@james.local", james.user(), token, List.of()),
                    "alice@james.local", james.user());
            assertThat(ImapInbox.of(james).await(TestMail.TOKEN_HEADER, token, java.time.Duration.ofSeconds(30)))
                .as("delivered; James log:%n%s", james.logTail()).isPresent();
        }
    }
}
