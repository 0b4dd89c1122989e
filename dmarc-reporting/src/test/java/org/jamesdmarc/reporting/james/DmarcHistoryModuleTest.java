package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.check.EvaluationSink;
import org.jamesdmarc.james.DmarcMessageHook;
import org.jamesdmarc.store.EvaluationHistory;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.SettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;

/**
 * The module in a real Guice injector built the way James 3.8.1 builds it: James's own bindings (directories,
 * metrics) in a parent injector, the {@code guice.extension.module} classes instantiated from it and combined into
 * one child injector, mailets instantiated from that child (or from a child of it).
 */
class DmarcHistoryModuleTest {

    @TempDir
    Path home;

    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    private Injector james() {
        return Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(JamesDirectoriesProvider.class).toInstance(new Directories(home));
                bind(MetricFactory.class).toInstance(metrics);
            }
        });
    }

    @Test
    void oneHistoryForTheWholeProcessAndItRecordsThroughTheMailet() throws Exception {
        Injector james = james();
        assertThat(james.getInstance(DmarcHistoryModule.class)).as("James instantiates the module from its injector")
                .isNotNull();
        Injector extensions = james.createChildInjector(Modules.combine(new DmarcHistoryModule(Map.of())));
        assertThat(home.resolve("var/dmarc/journal")).as("started with the injector, before any mailet").isDirectory();
        Injector mailetChild = extensions.createChildInjector(new AbstractModule() {
        });

        EvaluationSink sink = extensions.getInstance(EvaluationSink.class);
        EvaluationHistory history = extensions.getInstance(EvaluationHistory.class);
        try {
            assertThat(extensions.getInstance(EvaluationSink.class)).isSameAs(sink);
            assertThat(mailetChild.getInstance(EvaluationSink.class)).isSameAs(sink);
            assertThat(sink).isSameAs(history);
            assertThat(history.settings().store().url()).as("the default H2 database under the James home")
                    .startsWith("jdbc:h2:file:" + home.resolve("var/dmarc/history"));

            DmarcMessageHook hook = mailetChild.getInstance(DmarcMessageHook.class);
            Field hookSink = DmarcMessageHook.class.getDeclaredField("sink");
            hookSink.setAccessible(true);
            assertThat(hookSink.get(hook)).as("the SMTP hook records its rejections into the same history")
                    .isSameAs(sink);

            DmarcHistory mailet = mailetChild.getInstance(DmarcHistory.class);
            mailet.init(FakeMailetConfig.builder().mailetName("DmarcHistory").setProperty("action", "tagged").build());
            mailet.service(FakeMail.builder().name("m").recipients("bob@example.org")
                    .attribute(new Attribute(DmarcHistory.EVALUATION,
                            AttributeValue.of(EvaluationRecordCodec.encode(Records.record(7)))))
                    .build());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (metrics.countFor(HistoryMetrics.WRITTEN) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(metrics.countFor(HistoryMetrics.WRITTEN)).isEqualTo(1);
            assertThat(metrics.countFor(HistoryMetrics.JOURNALED)).as("journal durability by default").isEqualTo(1);
            assertThat(metrics.countFor(HistoryMetrics.DROPPED)).isZero();
        } finally {
            history.close();
        }
        try (JdbcHistoryStore store = JdbcHistoryStore.open(history.settings().store())) {
            assertThat(store.count()).isEqualTo(1);
        }
    }

    @Test
    void aWrongSettingStopsTheInjectionWithOneLineNamingTheKey() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/dmarc.properties"), "history.durability = maybe\n");
        Injector james = james();

        assertThatThrownBy(() -> james.createChildInjector(new DmarcHistoryModule(Map.of())))
                .as("James stops at start-up").isInstanceOf(CreationException.class)
                .rootCause().isInstanceOf(SettingsException.class)
                .hasMessageContaining("history.durability = 'maybe'");
    }

    /** James's directories of a home: only the root matters to the module. */
    record Directories(Path root) implements JamesDirectoriesProvider {
        @Override
        public String getAbsoluteDirectory() {
            return "/";
        }

        @Override
        public String getConfDirectory() {
            return root + "/conf/";
        }

        @Override
        public String getVarDirectory() {
            return root + "/var/";
        }

        @Override
        public String getRootDirectory() {
            return root.toString();
        }
    }

    @Test
    void failureReportsAreOffByDefaultAndTheHookAndTheMailetGetTheBoundSink() throws Exception {
        Injector extensions = james().createChildInjector(Modules.combine(new DmarcHistoryModule(Map.of())));
        EvaluationHistory history = extensions.getInstance(EvaluationHistory.class);
        try {
            assertThat(extensions.getInstance(org.jamesdmarc.check.FailureReportSink.class))
                    .isSameAs(org.jamesdmarc.check.FailureReportSink.DISCARD);
        } finally {
            history.close();
        }
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/dmarc.properties"), "failure.enabled = true\n"
                + "report.orgName = Receiver\nreport.email = dmarc@receiver.example\n");
        Injector enabled = james().createChildInjector(Modules.combine(new DmarcHistoryModule(Map.of())));
        EvaluationHistory h2 = enabled.getInstance(EvaluationHistory.class);
        try {
            org.jamesdmarc.check.FailureReportSink sink = enabled.getInstance(org.jamesdmarc.check.FailureReportSink.class);
            assertThat(sink).isInstanceOf(org.jamesdmarc.reporting.failure.FailureReporter.class);
            DmarcMessageHook hook = enabled.createChildInjector().getInstance(DmarcMessageHook.class);
            Field hookSink = DmarcMessageHook.class.getDeclaredField("failureReports");
            hookSink.setAccessible(true);
            assertThat(hookSink.get(hook)).isSameAs(sink);
            org.jamesdmarc.james.DmarcCheck mailet = enabled.createChildInjector()
                    .getInstance(org.jamesdmarc.james.DmarcCheck.class);
            Field mailetSink = org.jamesdmarc.james.DmarcCheck.class.getDeclaredField("failureReports");
            mailetSink.setAccessible(true);
            assertThat(mailetSink.get(mailet)).as("the mailet path reports too").isSameAs(sink);
            assertThat(home.resolve("conf/dmarc-failure-secret")).as("a redaction key generated once").isRegularFile();
            assertThat(Files.size(home.resolve("conf/dmarc-failure-secret"))).isEqualTo(32);
            ((org.jamesdmarc.reporting.failure.FailureReporter) sink).close();
        } finally {
            h2.close();
        }
    }

    @Test
    void enabledFailureReportsWithoutAReporterStopJames() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/dmarc.properties"), "failure.enabled = true\n");
        Injector extensions = james().createChildInjector(Modules.combine(new DmarcHistoryModule(Map.of())));
        EvaluationHistory history = extensions.getInstance(EvaluationHistory.class);
        try {
            assertThatThrownBy(() -> extensions.getInstance(org.jamesdmarc.check.FailureReportSink.class))
                    .hasStackTraceContaining("report.orgName is not set");
        } finally {
            history.close();
        }
    }
}
