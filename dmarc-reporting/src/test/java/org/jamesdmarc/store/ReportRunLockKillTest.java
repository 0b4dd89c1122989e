package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The report run lock's holder dies with SIGKILL ({@link Process#destroyForcibly()}) while holding it, in another
 * JVM ({@link ReportRunLockHolder}): this process, which could not take the lock while the holder lived, takes it
 * within a bounded time, with no lease to expire — the database sees the holder's session end.
 *
 * <ul>
 *   <li>H2, this process serving the database (as James does, its auto-server) and the holder a client of it (as the
 *       {@code dmarc} command is): the server sees the client's connection drop and rolls back its transaction,
 *       which held the lock row.</li>
 *   <li>H2, the holder serving it (the command run while James was down) and this process its client: with the
 *       server gone, this process opens the file itself (H2 takes over the holder's stale lock file) and the row
 *       is free, the killed transaction never committed. (This case first failed: the holder's schema
 *       migration, committed but kept in memory by H2's default {@code WRITE_DELAY}, died with it, and this process
 *       found no lock table; see {@link H2KillDurabilityTest}.)</li>
 *   <li>PostgreSQL and MariaDB: the server ends the dead client's session, and with it the advisory lock
 *       ({@code pg_try_advisory_lock}) or named lock ({@code GET_LOCK}).</li>
 * </ul>
 */
class ReportRunLockKillTest {

    /** Generous: the takeover is the database noticing a closed socket (H2: its stale lock file), seconds at most. */
    private static final long TAKEOVER_DEADLINE_SECONDS = 90;

    enum Case {
        H2_SERVED_HERE, H2_SERVED_BY_THE_HOLDER, POSTGRESQL, MARIADB
    }

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (db != null) {
            db.drop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Case.class)
    void aKilledHoldersLockIsTakenOverWithinABoundedTime(Case c) throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        StoreConfig config;
        List<String> holderArgs;
        switch (c) {
            case POSTGRESQL, MARIADB -> {
                db = (c == Case.POSTGRESQL ? Backend.POSTGRESQL : Backend.MARIADB).create(tmp);
                config = db.config();
                holderArgs = List.of("db", db.url(), db.user());
            }
            default -> {
                config = DmarcSettings.load(home, Map.of()).store();
                assertThat(config.url()).contains("AUTO_SERVER=TRUE");
                holderArgs = List.of("home", home.toString());
            }
        }
        JdbcHistoryStore here = null;
        try {
            if (c != Case.H2_SERVED_BY_THE_HOLDER) {
                here = JdbcHistoryStore.open(config); // first: this process serves the H2 file
            }
            Process holder = startHolder(holderArgs);
            if (here == null) {
                here = JdbcHistoryStore.open(config); // the holder serves it: this process is its client
            }
            assertThat(ReportRunLock.tryAcquire(here)).as("the holder has it").isEmpty();

            holder.destroyForcibly(); // SIGKILL: no close, no rollback, no unlock from the holder
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long killed = System.nanoTime();

            Optional<ReportRunLock> taken = Optional.empty();
            long deadline = killed + TimeUnit.SECONDS.toNanos(TAKEOVER_DEADLINE_SECONDS);
            List<String> failures = new ArrayList<>();
            while (taken.isEmpty() && System.nanoTime() < deadline) {
                try {
                    taken = ReportRunLock.tryAcquire(here);
                } catch (StoreException e) {
                    failures.add(e.getMessage()); // H2 client: the server went away with the holder
                }
                if (taken.isEmpty()) {
                    Thread.sleep(100);
                }
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(taken).as("taken over within " + TAKEOVER_DEADLINE_SECONDS + " s of the kill; failed attempts: "
                    + failures).isPresent();
            System.err.println(c + ": the lock was taken over " + millis + " ms after the holder's kill ("
                    + failures.size() + " failed attempts)");
            try (ReportRunLock lock = taken.get()) {
                assertThat(lock.held()).isTrue();
                // And it is the one lock: a new holder process now finds it busy.
                assertThat(holderSays(holderArgs)).isEqualTo("busy");
            }
        } finally {
            if (here != null) {
                here.close();
            }
        }
    }

    private Process startHolder(List<String> args) throws Exception {
        Process holder = launch(args);
        String said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(said).as("the holder took the lock").isEqualTo("held");
        return holder;
    }

    private String holderSays(List<String> args) throws Exception {
        Process other = launch(args);
        String said = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        other.getOutputStream().close(); // let it go
        assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return said;
    }

    private Process launch(List<String> args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                ReportRunLockHolder.class.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        started.add(p);
        return p;
    }
}
