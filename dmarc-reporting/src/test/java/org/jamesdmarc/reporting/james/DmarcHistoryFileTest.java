package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.MessagingException;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.store.EvaluationHistory;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.opendmarc.HistoryEntry;
import org.jamesdmarc.store.opendmarc.HistoryRecordMapper;
import org.jamesdmarc.store.opendmarc.HistoryWarning;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryAppender;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;

/** {@link DmarcHistory}'s {@code historyFile}: one writer per file for the process, written out at James's stop. */
class DmarcHistoryFileTest {

    @TempDir
    Path home;

    private final List<EvaluationRecord> accepted = new CopyOnWriteArrayList<>();

    private static FakeMail mailWith(EvaluationRecord record) throws MessagingException {
        return FakeMail.builder().name("mail-" + record.key().value()).recipients("bob@example.org")
                .state(Mail.DEFAULT)
                .attribute(new Attribute(DmarcHistory.EVALUATION, AttributeValue.of(EvaluationRecordCodec.encode(record))))
                .build();
    }

    private static DmarcHistory init(DmarcHistory mailet, String action, String file) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DmarcHistory")
                .setProperty("action", action);
        if (file != null) {
            config.setProperty("historyFile", file);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static List<HistoryEntry> entries(Path file) throws Exception {
        List<HistoryEntry> entries = new ArrayList<>();
        List<HistoryWarning> warnings = new ArrayList<>();
        try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(file, warnings::add)) {
            for (Optional<HistoryEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
                entries.add(e.get());
            }
        }
        assertThat(warnings).isEmpty();
        return entries;
    }

    @Test
    void twoMailetsNamingOneFileShareOneWriterAndBothAppend() throws Exception {
        HistoryFiles files = new HistoryFiles(home, "mx.test", 100, OpenDmarcHistoryAppender.Listener.NONE);
        DmarcHistory delivered = init(new DmarcHistory(accepted::add, files), "delivered", "var/opendmarc.dat");
        DmarcHistory quarantined = init(new DmarcHistory(accepted::add, files), "quarantined",
                home.resolve("var/../var/opendmarc.dat").toString());
        Files.createDirectories(home.resolve("var"));
        assertThat(delivered.historyFile()).isPresent();
        assertThat(quarantined.historyFile().orElseThrow()).as("one writer per file, relative to the James home")
                .isSameAs(delivered.historyFile().orElseThrow());
        assertThat(delivered.historyFile().orElseThrow().file()).isEqualTo(home.resolve("var/opendmarc.dat"));

        delivered.service(mailWith(Records.record(1)));
        quarantined.service(mailWith(Records.record(2)));
        delivered.service(mailWith(Records.record(3)));
        files.close();

        List<HistoryEntry> entries = entries(home.resolve("var/opendmarc.dat"));
        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly(Records.key(1).value(),
                Records.key(2).value(), Records.key(3).value());
        assertThat(entries).extracting(e -> HistoryRecordMapper.toRecord(e).action())
                .containsExactly(ActionTaken.DELIVERED, ActionTaken.QUARANTINED, ActionTaken.DELIVERED);
        assertThat(accepted).as("the database history gets them too").hasSize(3);
    }

    @Test
    void withoutHistoryFileNothingIsWrittenAndWithoutTheModuleTheParameterIsRefused() throws Exception {
        HistoryFiles files = new HistoryFiles(home, "mx.test", 100, OpenDmarcHistoryAppender.Listener.NONE);
        DmarcHistory plain = init(new DmarcHistory(accepted::add, files), "delivered", null);
        plain.service(mailWith(Records.record(1)));
        assertThat(plain.historyFile()).isEmpty();
        files.close();
        try (var listing = Files.list(home)) {
            assertThat(listing).isEmpty();
        }

        assertThatThrownBy(() -> init(new DmarcHistory(accepted::add), "delivered", "x.dat"))
                .isInstanceOf(MessagingException.class).hasMessageContaining("historyFile");
    }

    @Test
    void anUnwritableFileNeverFailsTheMailAndIsCountedInJamesMetrics() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        HistoryFiles files = new HistoryFiles(new DmarcHistoryModuleTest.Directories(home), metrics);
        DmarcHistory mailet = init(new DmarcHistory(accepted::add, files), "delivered", "no-such-dir/opendmarc.dat");
        FakeMail mail = mailWith(Records.record(1));

        mailet.service(mail);
        files.close();

        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(accepted).hasSize(1);
        assertThat(metrics.countFor(HistoryFiles.FAILED)).isEqualTo(1);
        assertThat(metrics.countFor(HistoryFiles.WRITTEN)).isZero();
    }

    @Test
    void jamesStopWritesOutTheQueuedEntries() throws Exception {
        Injector james = Guice.createInjector(new org.apache.james.onami.lifecycle.PreDestroyModule(),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(JamesDirectoriesProvider.class).toInstance(new DmarcHistoryModuleTest.Directories(home));
                        bind(MetricFactory.class).toInstance(new RecordingMetricFactory());
                    }
                });
        Injector extensions = james.createChildInjector(new DmarcHistoryModule(Map.of()));
        DmarcHistory first = init(extensions.getInstance(DmarcHistory.class), "delivered", "opendmarc.dat");
        DmarcHistory second = init(extensions.getInstance(DmarcHistory.class), "quarantined", "opendmarc.dat");
        for (int i = 0; i < 50; i++) {
            (i % 2 == 0 ? first : second).service(mailWith(Records.record(i)));
        }

        james.getInstance(com.google.inject.Key.get(
                new com.google.inject.TypeLiteral<org.apache.james.onami.lifecycle.Stager<javax.annotation.PreDestroy>>() {
                })).stage();

        assertThat(entries(home.resolve("opendmarc.dat"))).hasSize(50);
        assertThat(extensions.getInstance(EvaluationHistory.class).isClosed()).isTrue();
        assertThat(first.historyFile().orElseThrow().offer(Records.record(99))).as("closed with James").isFalse();
    }
}
