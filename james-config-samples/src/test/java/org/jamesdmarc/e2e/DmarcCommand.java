package org.jamesdmarc.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The repository's {@code ./dmarc} launcher run as a process against a James home (its history database, as James
 * reads it from {@code conf/dmarc.properties}), with none of the machine's {@code DMARC_DB_*} or {@code JAMES_HOME}.
 */
final class DmarcCommand {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DmarcCommand() {
    }

    /** What a run printed and returned. */
    record Result(int exit, String out, String err) {
        /** stdout as JSON Lines. */
        List<JsonNode> jsonLines() throws IOException {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
                lines.add(JSON.readTree(line));
            }
            return lines;
        }

        /** stdout as one JSON value. */
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    /** {@code ./dmarc ARGS --home <home>}. */
    static Result run(Path home, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--home", home.toString()));
        return exec(home, all);
    }

    /** {@code ./dmarc ARGS} for a command that takes no James home ({@code evaluate}); {@code scratch} holds its output. */
    static Result runWithoutHome(Path scratch, String... args) throws IOException, InterruptedException {
        return exec(scratch, List.of(args));
    }

    private static Result exec(Path home, List<String> args) throws IOException, InterruptedException {
        Path root = JamesProcess.repositoryRoot();
        List<String> command = new ArrayList<>(List.of(root.resolve("dmarc").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("DMARC_DB_") || k.equals("JAMES_HOME"));
        Path out = Files.createTempFile(home, "dmarc-out-", ".txt");
        Path err = Files.createTempFile(home, "dmarc-err-", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        try {
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Runs {@code ./dmarc history list --json --limit 1000} every 100 ms until it shows at least {@code count}
     * messages (returned), or fails after {@code timeout} with the last output and the James log.
     */
    static List<JsonNode> awaitHistory(JamesProcess james, int count, Duration timeout) throws Exception {
        Instant giveUp = Instant.now().plus(timeout);
        while (true) {
            Result list = run(james.home(), "history", "list", "--json", "--limit", "1000");
            if (list.exit() != 0) {
                throw new AssertionError("dmarc history list failed: " + list);
            }
            List<JsonNode> records = list.jsonLines();
            if (records.size() >= count) {
                return records;
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError(records.size() + " of " + count + " messages in the history after " + timeout
                    + ": " + list + "\nJames log:\n" + james.logTail());
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }
}
