package org.jamesdmarc.store;

import java.nio.file.Path;
import java.util.Map;

/**
 * A process that opens a history store, takes the report run lock ({@link ReportRunLock#tryAcquire}), says
 * {@code held} (or {@code busy}) on stdout and keeps everything open until its stdin closes or it is killed:
 * {@link ReportRunLockKillTest} kills it with SIGKILL while it holds the lock.
 *
 * <pre>
 * java ... ReportRunLockHolder home JAMES_HOME      the James home's default embedded H2 (auto-server), as James
 * java ... ReportRunLockHolder db JDBC_URL USER     a database server
 * </pre>
 */
public final class ReportRunLockHolder {

    private ReportRunLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        StoreConfig config = args[0].equals("home") ? DmarcSettings.load(Path.of(args[1]), Map.of()).store()
                : new StoreConfig(args[1], args[2], Secret.none(), 2);
        try (JdbcHistoryStore store = JdbcHistoryStore.open(config)) {
            var lock = ReportRunLock.tryAcquire(store);
            System.out.println(lock.isPresent() ? "held" : "busy");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin, or kills us
            }
            lock.ifPresent(ReportRunLock::close);
        }
    }
}
