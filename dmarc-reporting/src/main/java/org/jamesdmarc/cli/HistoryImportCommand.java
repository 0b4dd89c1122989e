package org.jamesdmarc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreException;
import org.jamesdmarc.store.opendmarc.HistoryEntry;
import org.jamesdmarc.store.opendmarc.HistoryRecordMapper;
import org.jamesdmarc.store.opendmarc.HistoryWarning;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryReader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dmarc history import FILE...}: reads OpenDMARC 1.4.x history files and stores each message once
 * (keys from reporter and job id, {@link HistoryRecordMapper}): importing a file again adds nothing. A malformed
 * entry is skipped with a {@code file:line} warning on stderr; the import goes on.
 */
@Command(name = "import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Import OpenDMARC history files (plain or gzip) into the evaluation history database. "
                + "Idempotent: a message already stored (same reporter and job id) is counted as a duplicate.",
            "Exit 0 done (even with skipped entries), 2 unreadable file, bad database settings or database failure."})
final class HistoryImportCommand extends DatabaseCommand {

    /** Records per transaction. */
    static final int BATCH = 1000;

    HistoryImportCommand() {
        this(System.getenv());
    }

    HistoryImportCommand(Map<String, String> environment) {
        super("dmarc history import", environment);
    }

    @Option(names = "--json", description = "Print the summary as {\"files\":n,\"messages\":n,\"new\":n,"
            + "\"duplicates\":n,\"skipped\":n}.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "OpenDMARC history files.")
    List<Path> files;

    /** What an import did. */
    record Summary(long files, long messages, long added, long skipped) {
        long duplicates() {
            return messages - added;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                return fail(err, "cannot read " + f);
            }
        }
        Summary summary;
        try (JdbcHistoryStore store = openStore(err)) {
            long messages = 0;
            long added = 0;
            long skipped = 0;
            ImportProgress progress = ImportProgress.onTerminal(err);
            for (Path f : files) {
                FileResult r = importFile(store, f, err, progress);
                messages += r.messages;
                added += r.added;
                skipped += r.skipped;
            }
            summary = new Summary(files.size(), messages, added, skipped);
        } catch (StoreException e) {
            return fail(err, e.getMessage());
        } catch (ReadFailure e) {
            return fail(err, e.getMessage());
        }
        if (json) {
            ObjectNode o = Json.object();
            o.put("files", summary.files());
            o.put("messages", summary.messages());
            o.put("new", summary.added());
            o.put("duplicates", summary.duplicates());
            o.put("skipped", summary.skipped());
            Json.print(out, o);
        } else {
            out.println("imported " + summary.messages() + " messages from " + summary.files() + " file(s): "
                    + summary.added() + " new, " + summary.duplicates() + " already stored, " + summary.skipped()
                    + " malformed entries skipped");
            out.flush();
        }
        return ExitCodes.OK;
    }

    private record FileResult(long messages, long added, long skipped) {
    }

    /** A history file that could not be read to its end. */
    private static final class ReadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReadFailure(String message) {
            super(message, null, false, false);
        }
    }

    private static FileResult importFile(JdbcHistoryStore store, Path file, PrintWriter err,
                                         ImportProgress progress) {
        long messages = 0;
        long added = 0;
        List<EvaluationRecord> batch = new ArrayList<>(BATCH);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ReadFailure("cannot read " + file + ": " + e.getMessage());
        }
        try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(file, w -> {
            progress.clear();
            warn(err, file, w);
        })) {
            for (Optional<HistoryEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
                batch.add(HistoryRecordMapper.toRecord(e.get()));
                messages++;
                if (batch.size() == BATCH) {
                    added += store.write(batch);
                    batch.clear();
                    progress.update(file.toString(), reader.position(), size, messages);
                }
            }
            if (!batch.isEmpty()) {
                added += store.write(batch);
            }
            progress.clear();
            return new FileResult(messages, added, reader.entriesSkipped());
        } catch (IOException e) {
            throw new ReadFailure("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void warn(PrintWriter err, Path file, HistoryWarning w) {
        err.println("dmarc history import: " + file + ":" + w.line() + ": " + w.detail()
                + (w.jobId().isEmpty() ? "" : " (job " + w.jobId() + ")")
                + switch (w.effect()) {
                    case ENTRY_SKIPPED -> "; entry skipped";
                    case LINE_IGNORED -> "; line ignored";
                    case NOTED -> "";
                });
    }
}
