package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.check.ActionTaken;
import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.store.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OpenDmarcHistoryWriter}: what it writes reads back through {@link OpenDmarcHistoryReader} and
 * {@link HistoryRecordMapper} with every field the format carries equal, in the line order of a file the real
 * OpenDMARC 1.4.2 wrote, never interleaved between threads.
 */
class OpenDmarcHistoryWriterTest {

    private static final String REPORTER = "mx1.receiver.example";

    @TempDir
    Path tmp;

    /** Records.records plus what they lack: pass, temperror, reject at SMTP, an empty and a hostile selector. */
    private static List<EvaluationRecord> varied() {
        List<EvaluationRecord> all = new ArrayList<>(Records.records(0, 60));
        EvaluationRecord base = Records.record(2);
        all.add(copy(base, 1000, DmarcResult.PASS, Optional.empty(), Disposition.NONE, ActionTaken.DELIVERED, base.dkim()));
        all.add(copy(base, 1001, DmarcResult.FAIL, Optional.of(new AppliedPolicy(AppliedPolicyTag.P, Policy.REJECT)),
                Disposition.REJECT, ActionTaken.REJECTED_AT_SMTP, base.dkim()));
        all.add(copy(base, 1002, DmarcResult.TEMPERROR, Optional.empty(), Disposition.NONE, ActionTaken.DELIVERED,
                List.of()));
        all.add(copy(base, 1003, DmarcResult.FAIL, base.appliedPolicy(), Disposition.QUARANTINE, ActionTaken.TAGGED,
                List.of(new EvaluationRecord.Dkim(Optional.of(DomainName.of("example2.com")), "", DkimResult.NEUTRAL,
                                AlignmentStatus.NOT_CHECKED),
                        new EvaluationRecord.Dkim(Optional.of(DomainName.of("other.example")), "a b\nc\u0000",
                                DkimResult.POLICY, AlignmentStatus.NOT_CHECKED),
                        new EvaluationRecord.Dkim(Optional.of(DomainName.of("example2.com")), "s", DkimResult.PERMERROR,
                                AlignmentStatus.NOT_CHECKED))));
        return all;
    }

    private static EvaluationRecord copy(EvaluationRecord r, int key, DmarcResult result, Optional<AppliedPolicy> applied,
                                         Disposition disposition, ActionTaken action, List<EvaluationRecord.Dkim> dkim) {
        return new EvaluationRecord(Records.key(key), r.time(), r.sourceIp(), r.headerFrom(), r.envelopeFrom(),
                r.envelopeTo(), r.policyDomain(), r.discoveryMode(), r.policyDomainRole(), r.published(), result, applied,
                disposition, action, r.overrides(), r.spf(), dkim);
    }

    private record ReadBack(List<HistoryEntry> entries, List<HistoryWarning> warnings) {
    }

