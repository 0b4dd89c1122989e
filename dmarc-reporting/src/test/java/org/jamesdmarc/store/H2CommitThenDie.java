package org.jamesdmarc.store;

import java.nio.file.Path;
import java.util.Map;

/**
 * A process that opens the default embedded history of a James home, stores records (one committed batch), says
 * {@code stored N} on stdout and dies at once as a {@code kill -9} would ({@link Runtime#halt}: no shutdown hook, no
 * close of the database): {@link H2KillDurabilityTest} then reads what survived.
 */
public final class H2CommitThenDie {

    private H2CommitThenDie() {
    }

    public static void main(String[] args) throws Exception {
        DmarcSettings settings = DmarcSettings.load(Path.of(args[0]), Map.of());
        int records = Integer.parseInt(args[1]);
        JdbcHistoryStore store = JdbcHistoryStore.open(settings.store());
        int stored = store.write(Records.records(0, records));
        System.out.println("stored " + stored);
        System.out.flush();
        Runtime.getRuntime().halt(9);
    }
}
