package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The top-level {@code dmarc} command: help, version, usage errors. */
class DmarcCliTest {

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun r = CliRun.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("record", "check", "Exit codes:")
                .contains("0   success").contains("1   check: no DMARC policy")
                .contains("2   invalid input").contains("3   check, evaluate: temporary DNS failure")
                .contains("evaluate completed").contains("4   check, evaluate: permanent error")
                .contains("70   internal error");
    }

    @Test
    void subcommandHelpWorks() {
        CliRun r = CliRun.run("help", "check");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--dns", "--psl", "--treewalk", "--json");
        assertThat(CliRun.run("help", "evaluate").out()).contains("--ip", "--helo", "--mail-from", "--message",
                "--authserv-id", "--trusted-authserv-ids", "Exit 0 evaluated");
        assertThat(CliRun.run("record", "generate", "--help").out()).contains("--rua", "--psd", "--domain");
    }

    @Test
    void versionIsPrinted() {
        CliRun r = CliRun.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("dmarc ");
    }

    @Test
    void missingOrUnknownCommandIsAUsageError() {
        CliRun none = CliRun.run();
        assertThat(none.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(none.err()).contains("Missing command").contains("Usage: dmarc");
        assertThat(none.out()).isEmpty();

        CliRun unknown = CliRun.run("frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknown.err()).contains("frobnicate");

        assertThat(CliRun.run("record").exitCode()).isEqualTo(ExitCodes.INVALID);
    }
}
