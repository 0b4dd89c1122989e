package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.MessageKey;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.HistoryQuery;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.Records;
import org.jamesdmarc.store.opendmarc.HistoryEntry;
import org.jamesdmarc.store.opendmarc.HistoryRecordMapper;
import org.jamesdmarc.store.opendmarc.HistoryWarning;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryAppender;
import org.jamesdmarc.store.opendmarc.OpenDmarcHistoryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code DmarcHistory}'s {@code historyFile} writes ({@link OpenDmarcHistoryAppender}) is read back by our own
 * {@code dmarc history import} to the same records, for everything OpenDMARC's format carries.
 */
class HistoryFileRoundTripTest {

    @TempDir
    Path tmp;

    @Test
    void ourHistoryFileImportsBackToTheSameRecords() throws Exception {
        List<EvaluationRecord> records = new ArrayList<>(Records.records(0, 60));
        records.set(3, records.get(3).withAction(ActionTaken.QUARANTINED));
        Path file = tmp.resolve("opendmarc.dat");
        OpenDmarcHistoryAppender appender = OpenDmarcHistoryAppender.start(file, "mx1.receiver.example", 1000,
                OpenDmarcHistoryAppender.Listener.NONE);
        records.forEach(appender::offer);
        appender.close();

        Backend.TestDatabase db = Backend.H2.create(tmp);
        CliRun run = CliRun.run("history", "import", "--json", "--db", db.url(), "--db-user", db.user(),
                file.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("new").asLong()).isEqualTo(records.size());
        assertThat(run.json().get("skipped").asLong()).isZero();

        // The key the import gives each message: a digest of the reporter and the job id (our message key).
        Map<String, MessageKey> importedKey = new java.util.HashMap<>();
        List<HistoryWarning> warnings = new ArrayList<>();
        try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(file, warnings::add)) {
            for (Optional<HistoryEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
                importedKey.put(e.get().jobId(), HistoryRecordMapper.key(e.get()));
            }
        }
        assertThat(warnings).isEmpty();

        Map<MessageKey, EvaluationRecord> stored;
        try (JdbcHistoryStore store = JdbcHistoryStore.open(db.config())) {
            stored = store.list(HistoryQuery.all(10_000)).stream()
                    .collect(Collectors.toMap(EvaluationRecord::key, Function.identity()));
        }
        assertThat(stored).hasSize(records.size());
        for (EvaluationRecord r : records) {
            EvaluationRecord back = stored.get(importedKey.get(r.key().value()));
            String what = "record " + r.key().value();
            assertThat(back).as(what).isNotNull();
            assertThat(back.time()).as(what).isEqualTo(r.time().truncatedTo(ChronoUnit.SECONDS));
            assertThat(back.sourceIp()).as(what).isEqualTo(r.sourceIp());
            assertThat(back.headerFrom()).as(what).isEqualTo(r.headerFrom());
            assertThat(back.envelopeFrom()).as(what).isEqualTo(r.envelopeFrom());
            assertThat(back.policyDomain()).as(what).isEqualTo(r.policyDomain());
            assertThat(back.result()).as(what).isEqualTo(r.result());
            assertThat(back.disposition()).as(what).isEqualTo(r.disposition());
            assertThat(back.action()).as(what).isEqualTo(r.action() == ActionTaken.TAGGED ? ActionTaken.DELIVERED
                    : r.action());
            assertThat(back.published().map(EvaluationRecord.PublishedPolicy::p)).as(what)
                    .isEqualTo(r.published().map(EvaluationRecord.PublishedPolicy::p));
            assertThat(back.spf().result()).as(what).isEqualTo(r.spf().result());
            assertThat(back.dkim()).as(what).extracting(EvaluationRecord.Dkim::selector)
                    .containsExactlyElementsOf(r.dkim().stream().map(EvaluationRecord.Dkim::selector).toList());
            assertThat(back.dkim()).as(what).extracting(EvaluationRecord.Dkim::result)
                    .containsExactlyElementsOf(r.dkim().stream().map(EvaluationRecord.Dkim::result).toList());
        }
    }
}