    private static ReadBack read(Path file) throws IOException {
        List<HistoryEntry> entries = new ArrayList<>();
        List<HistoryWarning> warnings = new ArrayList<>();
        try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(file, warnings::add)) {
            for (Optional<HistoryEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
                entries.add(e.get());
            }
        }
        return new ReadBack(entries, warnings);
    }

    @Test
    void everyFieldTheFormatCarriesReadsBackEqual() throws Exception {
        Path file = tmp.resolve("opendmarc.dat");
        List<EvaluationRecord> records = varied();
        try (OpenDmarcHistoryWriter writer = OpenDmarcHistoryWriter.open(file, REPORTER)) {
            records.forEach(writer::append);
        }
        ReadBack back = read(file);
        assertThat(back.warnings()).isEmpty();
        assertThat(back.entries()).hasSize(records.size());
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            EvaluationRecord r = records.get(i);
            HistoryEntry e = back.entries().get(i);
            EvaluationRecord m = HistoryRecordMapper.toRecord(e);
            String what = "record " + r.key().value();
            assertThat(e.jobId()).as(what).isEqualTo(r.key().value());
            assertThat(e.reporter()).isEqualTo(REPORTER);
            assertThat(e.unknownLines()).isEmpty();
            keys.add(m.key().value());

            assertThat(m.time()).as(what).isEqualTo(r.time().truncatedTo(ChronoUnit.SECONDS));
            assertThat(m.sourceIp()).as(what).isEqualTo(r.sourceIp());
            assertThat(m.headerFrom()).as(what).isEqualTo(r.headerFrom());
            assertThat(m.envelopeFrom()).as(what).isEqualTo(r.envelopeFrom());
            boolean evaluated = r.result() == DmarcResult.PASS || r.result() == DmarcResult.FAIL;
            assertThat(m.result()).as(what).isEqualTo(evaluated ? r.result() : DmarcResult.NONE);
            assertThat(m.disposition()).as(what).isEqualTo(r.disposition());
            assertThat(m.action()).as(what).isEqualTo(r.action() == ActionTaken.TAGGED ? ActionTaken.DELIVERED : r.action());
            if (evaluated) {
                assertThat(m.policyDomain()).as(what).isEqualTo(r.policyDomain());
                EvaluationRecord.PublishedPolicy want = r.published().orElseThrow();
                EvaluationRecord.PublishedPolicy got = m.published().orElseThrow();
                assertThat(got.p()).as(what).isEqualTo(want.p());
                assertThat(got.sp()).as(what).isEqualTo(want.sp());
                assertThat(got.adkim()).as(what).isEqualTo(want.adkim());
                assertThat(got.aspf()).as(what).isEqualTo(want.aspf());
                assertThat(got.rua()).as(what).isEqualTo(want.rua());
                assertThat(got.pct().getAsInt()).as(what).isEqualTo(want.pct().orElse(100));
            } else {
                assertThat(m.policyDomain()).as(what).isEmpty();
                assertThat(m.published()).as(what).isEmpty();
            }
            assertThat(m.spf().result()).as(what).isEqualTo(r.spf().result());
            if (r.spf().scope() == SpfScope.MFROM) {
                assertThat(m.spf().domain()).as(what).isEqualTo(r.spf().domain());
            }
            assertThat(m.spf().alignment() == AlignmentStatus.ALIGNED).as(what)
                    .isEqualTo(r.spf().alignment() == AlignmentStatus.ALIGNED);
            assertThat(m.dkim()).as(what).hasSameSizeAs(r.dkim());
            for (int d = 0; d < r.dkim().size(); d++) {
                EvaluationRecord.Dkim want = r.dkim().get(d);
                EvaluationRecord.Dkim got = m.dkim().get(d);
                assertThat(got.domain()).as(what).isEqualTo(want.domain());
                assertThat(got.selector()).as(what).isEqualTo(want.selector().replaceAll("[\\x00-\\x20]", "?"));
                assertThat(got.result()).as(what).isEqualTo(want.result());
                assertThat(got.alignment() == AlignmentStatus.ALIGNED).as(what)
                        .isEqualTo(want.alignment() == AlignmentStatus.ALIGNED);
            }
        }
        assertThat(keys).as("each message its own key").hasSize(records.size());

        // Appending to the file again (a restart): the old entries stay, a re-import adds only the new ones.
        try (OpenDmarcHistoryWriter writer = OpenDmarcHistoryWriter.open(file, REPORTER)) {
            writer.append(Records.record(500));
        }
        ReadBack again = read(file);
        assertThat(again.warnings()).isEmpty();
        assertThat(again.entries()).hasSize(records.size() + 1);
        assertThat(again.entries().get(records.size()).jobId()).isEqualTo(Records.key(500).value());
    }

    /** The lines and their order are those of the file Debian's real OpenDMARC 1.4.2 wrote (the interop sample). */
    @Test
    void writesTheLinesOfOpenDmarcInItsOrder() throws Exception {
        List<String> sample;
        try (InputStream in = getClass().getResourceAsStream("opendmarc-1.4.2-milter.dat")) {
            sample = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> sampleKeys = new ArrayList<>();
        for (String line : sample) {
            if (line.startsWith("job ") && !sampleKeys.isEmpty()) {
                break;
            }
            sampleKeys.add(line.substring(0, line.indexOf(' ')));
        }
        assertThat(sampleKeys).as("the sample's first entry has two DKIM lines and one rua line")
                .containsSubsequence("dkim", "dkim", "pdomain").containsOnlyOnce("rua");

        Path file = tmp.resolve("h.dat");
        try (OpenDmarcHistoryWriter writer = OpenDmarcHistoryWriter.open(file, REPORTER)) {
            writer.append(Records.record(2)); // two DKIM signatures, two rua URIs
        }
        List<String> keys = Files.readAllLines(file).stream().map(l -> l.substring(0, l.indexOf(' '))).toList();
        List<String> expected = new ArrayList<>(sampleKeys);
        expected.add(expected.indexOf("rua"), "rua");
        assertThat(keys).isEqualTo(expected);
        assertThat(Files.readAllLines(file)).contains("job " + Records.key(2).value(), "reporter " + REPORTER,
                "received " + Records.record(2).time().getEpochSecond(), "from mail.example2.com",
                "mfrom bounce.example.net", "pdomain example2.com", "policy 17", "rua mailto:rua@example2.com",
                "rua https://reports.example.net/x", "pct 50", "adkim 115", "aspf 114", "p 114", "sp 113",
                "dkim example2.com sel0 0", "dkim - sel1 7", "align_dkim 4", "align_spf 5", "arc 7",
                "arc_policy 2 json:[]");
    }

    @Test
    void recordsOfManyThreadsNeverInterleave() throws Exception {
        Path file = tmp.resolve("threads.dat");
        int threads = 8;
        int each = 250;
        try (OpenDmarcHistoryWriter writer = OpenDmarcHistoryWriter.open(file, REPORTER)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t * each;
                    done.add(pool.submit(() -> Records.records(first, first + each).forEach(writer::append)));
                }
                for (Future<?> f : done) {
                    f.get(1, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        ReadBack back = read(file);
        assertThat(back.warnings()).isEmpty();
        assertThat(back.entries()).hasSize(threads * each);
        Set<String> jobs = new HashSet<>();
        back.entries().forEach(e -> jobs.add(e.jobId()));
        assertThat(jobs).hasSize(threads * each);
        for (HistoryEntry e : back.entries()) {
            int n = Integer.parseInt(e.jobId(), 16);
            assertThat(e.received()).isEqualTo(Records.record(n).time().truncatedTo(ChronoUnit.SECONDS));
            assertThat(e.dkim()).hasSize(n % 3);
        }
    }

    @Test
    void misuseIsRefusedClearly() throws Exception {
        assertThatThrownBy(() -> OpenDmarcHistoryWriter.open(tmp.resolve("x.dat"), "two words"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenDmarcHistoryWriter.open(tmp.resolve("x.dat"), ""))
                .isInstanceOf(IllegalArgumentException.class);
        Path missingDir = tmp.resolve("no-such-dir").resolve("h.dat");
        assertThatThrownBy(() -> OpenDmarcHistoryWriter.open(missingDir, REPORTER))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(missingDir.toString());

        OpenDmarcHistoryWriter writer = OpenDmarcHistoryWriter.open(tmp.resolve("c.dat"), REPORTER);
        writer.close();
        writer.close(); // twice is fine
        assertThatThrownBy(() -> writer.append(Records.record(1))).isInstanceOf(IllegalStateException.class);
        assertThat(Files.size(tmp.resolve("c.dat"))).isZero();
    }
}
