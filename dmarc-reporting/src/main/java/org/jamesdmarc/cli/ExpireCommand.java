package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.ReportSettings;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * What the {@code expire} commands ({@code dmarc history expire}, {@code dmarc report expire}) share: the database
 * options, the bounds of {@code --days}, the batch size, the James home's report settings, opening the history store
 * and the one-line failure (exit {@value ExitCodes#INVALID}) named after the command.
 */
abstract class ExpireCommand implements Callable<Integer> {

    /** Rows (messages, reports) per transaction. */
    static final int BATCH = 1000;
    /** About 27 years: more is a mistake, and the cutoff stays after the epoch. */
    static final int MAX_DAYS = 10_000;

    /** The command as the operator typed it, e.g. {@code dmarc history expire}: the prefix of its messages. */
    private final String command;
    private final Map<String, String> environment;
    final Clock clock;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    ExpireCommand(String command, Map<String, String> environment, Clock clock) {
        this.command = command;
        this.environment = environment;
        this.clock = clock;
    }

    /** The complaint about {@code --days N} outside 1..{@value #MAX_DAYS}; empty when N is fine. */
    static Optional<String> badDays(int days) {
        return days < 1 || days > MAX_DAYS
                ? Optional.of("--days must be between 1 and " + MAX_DAYS + ": " + days)
                : Optional.empty();
    }

    /**
     * The report settings of the James home the database options name.
     *
     * @throws org.jamesdmarc.store.SettingsException for bad settings
     */
    final ReportSettings reportSettings() {
        return ReportSettings.load(db.jamesHome(environment, Optional.ofNullable(
                System.getProperty(DatabaseOptions.REPOSITORY_ROOT_PROPERTY)).filter(s -> !s.isBlank())
                .map(Path::of)));
    }

    /**
     * Opens the history store, telling {@code err} which database it is.
     *
     * @throws org.jamesdmarc.store.StoreException (one line) for an operator's mistake or a database failure
     */
    final JdbcHistoryStore openStore(PrintWriter err) {
        return HistoryStoreOpener.open(db, environment, err, command);
    }

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code command: message} to {@code err}; returns exit {@value ExitCodes#INVALID}. */
    final int fail(PrintWriter err, String message) {
        err.println(command + ": " + message);
        err.flush();
        return ExitCodes.INVALID;
    }
}
