package org.jamesdmarc.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's database of a {@link Backend} and what the test opened on it, as a JUnit 5 extension
 * ({@code @RegisterExtension final StoreFixture stores = new StoreFixture();}): after each test it closes the stores
 * and other resources handed to it, newest first, then drops the database. The database is created by the first
 * {@link #database} or {@link #open} of the test, inside the test, so a server that cannot be reached skips it loudly
 * or fails it in CI as {@link Backend} says.
 */
public final class StoreFixture implements AfterEachCallback {

    private Backend.TestDatabase database;
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** This test's database: created empty in {@code tmp} (H2) or on the server at the first call, the same after. */
    public Backend.TestDatabase database(Backend backend, Path tmp) {
        if (database == null) {
            database = backend.create(tmp);
        }
        return database;
    }

    /** A store on this test's database (created if need be) with a pool of {@code poolSize}; closed after the test. */
    public JdbcHistoryStore open(Backend backend, Path tmp, int poolSize) {
        StoreConfig c = database(backend, tmp).config();
        return closeAfter(JdbcHistoryStore.open(new StoreConfig(c.url(), c.user(), Secret.none(), poolSize)));
    }

    /** Closes {@code resource} after the test, before what was handed over earlier and before dropping the database. */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        closing.add(0, resource);
        return resource;
    }

    /** Closes {@code resource} now (a restart, a migration done on a closed database); not again after the test. */
    public void closeNow(AutoCloseable resource) throws Exception {
        resource.close();
        closing.remove(resource);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (AutoCloseable c : closing) {
                c.close();
            }
        } finally {
            closing.clear();
            if (database != null) {
                database.drop();
                database = null;
            }
        }
    }
}
