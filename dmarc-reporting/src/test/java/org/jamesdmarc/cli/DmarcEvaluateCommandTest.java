package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.jamesdmarc.dns.DnsClient;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** Option handling and input preparation of {@code dmarc evaluate}, without DNS. */
class DmarcEvaluateCommandTest {

    private static CliRun run(String... args) {
        DnsClient noDns = Mockito.mock(DnsClient.class);
        return CliRun.run(DmarcCli.newCommandLine(s -> noDns,
                () -> new ByteArrayInputStream("From: a@example.test\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))),
                args);
    }

    @Test
    void badIpIsInvalidInputAndNoLookupIsMade() {
        CliRun r = run("evaluate", "--ip", "mail.example.test", "--helo", "h", "--mail-from", "a@example.test");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("--ip: not an IP address: 'mail.example.test'");
        assertThat(r.out()).isEmpty();

        CliRun octet = run("evaluate", "--ip", "127.0.0.300", "--helo", "h", "--mail-from", "a@example.test");
        assertThat(octet.exitCode()).as(octet.toString()).isEqualTo(ExitCodes.INVALID);
    }

    @Test
    void missingRequiredOptionAndBadDnsAreInvalidInput() {
        CliRun noIp = run("evaluate", "--helo", "h", "--mail-from", "a@example.test");
        assertThat(noIp.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(noIp.err()).contains("--ip");

        CliRun badDns = run("evaluate", "--ip", "192.0.2.1", "--helo", "h", "--mail-from", "", "--dns", "not a server");
        assertThat(badDns.exitCode()).as(badDns.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(badDns.err()).contains("--dns");

        CliRun unreadable = run("evaluate", "--ip", "192.0.2.1", "--helo", "h", "--mail-from", "",
                "--message", "/nonexistent/message.eml");
        assertThat(unreadable.exitCode()).as(unreadable.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(unreadable.err()).contains("cannot read the message");
    }

    @Test
    void nullReversePath() {
        assertThat(EvaluateCommand.reversePath("")).isEmpty();
        assertThat(EvaluateCommand.reversePath("<>")).isEmpty();
        assertThat(EvaluateCommand.reversePath(" < > ")).isEmpty();
        assertThat(EvaluateCommand.reversePath("<a@example.test>")).isEqualTo(Optional.of("a@example.test"));
        assertThat(EvaluateCommand.reversePath("a@example.test")).isEqualTo(Optional.of("a@example.test"));
    }

    @Test
    void bareLfBecomesCrlfAndCrlfIsKept() {
        assertThat(new String(EvaluateCommand.toCrlf("a\nb\r\nc\n\n".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII)).isEqualTo("a\r\nb\r\nc\r\n\r\n");
        assertThat(EvaluateCommand.toCrlf("\n".getBytes(StandardCharsets.US_ASCII))).containsExactly('\r', '\n');
        assertThat(EvaluateCommand.toCrlf(new byte[0])).isEmpty();
    }
}
