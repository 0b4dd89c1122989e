package org.jamesdmarc.store;

import java.nio.file.Path;
import java.util.Map;

/**
 * A process that opens the default embedded history of a James home as James does (auto-server mode), says
 * {@code open} on stdout, and keeps it open until its stdin closes: {@link H2AutoServerTest} runs it to see where
 * the auto-server listens from outside, in a JVM whose H2 classes nothing else initialised.
 */
public final class H2AutoServerHolder {

    private H2AutoServerHolder() {
    }

    public static void main(String[] args) throws Exception {
        DmarcSettings settings = DmarcSettings.load(Path.of(args[0]), Map.of());
        try (JdbcHistoryStore store = JdbcHistoryStore.open(settings.store())) {
            store.write(Records.records(0, 3));
            System.out.println("open " + System.getProperty(H2Loopback.PROPERTY));
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin
            }
        }
    }
}
