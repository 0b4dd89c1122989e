package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jamesdmarc.store.opendmarc.HistoryEntry.DkimSignature;
import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by others: the issue's generator ({@code gen-opendmarc-history.py}, a sample checked in and, where
 * the script and python3 exist, a fresh larger file) and a file the real OpenDMARC 1.4.2 milter wrote (Debian's
 * package, driven by {@code miltertest}; see {@link OpenDmarcMilterInteropTest} for doing it live).
 */
class OpenDmarcHistorySamplesTest {

    /** The issue's generator, in ../shared/anchors beside the repository (the module runs in dmarc-reporting/). */
    private static final Path GENERATOR = Path.of("../../shared/anchors/gen-opendmarc-history.py").toAbsolutePath().normalize();
    private static final long GENERATOR_T0 = 1795478400L;

    private final List<HistoryWarning> warnings = new ArrayList<>();

    private List<HistoryEntry> read(InputStream in) throws IOException {
        List<HistoryEntry> out = new ArrayList<>();
        try (OpenDmarcHistoryReader reader = new OpenDmarcHistoryReader(in, HistoryReadLimits.DEFAULTS,
                warnings::add)) {
            reader.forEachRemaining(out::add);
        }
        return out;
    }

    private InputStream resource(String name) {
        return getClass().getResourceAsStream(name);
    }

    @Test
    void theCheckedInGeneratorSampleReadsBackAsGenerated() throws IOException {
        // python3 gen-opendmarc-history.py 300 20 > gen-opendmarc-history-300-20.dat
        List<HistoryEntry> entries = read(resource("gen-opendmarc-history-300-20.dat"));

        assertThat(warnings).isEmpty();
        assertGenerated(entries, 300);
    }

    @Test
    void aFreshGeneratorFileReadsBackAsGenerated(@TempDir Path dir) throws Exception {
        if (!Files.isReadable(GENERATOR)) {
            MissingTool.unavailable("the history generator " + GENERATOR + " is missing (../shared beside the repository)");
        }
        Path file = dir.resolve("h.dat");
        Process python;
        try {
            python = new ProcessBuilder("python3", GENERATOR.toString(), "20000", "500", "11")
                    .redirectOutput(file.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException noPython) {
            MissingTool.unavailable("python3 is not installed (apt-get install python3): " + noPython.getMessage());
            return;
        }
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).isZero();

        List<HistoryEntry> entries = read(Files.newInputStream(file));

        assertThat(warnings).isEmpty();
        assertGenerated(entries, 20000);
    }

