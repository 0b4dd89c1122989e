package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import javax.mail.internet.MimeMessage;

import org.jamesdmarc.e2e.probe.ProbeMailet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How James 3.8.1 loads a mailet of ours: a jar in extensions-jars/, the class named fully
 * qualified in mailetcontainer.xml at the DMARC block, instantiated by Guice.
 */
class JamesExtensionJarIT {
    private static final String DNS_SERVERS = "127.0.0.1:53";
    private static JamesProcess james;

    @BeforeAll
    static void startJames() throws IOException {
        Path e2eDir = Paths.get(System.getProperty("jamesdmarc.e2e.dir", "target/james-e2e"));
        Path jar = ExtensionJars.packageOf(ProbeMailet.class, e2eDir.resolve("probe-mailet.jar"));
        james = JamesProcess.builder("extension-jar")
            .extensionJar(jar)
            .dnsServers(DNS_SERVERS)
            .mailetBlock("""
                <mailet match="All" class="org.jamesdmarc.e2e.probe.ProbeMailet">
                    <value>plain</value>
                    <fromSystemProperty>${sys:dmarc.dns.servers}</fromSystemProperty>
                    <fromEnvironment>${env:DMARC_DNS_SERVERS}</fromEnvironment>
                </mailet>
                """)
            .start();
    }

    @AfterAll
    static void stopJames() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void mailetFromExtensionsJarRunsOnIncomingMail() throws Exception {
        String token = UUID.randomUUID().toString();
        SmtpClient client = SmtpClient.from(james, "127.0.0.3", "mail.example.org");
        MimeMessage message = client.message("alice@example.org", james.user(), "probe", "probe " + token);
        message.setHeader("X-Test-Token", token);

        client.send(message);

        Optional<MimeMessage> delivered = ImapInbox.of(james).await("X-Test-Token", token, Duration.ofSeconds(30));
        assertThat(delivered).as("delivered; James log:%n%s", james.logTail()).isPresent();
        MimeMessage got = delivered.get();
        System.out.println("probe headers:");
        for (String h : new String[] {"X-Probe-Param", "X-Probe-Sys-Param", "X-Probe-Env-Param", "X-Probe-Injected",
            "X-Probe-Class-Loader", "X-Probe-Remote-Addr", "X-Probe-Remote-Host", "X-Probe-Attributes"}) {
            System.out.println("  " + h + ": " + got.getHeader(h, ", "));
        }
        assertThat(got.getHeader("X-Probe-Param", null)).isEqualTo("plain");
        assertThat(got.getHeader("X-Probe-Class-Loader", null)).isEqualTo("java.net.URLClassLoader");
        assertThat(got.getHeader("X-Probe-Injected", null)).isNotBlank();
        assertThat(got.getHeader("X-Probe-Remote-Addr", null)).isEqualTo("127.0.0.3");
        // Mailet parameters are interpolated: the DMARC block can read run-james's DNS setting.
        assertThat(got.getHeader("X-Probe-Sys-Param", null)).isEqualTo(DNS_SERVERS);
        assertThat(got.getHeader("X-Probe-Env-Param", null)).isEqualTo(DNS_SERVERS);
        // The EHLO name reaches mailets as an attribute (needed for SPF HELO checks).
        assertThat(got.getHeader("X-Probe-Attributes", null)).contains("org.apache.james.HELO=mail.example.org");
    }

    @Test
    void withoutTheJarJamesRefusesToStartAndTheHarnessShowsWhy() {
        JamesProcess.Builder noJar = JamesProcess.builder("extension-jar-missing")
            .mailetBlock("<mailet match=\"All\" class=\"org.jamesdmarc.e2e.probe.ProbeMailet\"/>")
            .startTimeout(Duration.ofMinutes(3));

        assertThatThrownBy(noJar::start)
            .isInstanceOf(JamesProcess.JamesStartException.class)
            .hasMessageContaining("run-james exited")
            .hasMessageContaining("org.jamesdmarc.e2e.probe.ProbeMailet");
    }
}
