package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.util.Map;

import org.jamesdmarc.store.StoreException;

import picocli.CommandLine.Command;

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
final class HistoryWhereCommand extends DatabaseCommand {

    HistoryWhereCommand() {
        this(System.getenv());
    }

    HistoryWhereCommand(Map<String, String> environment) {
        super("dmarc history where", environment);
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        DatabaseOptions.Target target;
        try {
            target = db.target(environment);
            target.config().kind(); // an unknown scheme given with --db is refused here too
        } catch (StoreException e) {
            return fail(err, e.getMessage());
        }
        out.println(HistoryStoreOpener.describe(target));
        out.flush();
        return ExitCodes.OK;
    }
}
