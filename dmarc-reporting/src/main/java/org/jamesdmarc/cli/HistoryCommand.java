package org.jamesdmarc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dmarc history import|stats|list|expire}: the evaluation history database. */
@Command(name = "history",
        mixinStandardHelpOptions = true,
        description = "Import OpenDMARC history files into the evaluation history database, inspect it, expire old messages and say where it is.",
        subcommands = {HistoryImportCommand.class, HistoryStatsCommand.class, HistoryListCommand.class,
            HistoryExpireCommand.class, HistoryWhereCommand.class})
final class HistoryCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: import, stats, list, expire or where");
    }
}
