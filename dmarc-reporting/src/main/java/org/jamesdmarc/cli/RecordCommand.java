package org.jamesdmarc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dmarc record}: parse or generate DMARC Policy Records. */
@Command(name = "record",
        mixinStandardHelpOptions = true,
        description = "Parse or generate a DMARC Policy Record.",
        subcommands = {RecordParseCommand.class, RecordGenerateCommand.class})
final class RecordCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: parse or generate");
    }
}
