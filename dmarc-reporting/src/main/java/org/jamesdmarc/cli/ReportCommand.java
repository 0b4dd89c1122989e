package org.jamesdmarc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dmarc report send|status}: aggregate reports (RFC 9990) from the history database. */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = "Build and send the aggregate reports (RFC 9990) of the evaluation history, or show what was sent.",
        subcommands = {ReportSendCommand.class, ReportStatusCommand.class})
final class ReportCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: send or status");
    }
}
