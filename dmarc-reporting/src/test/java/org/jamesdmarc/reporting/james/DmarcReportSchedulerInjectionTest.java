package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.annotation.PreDestroy;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.onami.lifecycle.PreDestroyModule;
import org.apache.james.onami.lifecycle.Stager;
import org.apache.james.utils.UserDefinedStartable;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.store.EvaluationHistory;
import org.jamesdmarc.store.SettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

/**
 * The startable and the bounce mailet built the way James 3.8.1 builds them: James's injector (with its
 * {@code PreDestroyModule}, a {@code MailetContext}, metrics and directories), the extension injector a child of it
 * with {@link DmarcHistoryModule}, and {@code UserStartables} / the mailet loader asking that child for the class
 * named in {@code extensions.properties} / {@code mailetcontainer.xml} ({@code GuiceGenericLoader.instantiate}:
 * {@code injector.getInstance(clazz)}).
 */
class DmarcReportSchedulerInjectionTest {

    @TempDir
    Path home;

    private Injector james() {
        return Guice.createInjector(new PreDestroyModule(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(JamesDirectoriesProvider.class).toInstance(new DmarcHistoryModuleTest.Directories(home));
                bind(MetricFactory.class).toInstance(new RecordingMetricFactory());
                bind(MailetContext.class).toInstance(FakeMailContext.defaultContext());
            }
        });
    }

    private static Stager<PreDestroy> preDestroy(Injector james) {
        return james.getInstance(Key.get(new TypeLiteral<Stager<PreDestroy>>() {
        }));
    }

    private void settings(String text) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/dmarc.properties"), text);
    }

    @Test
    void theExtensionInjectorBuildsStartsAndJamesStopsTheScheduler() throws Exception {
        settings("report.orgName = Example\nreport.email = dmarc@mx.example.net\nreport.checkInterval = PT1H\n"
                + "report.dnsServers = 127.0.0.1:1\n");
        Injector james = james();
        Injector extensions = james.createChildInjector(new DmarcHistoryModule(Map.of()));
        Class<?> named = Class.forName("org.jamesdmarc.reporting.james.DmarcReportScheduler");

        UserDefinedStartable startable = (UserDefinedStartable) extensions.getInstance(named);
        startable.start();
        DmarcReportScheduler scheduler = (DmarcReportScheduler) startable;
        assertThat(scheduler.running()).isTrue();
        assertThat(extensions.getInstance(DmarcReportScheduler.class)).as("one per process").isSameAs(scheduler);

        DmarcReportBounce bounce = extensions.getInstance(DmarcReportBounce.class);
        bounce.init(FakeMailetConfig.builder().mailetName("DmarcReportBounce").build());
        DmarcReportDelivered delivered = extensions.getInstance(DmarcReportDelivered.class);
        delivered.init(FakeMailetConfig.builder().mailetName("DmarcReportDelivered").build());
        assertThat(extensions.getInstance(ReportOutbox.class).enabled()).as("report.outbox unset").isFalse();
        ReportDatabase database = extensions.getInstance(ReportDatabase.class);
        assertThat(database.describe()).startsWith("jdbc:h2:file:" + home.resolve("var/dmarc/history"));
        database.store(); // opened and migrated

        preDestroy(james).stage(); // GuiceJamesServer.stop()

        assertThat(scheduler.running()).as("stopped by James's lifecycle").isFalse();
        assertThatThrownBy(database::store).as("the report database is closed with James")
                .hasMessageContaining("closed");
        assertThat(extensions.getInstance(EvaluationHistory.class).isClosed()).isTrue();
    }

    @Test
    void aMisspeltReportKeyStopsJamesNamingIt() throws Exception {
        settings("report.orgName = Example\nreport.email = dmarc@mx.example.net\nreport.checkIntervall = PT1M\n");
        // The report keys are read with the history's (one read of the file, DmarcProperties): James stops as its
        // extension injector is created, before the history or the scheduler starts.
        assertThatThrownBy(() -> james().createChildInjector(new DmarcHistoryModule(Map.of())))
                .isInstanceOf(CreationException.class).rootCause().isInstanceOf(SettingsException.class)
                .hasMessageContaining("report.checkIntervall");
    }
}
