package org.jamesdmarc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dmarc report send|status|ingest|expire}: aggregate reports (RFC 9990) from the history database, and those others send. */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = "Build and send the aggregate reports (RFC 9990) of the evaluation history, show what was sent, ingest the reports others send, or expire old ones.",
        subcommands = {ReportSendCommand.class, ReportStatusCommand.class, ReportIngestCommand.class, ReportExpireCommand.class})
final class ReportCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: send, status, ingest or expire");
    }
}