    /** What gen-opendmarc-history.py writes for message i of n, checked field by field. */
    private static void assertGenerated(List<HistoryEntry> entries, int n) {
        assertThat(entries).hasSize(n);
        for (int i = 0; i < n; i++) {
            HistoryEntry e = entries.get(i);
            String domain = e.policyDomain();
            boolean spfOk = e.spf() == AuthResultCode.PASS;
            boolean dkimOk = e.dkim().get(0).result() == AuthResultCode.PASS;
            assertThat(e.line()).isEqualTo(21L * i + 1);
            assertThat(e.jobId()).isEqualTo(String.format("4Q%08X", i));
            assertThat(e.reporter()).isEqualTo("mx1.receiver.example");
            assertThat(e.received()).isEqualTo(Instant.ofEpochSecond(GENERATOR_T0 + (i * 86399L) / n));
            assertThat(e.clientIp().getHostAddress()).matches("(198\\.51\\.100|203\\.0\\.113)\\.\\d+");
            assertThat(domain).matches("d\\d{5}\\.example");
            assertThat(e.headerFrom()).isIn(domain, "news." + domain);
            assertThat(e.envelopeFrom()).isEqualTo(spfOk ? e.headerFrom() : "bounce.esp.example");
            assertThat(e.spf()).isIn(AuthResultCode.PASS, AuthResultCode.SOFTFAIL);
            assertThat(e.policy()).isEqualTo(spfOk || dkimOk ? PolicyOutcome.PASS : PolicyOutcome.REJECT);
            assertThat(e.rua()).containsExactly("mailto:dmarc@" + domain);
            assertThat(e.pct()).isEqualTo(100);
            assertThat(e.adkim()).isEqualTo(AlignmentMode.RELAXED);
            assertThat(e.aspf()).isEqualTo(AlignmentMode.RELAXED);
            assertThat(e.p()).isNotEqualTo(RequestedPolicy.UNSPECIFIED);
            assertThat(e.sp()).isEqualTo(RequestedPolicy.UNSPECIFIED);
            assertThat(e.dkim()).singleElement().satisfies(d -> {
                assertThat(d.domain()).isEqualTo(domain);
                assertThat(d.selector()).contains("s1");
                assertThat(d.result()).isIn(AuthResultCode.PASS, AuthResultCode.SOFTFAIL);
            });
            assertThat(e.dkimAlignment()).isEqualTo(dkimOk ? AlignmentOutcome.PASS : AlignmentOutcome.FAIL);
            assertThat(e.spfAlignment()).isEqualTo(spfOk ? AlignmentOutcome.PASS : AlignmentOutcome.FAIL);
            assertThat(e.arc()).contains(AuthResultCode.FAIL);
            assertThat(e.arcPolicy()).isEqualTo(ArcPolicyResult.FAIL);
            assertThat(e.arcHops()).isEmpty();
            // the generator writes 0 (reject) for aligned mail and 2 (accept) otherwise: read as written
            assertThat(e.action()).isEqualTo(spfOk || dkimOk ? MilterAction.REJECT : MilterAction.ACCEPT);
            assertThat(e.unknownLines()).isEmpty();
        }
    }

    @Test
    void aFileTheRealOpenDmarc142MilterWroteIsDecoded() throws IOException {
        // Debian bookworm's opendmarc 1.4.2-2, RecordAllMessages, no DNS record for the domain; one message via
        // miltertest with an Authentication-Results field of spf=pass and two DKIM results
        List<HistoryEntry> entries = read(resource("opendmarc-1.4.2-milter.dat"));

        assertThat(warnings).isEmpty();
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.jobId()).isEqualTo("JOB0001");
            assertThat(e.reporter()).isEqualTo("vm");
            assertThat(e.received()).isEqualTo(Instant.ofEpochSecond(1796140939L));
            assertThat(e.clientIp()).isEqualTo(OpenDmarcHistoryReaderTest.ip("192.0.2.10"));
            assertThat(e.headerFrom()).isEqualTo("sender.example");
            assertThat(e.envelopeFrom()).isEqualTo("sender.example");
            assertThat(e.spf()).isEqualTo(AuthResultCode.PASS);
            assertThat(e.dkim()).containsExactly(
                    new DkimSignature("sender.example", Optional.of("sel1"), AuthResultCode.PASS),
                    new DkimSignature("other.example", Optional.of("sel2"), AuthResultCode.FAIL));
            assertThat(e.policyDomain()).isEqualTo("sender.example");
            assertThat(e.policy()).isEqualTo(PolicyOutcome.ABSENT);
            assertThat(e.rua()).isEmpty();
            assertThat(e.pct()).isZero();
            assertThat(e.adkim()).isEqualTo(AlignmentMode.UNSPECIFIED);
            assertThat(e.aspf()).isEqualTo(AlignmentMode.UNSPECIFIED);
            assertThat(e.p()).isEqualTo(RequestedPolicy.UNSPECIFIED);
            assertThat(e.sp()).isEqualTo(RequestedPolicy.UNSPECIFIED);
            assertThat(e.dkimAlignment()).isEqualTo(AlignmentOutcome.NOT_EVALUATED);
            assertThat(e.spfAlignment()).isEqualTo(AlignmentOutcome.NOT_EVALUATED);
            assertThat(e.arc()).contains(AuthResultCode.FAIL);
            assertThat(e.arcPolicy()).isEqualTo(ArcPolicyResult.FAIL);
            assertThat(e.action()).isEqualTo(MilterAction.ACCEPT);
        });
    }
}
