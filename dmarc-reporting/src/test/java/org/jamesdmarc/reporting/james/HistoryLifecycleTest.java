package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.onami.lifecycle.PreDestroyModule;
import org.apache.james.onami.lifecycle.Stager;
import org.jamesdmarc.check.EvaluationSink;
import org.jamesdmarc.store.EvaluationHistory;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

/**
 * The history closed by James 3.8.1's own lifecycle: the root injector has James's {@code PreDestroyModule}
 * (james-server-onami, as {@code CommonServicesModule} installs it), the extension injector is a child of it built
 * by a loader the way {@code GuiceGenericLoader} builds it, and the mailet container and SMTP server (here one
 * stand-in that finishes a last mail when it is disposed) depend on that loader. {@code GuiceJamesServer.stop()}
 * stages the {@code PreDestroy} stager: that is what these tests call.
 */
class HistoryLifecycleTest {

    @TempDir
    Path home;

    /** Order of the {@code @PreDestroy} calls seen. */
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    /** Like James's {@code GuiceGenericLoader}: builds the extension injector once, as a child of James's. */
    @Singleton
    static final class ExtensionLoader {
        final Injector extensions;

        @Inject
        ExtensionLoader(Injector james) {
            extensions = james.createChildInjector(new DmarcHistoryModule(Map.of()));
        }
    }

    /** Like the mail spooler and the SMTP server: built with the loader, a mail in flight finishes as it stops. */
    @Singleton
    static final class MailContainer {
        private final EvaluationSink sink;

        @Inject
        MailContainer(ExtensionLoader loader) {
            sink = loader.extensions.getInstance(EvaluationSink.class);
        }

        @PreDestroy
        void dispose() {
            EVENTS.add("container stopped");
            sink.accept(Records.record(42)); // the record of a mail finished while James stops
        }
    }

    private Injector james() {
        return Guice.createInjector(new PreDestroyModule(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(JamesDirectoriesProvider.class).toInstance(new DmarcHistoryModuleTest.Directories(home));
                bind(MetricFactory.class).toInstance(new RecordingMetricFactory());
            }
        });
    }

    private static Stager<PreDestroy> preDestroy(Injector james) {
        return james.getInstance(Key.get(new TypeLiteral<Stager<PreDestroy>>() {
        }));
    }

    @Test
    void jamesStopClosesTheHistoryAfterTheMailContainerAndKeepsItsLastRecords() throws Exception {
        EVENTS.clear();
        Injector james = james();
        MailContainer container = james.getInstance(MailContainer.class);
        Injector extensions = james.getInstance(ExtensionLoader.class).extensions;
        EvaluationHistory history = extensions.getInstance(EvaluationHistory.class);
        HistoryLifecycle lifecycle = extensions.getInstance(HistoryLifecycle.class);
        container.sink.accept(Records.record(1));
        assertThat(history.isClosed()).isFalse();

        preDestroy(james).stage(); // GuiceJamesServer.stop()

        assertThat(EVENTS).containsExactly("container stopped");
        assertThat(lifecycle.isClosed()).as("closed by James's lifecycle, not by the JVM hook").isTrue();
        assertThat(history.isClosed()).isTrue();
        try (JdbcHistoryStore store = JdbcHistoryStore.open(history.settings().store())) {
            assertThat(store.count()).as("the record of the mail finished during the stop is kept").isEqualTo(2);
        }
    }

    @Test
    void closingIsIdempotent() throws Exception {
        Injector james = james();
        Injector extensions = james.getInstance(ExtensionLoader.class).extensions;
        HistoryLifecycle lifecycle = extensions.getInstance(HistoryLifecycle.class);
        EvaluationHistory history = extensions.getInstance(EvaluationHistory.class);
        history.accept(Records.record(5));

        preDestroy(james).stage();
        lifecycle.close(); // the JVM hook's fallback, after James's stop
        preDestroy(james).stage();
        history.close();

        assertThat(lifecycle.isClosed()).isTrue();
        try (JdbcHistoryStore store = JdbcHistoryStore.open(history.settings().store())) {
            assertThat(store.count()).isEqualTo(1);
        }
    }

    @Test
    void theLifecycleIsOneSingletonOfTheExtensionInjector() {
        Injector james = james();
        Injector extensions = james.getInstance(ExtensionLoader.class).extensions;
        try {
            assertThat(extensions.getInstance(HistoryLifecycle.class))
                    .isSameAs(extensions.getInstance(HistoryLifecycle.class));
        } finally {
            preDestroy(james).stage();
        }
        assertThat(extensions.getInstance(EvaluationHistory.class).isClosed()).isTrue();
    }
}
