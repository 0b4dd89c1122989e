package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreConfig;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * What every command on the history database ({@code dmarc history ...}, {@code dmarc report ...}) shares: the
 * database options and the environment they are read with, the command line's output streams, opening the history
 * store (telling stderr which database it is) and the one-line failure {@code command: message} with exit
 * {@value ExitCodes#INVALID}.
 */
abstract class DatabaseCommand implements Callable<Integer> {

    /** The command as the operator typed it, e.g. {@code dmarc history import}: the prefix of its messages. */
    private final String command;
    final Map<String, String> environment;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    DatabaseCommand(String command, Map<String, String> environment) {
        this.command = command;
        this.environment = environment;
    }

    /**
     * Opens the history store the options name, telling {@code err} which database it is.
     *
     * @throws org.jamesdmarc.store.StoreException (one line) for an operator's mistake or a database failure
     */
    final JdbcHistoryStore openStore(PrintWriter err) {
        return HistoryStoreOpener.open(db, environment, err, command);
    }

    /**
     * Opens {@code config} (the database of {@code target}, e.g. with a larger pool), telling {@code err} which
     * database it is.
     *
     * @throws org.jamesdmarc.store.StoreException (one line) for a database failure
     */
    final JdbcHistoryStore openStore(PrintWriter err, DatabaseOptions.Target target, StoreConfig config) {
        return HistoryStoreOpener.open(target, config, err, command);
    }

    /** The James home the database options name ({@link DatabaseOptions#jamesHome}). */
    final Path jamesHome() {
        return db.jamesHome(environment, DatabaseOptions.repositoryRoot());
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
