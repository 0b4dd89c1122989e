package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jamesdmarc.store.StoreException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code dmarc history where}: which database the other {@code dmarc history} commands (and James, for the same
 * James home and environment) open, without opening it. {@code ./run-james} prints it in its summary.
 */
@Command(name = "where",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Print the history database the other history commands open (without opening it): its URL "
                + "with any password masked, where it was named and, for H2, its file.",
            "Exit 0 done, 2 bad options or database settings."})
final class HistoryWhereCommand implements Callable<Integer> {

    private final Map<String, String> environment;

    HistoryWhereCommand() {
        this(System.getenv());
    }

    HistoryWhereCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DatabaseOptions.Target target;
        try {
            target = db.target(environment);
            target.config().kind(); // an unknown scheme given with --db is refused here too
        } catch (StoreException e) {
            err.println("dmarc history where: " + e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        out.println(HistoryStoreOpener.describe(target));
        out.flush();
        return ExitCodes.OK;
    }
}
