package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.jamesdmarc.store.opendmarc.HistoryEntry.ArcHop;
import org.jamesdmarc.store.opendmarc.HistoryEntry.DkimSignature;
import org.jamesdmarc.store.opendmarc.HistoryWarning.Effect;
import org.jamesdmarc.store.opendmarc.HistoryWarning.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenDmarcHistoryReaderTest {

    /** One message as OpenDMARC 1.4.2 writes it, in its order (opendmarc.c, mctx_histbuf). */
    static String entry(String job) {
        return "job " + job + "\n"
                + "reporter mx1.receiver.example\n"
                + "received 1795478400\n"
                + "ipaddr 198.51.100.7\n"
                + "from news.sender.example\n"
                + "mfrom bounce.sender.example\n"
                + "dkim sender.example s1 0\n"
                + "dkim other.example - 7\n"
                + "spf 2\n"
                + "pdomain sender.example\n"
                + "policy 17\n"
                + "rua mailto:a@sender.example\n"
                + "rua mailto:b@sender.example\n"
                + "pct 50\n"
                + "adkim 115\n"
                + "aspf 114\n"
                + "p 113\n"
                + "sp 110\n"
                + "align_dkim 4\n"
                + "align_spf 5\n"
                + "arc 0\n"
                + "arc_policy 0 json:[{ \"i\": 2, \"d\":\"fwd.example\", \"s\":\"a1\", \"ip\":\"192.0.2.1\" }, "
                + "{ \"i\": 1, \"d\":\"list.example\", \"s\":\"b2\", \"ip\":\"192.0.2.2\" }]\n"
                + "action 4\n";
    }

    static final int ENTRY_LINES = 23;

    private final List<HistoryWarning> warnings = new ArrayList<>();

    private List<HistoryEntry> read(String text) throws IOException {
        return read(text, HistoryReadLimits.DEFAULTS);
    }

    private List<HistoryEntry> read(String text, HistoryReadLimits limits) throws IOException {
        return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), limits);
    }

    private List<HistoryEntry> read(InputStream in, HistoryReadLimits limits) throws IOException {
        List<HistoryEntry> out = new ArrayList<>();
        try (OpenDmarcHistoryReader reader = new OpenDmarcHistoryReader(in, limits, warnings::add)) {
            reader.forEachRemaining(out::add);
        }
        return out;
    }

    private static String without(String entry, String key) {
        return entry.replaceAll("(?m)^" + key + " .*\n", "");
    }

    @Test
    void everyLineTypeOfOpenDmarc142IsDecoded() throws IOException {
        List<HistoryEntry> entries = read(entry("4QABC"));

        assertThat(warnings).isEmpty();
        assertThat(entries).hasSize(1);
        HistoryEntry e = entries.get(0);
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.jobId()).isEqualTo("4QABC");
        assertThat(e.reporter()).isEqualTo("mx1.receiver.example");
        assertThat(e.received()).isEqualTo(Instant.ofEpochSecond(1795478400L));
        assertThat(e.clientIp()).isEqualTo(ip("198.51.100.7"));
        assertThat(e.headerFrom()).isEqualTo("news.sender.example");
        assertThat(e.envelopeFrom()).isEqualTo("bounce.sender.example");
        assertThat(e.spf()).isEqualTo(AuthResultCode.SOFTFAIL);
        assertThat(e.policyDomain()).isEqualTo("sender.example");
        assertThat(e.policy()).isEqualTo(PolicyOutcome.QUARANTINE);
        assertThat(e.rua()).containsExactly("mailto:a@sender.example", "mailto:b@sender.example");
        assertThat(e.pct()).isEqualTo(50);
        assertThat(e.adkim()).isEqualTo(AlignmentMode.STRICT);
        assertThat(e.aspf()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(e.p()).isEqualTo(RequestedPolicy.QUARANTINE);
        assertThat(e.sp()).isEqualTo(RequestedPolicy.NONE);
        assertThat(e.dkimAlignment()).isEqualTo(AlignmentOutcome.PASS);
        assertThat(e.spfAlignment()).isEqualTo(AlignmentOutcome.FAIL);
        assertThat(e.dkim()).containsExactly(
                new DkimSignature("sender.example", Optional.of("s1"), AuthResultCode.PASS),
                new DkimSignature("other.example", Optional.empty(), AuthResultCode.FAIL));
        assertThat(e.arc()).contains(AuthResultCode.PASS);
        assertThat(e.arcPolicy()).isEqualTo(ArcPolicyResult.PASS);
        assertThat(e.arcHops()).containsExactly(new ArcHop(2, "fwd.example", "a1", "192.0.2.1"),
                new ArcHop(1, "list.example", "b2", "192.0.2.2"));
        assertThat(e.action()).isEqualTo(MilterAction.QUARANTINE);
        assertThat(e.unknownLines()).isEmpty();
    }

    @Test
    void ruaDashMeansNoUriAndEmptyDomainsAreKept() throws IOException {
        String text = entry("J1").replaceAll("(?m)^rua .*\n", "").replace("pct 50\n", "rua -\npct 50\n")
                .replace("mfrom bounce.sender.example\n", "mfrom \n").replace("from news.sender.example\n", "from\n");

        HistoryEntry e = read(text).get(0);

        assertThat(warnings).isEmpty();
        assertThat(e.rua()).isEmpty();
        assertThat(e.envelopeFrom()).isEmpty();
        assertThat(e.headerFrom()).isEmpty();
    }

    @Test
    void theLastSpfLineWinsAndAnEntryMayHaveNoDkimLine() throws IOException {
        String text = without(entry("J1"), "dkim").replace("spf 2\n", "spf 0\nspf -1\n");

        HistoryEntry e = read(text).get(0);

        assertThat(warnings).isEmpty();
        assertThat(e.spf()).isEqualTo(AuthResultCode.UNDEFINED);
        assertThat(e.dkim()).isEmpty();
    }

    @Test
    void filesOfOpenDmarcBefore14HaveNoArcLines() throws IOException {
        HistoryEntry e = read(without(without(entry("J1"), "arc"), "arc_policy")).get(0);

        assertThat(warnings).isEmpty();
        assertThat(e.arc()).isEmpty();
        assertThat(e.arcPolicy()).isEqualTo(ArcPolicyResult.NOT_RECORDED);
        assertThat(e.arcHops()).isEmpty();
    }

    @Test
    void arcPolicyWithAnEmptyListOrNoJsonHasNoHops() throws IOException {
        List<HistoryEntry> entries = read(entry("J1").replaceAll("(?m)^arc_policy .*$", "arc_policy 2 json:[]")
                + entry("J2").replaceAll("(?m)^arc_policy .*$", "arc_policy 1"));

        assertThat(warnings).isEmpty();
        assertThat(entries).extracting(HistoryEntry::arcPolicy)
                .containsExactly(ArcPolicyResult.FAIL, ArcPolicyResult.UNUSED);
        assertThat(entries).allSatisfy(e -> assertThat(e.arcHops()).isEmpty());
    }

    @Test
    void undecodableArcJsonIsNotedAndTheEntryKept() throws IOException {
        // OpenDMARC prints d= and s= unescaped: a quote in a hostile ARC-Seal breaks its JSON
        String text = entry("J1").replaceAll("(?m)^arc_policy .*$",
                "arc_policy 2 json:[{ \"i\": 1, \"d\":\"ev\"il.example\", \"s\":\"x\", \"ip\":\"\" }]");

        List<HistoryEntry> entries = read(text);

        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).arcHops()).isEmpty();
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.BAD_ARC_JSON);
            assertThat(w.effect()).isEqualTo(Effect.NOTED);
            assertThat(w.line()).isEqualTo(22);
            assertThat(w.jobId()).isEqualTo("J1");
        });
    }

    @Test
    void unknownLineTypesAreKeptWithAWarning() throws IOException {
        String text = entry("J1").replace("action 4\n", "action 4\nfuture_key some value\nbare\n");

        List<HistoryEntry> entries = read(text);

        assertThat(entries).singleElement().satisfies(e -> assertThat(e.unknownLines()).containsExactly(
                new HistoryEntry.UnknownLine(24, "future_key", "some value"),
                new HistoryEntry.UnknownLine(25, "bare", "")));
        assertThat(warnings).extracting(HistoryWarning::line, HistoryWarning::kind, HistoryWarning::effect)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(24L, Kind.UNKNOWN_KEY, Effect.NOTED),
                        org.assertj.core.groups.Tuple.tuple(25L, Kind.UNKNOWN_KEY, Effect.NOTED));
    }

    @Test
    void aBadNumberSkipsItsEntryWithTheLineNumberAndReadingGoesOn() throws IOException {
        String text = entry("J1") + entry("J2").replace("pct 50", "pct fifty") + entry("J3");

        List<HistoryEntry> entries = read(text);

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1", "J3");
        assertThat(entries.get(1).line()).isEqualTo(2 * ENTRY_LINES + 1);
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.BAD_NUMBER);
            assertThat(w.effect()).isEqualTo(Effect.ENTRY_SKIPPED);
            assertThat(w.line()).isEqualTo(ENTRY_LINES + 14);
            assertThat(w.jobId()).isEqualTo("J2");
        });
    }

    @Test
    void codesOpenDmarcNeverWritesSkipTheEntry() throws IOException {
        String[][] cases = {{"policy 17", "policy 13"}, {"adkim 115", "adkim 116"}, {"p 113", "p 1"},
            {"align_dkim 4", "align_dkim 6"}, {"action 4", "action 5"}, {"arc 0", "arc 13"},
            {"arc_policy 0", "arc_policy 3"}, {"spf 2", "spf -2"}, {"dkim sender.example s1 0", "dkim d s 99"}};
        for (String[] c : cases) {
            warnings.clear();
            assertThat(read(entry("J1").replace(c[0], c[1]) + entry("J2")))
                    .as(c[1]).extracting(HistoryEntry::jobId).containsExactly("J2");
            assertThat(warnings).as(c[1]).singleElement()
                    .satisfies(w -> assertThat(w.kind()).isEqualTo(Kind.UNKNOWN_CODE));
        }
    }

    @Test
    void malformedValuesSkipTheEntry() throws IOException {
        String[][] cases = {{"received 1795478400", "received -5", "BAD_NUMBER"},
            {"received 1795478400", "received 99999999999999", "BAD_NUMBER"},
            {"pct 50", "pct 123456789012345678901", "BAD_NUMBER"},
            {"pct 50", "pct", "BAD_NUMBER"},
            {"reporter mx1.receiver.example", "reporter", "BAD_VALUE"},
            {"ipaddr 198.51.100.7", "ipaddr ", "BAD_VALUE"},
            {"ipaddr 198.51.100.7", "ipaddr mail.example", "BAD_VALUE"},
            {"ipaddr 198.51.100.7", "ipaddr 198.51.100.256", "BAD_VALUE"},
            {"ipaddr 198.51.100.7", "ipaddr 010.51.100.7", "BAD_VALUE"},
            {"ipaddr 198.51.100.7", "ipaddr 198.51.100", "BAD_VALUE"},
            {"ipaddr 198.51.100.7", "ipaddr 198.51.100.7.1", "BAD_VALUE"},
            {"ipaddr 198.51.100.7", "ipaddr 198.51.100.7 ", "BAD_VALUE"},
            {"ipaddr 198.51.100.7", "ipaddr 2001:db8::1::2", "BAD_VALUE"},
            {"dkim sender.example s1 0", "dkim sender.example 0", "BAD_VALUE"},
            {"dkim sender.example s1 0", "dkim a b 0 extra", "BAD_VALUE"},
            {"arc_policy 0 json:", "arc_policy 0 xml:", "BAD_VALUE"}};
        for (String[] c : cases) {
            warnings.clear();
            assertThat(read(entry("J1").replace(c[0], c[1]) + entry("J2")))
                    .as(c[1]).extracting(HistoryEntry::jobId).containsExactly("J2");
            assertThat(warnings).as(c[1]).singleElement()
                    .satisfies(w -> assertThat(w.kind()).isEqualTo(Kind.valueOf(c[2])));
        }
    }

    @Test
    void aJobLineWithoutIdSkipsTheLinesUpToTheNextJob() throws IOException {
        List<HistoryEntry> entries = read(entry("J1").replace("job J1", "job") + entry("J2"));

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J2");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.BAD_VALUE);
            assertThat(w.line()).isEqualTo(1);
        });
    }

    @Test
    void linesBeforeTheFirstJobLineAreIgnoredWithOneWarning() throws IOException {
        String headless = entry("J0").substring(entry("J0").indexOf('\n') + 1);

        List<HistoryEntry> entries = read(headless + entry("J1"));

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.OUTSIDE_ENTRY);
            assertThat(w.effect()).isEqualTo(Effect.LINE_IGNORED);
            assertThat(w.line()).isEqualTo(1);
        });
    }

    @Test
    void aLostJobLineRunsTwoEntriesTogetherAndTheMergedOneIsSkipped() throws IOException {
        String second = entry("J2");
        String text = entry("J1") + second.substring(second.indexOf('\n') + 1) + entry("J3");

        List<HistoryEntry> entries = read(text);

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J3");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.REPEATED_LINE);
            assertThat(w.line()).isEqualTo(ENTRY_LINES + 1);
            assertThat(w.jobId()).isEqualTo("J1");
        });
    }

    @Test
    void aTruncatedLastEntryIsSkippedNamingTheMissingLines() throws IOException {
        String partial = entry("J2").substring(0, entry("J2").indexOf("pdomain"));

        List<HistoryEntry> entries = read(entry("J1") + partial);

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.MISSING_LINE);
            assertThat(w.effect()).isEqualTo(Effect.ENTRY_SKIPPED);
            assertThat(w.line()).isEqualTo(ENTRY_LINES + 1);
            assertThat(w.detail()).isEqualTo("entry without pdomain, policy, rua, pct, adkim, aspf, p, sp, align_dkim,"
                    + " align_spf, action");
        });
    }

    @Test
    void crlfLineEndsAndAMissingFinalNewlineAreAccepted() throws IOException {
        String text = (entry("J1") + entry("J2")).replace("\n", "\r\n");

        List<HistoryEntry> entries = read(text.substring(0, text.length() - 2));

        assertThat(warnings).isEmpty();
        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1", "J2");
        assertThat(entries.get(1).action()).isEqualTo(MilterAction.QUARANTINE);
    }

    @Test
    void duplicateJobIdsOfOneReporterAreWarnedAboutAndKept() throws IOException {
        String otherReporter = entry("J1").replace("mx1.receiver.example", "mx2.receiver.example");

        List<HistoryEntry> entries = read(entry("J1") + entry("J2") + otherReporter + entry("J1"));

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1", "J2", "J1", "J1");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.DUPLICATE_JOB_ID);
            assertThat(w.effect()).isEqualTo(Effect.NOTED);
            assertThat(w.line()).isEqualTo(3 * ENTRY_LINES + 1);
            assertThat(w.detail()).contains("line 1 ");
        });
    }

    @Test
    void theUnknownJobIdIsNeverADuplicate() throws IOException {
        List<HistoryEntry> entries = read(entry("(unknown-jobid)") + entry("(unknown-jobid)"));

        assertThat(entries).hasSize(2);
        assertThat(warnings).isEmpty();
    }

    @Test
    void duplicatesAreNoLongerTrackedPastTheLimit() throws IOException {
        HistoryReadLimits limits = new HistoryReadLimits(1024, 100, 1_000_000, 1);

        assertThat(read(entry("J1") + entry("J2") + entry("J2") + entry("J1"), limits)).hasSize(4);

        assertThat(warnings).extracting(HistoryWarning::line).containsExactly(3L * ENTRY_LINES + 1);
    }

    @Test
    void aLongLineSkipsItsEntryWithoutBeingBuffered() throws IOException {
        HistoryReadLimits limits = new HistoryReadLimits(256, 100, 1_000_000, 100);
        byte[] longRua = ("rua mailto:" + "x".repeat(20_000_000) + "\n").getBytes(StandardCharsets.US_ASCII);
        InputStream in = new SequenceInputStream(Collections.enumeration(List.of(
                stream(entry("J1")), stream("job J2\n"), new ByteArrayInputStream(longRua),
                stream(entry("J2").substring(7)), stream(entry("J3")))));

        long total = entry("J1").length() + 7 + longRua.length + entry("J2").length() - 7 + entry("J3").length();
        List<HistoryEntry> entries = new ArrayList<>();
        try (OpenDmarcHistoryReader reader = new OpenDmarcHistoryReader(in, limits, warnings::add)) {
            entries.add(reader.next().orElseThrow());
            assertThat(reader.position()).isEqualTo(entry("J1").length() + 7); // J1 ends at J2's job line
            reader.forEachRemaining(entries::add);
            assertThat(reader.position()).isEqualTo(total);
        }

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1", "J3");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.LINE_TOO_LONG);
            assertThat(w.line()).isEqualTo(ENTRY_LINES + 2);
            assertThat(w.jobId()).isEqualTo("J2");
            assertThat(w.detail().length()).isLessThan(100);
        });
    }

    @Test
    void aLineJustOverTheSmallestLimitIsSkippedWithoutTouchingTheNextLine() throws IOException {
        HistoryReadLimits limits = new HistoryReadLimits(64, 100, 1_000_000, 100);
        String rua70 = "rua mailto:" + "r".repeat(59);
        String text = entry("J1").replaceAll("(?m)^arc_policy .*$", "arc_policy 2 json:[]")
                + entry("J2").replace("rua mailto:a@sender.example", rua70)
                        .replaceAll("(?m)^arc_policy .*$", "arc_policy 2 json:[]")
                + entry("J3").replaceAll("(?m)^arc_policy .*$", "arc_policy 2 json:[]");

        List<HistoryEntry> entries = read(text, limits);

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1", "J3");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.LINE_TOO_LONG);
            assertThat(w.line()).isEqualTo(ENTRY_LINES + 12);
        });
    }

    @Test
    void aLongJobLineStillStartsAnEntryThatIsSkipped() throws IOException {
        HistoryReadLimits limits = new HistoryReadLimits(256, 100, 1_000_000, 100);

        List<HistoryEntry> entries = read(entry("J1") + entry("Z".repeat(1000)) + entry("J3"), limits);

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1", "J3");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.LINE_TOO_LONG);
            assertThat(w.line()).isEqualTo(ENTRY_LINES + 1);
        });
    }

    @Test
    void anEntryOfTooManyLinesIsSkipped() throws IOException {
        HistoryReadLimits limits = new HistoryReadLimits(256, 30, 1_000_000, 100);
        String many = entry("J2").replace("pct 50\n", "rua mailto:x@y.example\n".repeat(50) + "pct 50\n");

        List<HistoryEntry> entries = read(entry("J1") + many + entry("J3"), limits);

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1", "J3");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.ENTRY_TOO_LONG);
            assertThat(w.line()).isEqualTo(ENTRY_LINES + 31);
        });
    }

    @Test
    void anEntryOfTooManyBytesIsSkipped() throws IOException {
        HistoryReadLimits limits = new HistoryReadLimits(1024, 1000, 4096, 100);
        String rua = "rua mailto:" + "u".repeat(900) + "@y.example\n";
        String big = entry("J2").replace("pct 50\n", rua.repeat(10) + "pct 50\n");

        List<HistoryEntry> entries = read(entry("J1") + big + entry("J3"), limits);

        assertThat(entries).extracting(HistoryEntry::jobId).containsExactly("J1", "J3");
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.ENTRY_TOO_LONG);
            assertThat(w.line()).isEqualTo(ENTRY_LINES + 18); // the 5th long line passes 4 KiB
        });
    }

    @Test
    void controlCharactersSkipTheEntry() throws IOException {
        for (String bad : new String[] {"from evil\u0000.example", "from evil\r.example", "from evil\u001b.example"}) {
            warnings.clear();
            assertThat(read(entry("J1").replace("from news.sender.example", bad) + entry("J2")))
                    .extracting(HistoryEntry::jobId).containsExactly("J2");
            assertThat(warnings).singleElement().satisfies(w -> {
                assertThat(w.kind()).isEqualTo(Kind.CONTROL_CHARACTER);
                assertThat(w.line()).isEqualTo(5);
            });
        }
    }

    @Test
    void clientAddressesAreIpv4OrIpv6Literals() throws IOException {
        List<HistoryEntry> entries = read(entry("J1").replace("198.51.100.7", "0.0.0.0")
                + entry("J2").replace("198.51.100.7", "2001:db8::25")
                + entry("J3").replace("198.51.100.7", "::ffff:192.0.2.1")
                + entry("J4").replace("198.51.100.7", "255.255.255.255"));

        assertThat(warnings).isEmpty();
        assertThat(entries).extracting(e -> e.clientIp().getHostAddress())
                .containsExactly("0.0.0.0", "2001:db8:0:0:0:0:0:25", "192.0.2.1", "255.255.255.255");
    }

    @Test
    void utf8ValuesAreDecoded() throws IOException {
        HistoryEntry e = read(entry("J1").replace("from news.sender.example", "from bücher.example")).get(0);

        assertThat(e.headerFrom()).isEqualTo("bücher.example");
    }

    @Test
    void binaryJunkNeverThrowsAndEntriesAfterItAreRead() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            byte[] junk = new byte[200_000];
            random.nextBytes(junk);
            warnings.clear();
            InputStream in = new SequenceInputStream(Collections.enumeration(List.of(stream(entry("J1")),
                    new ByteArrayInputStream(junk), stream("\n" + entry("J2")))));

            List<HistoryEntry> entries = read(in, new HistoryReadLimits(4096, 100, 1_000_000, 100));

            assertThat(entries).extracting(HistoryEntry::jobId).last().isEqualTo("J2");
            assertThat(warnings).allSatisfy(w -> assertThat(w.line()).isPositive());
        }
    }

    @Test
    void openReadsPlainAndGzipCompressedFiles(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("history.dat");
        Path gzip = dir.resolve("history.dat.1.gz");
        Files.writeString(plain, entry("J1") + entry("J2"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write((entry("J3") + entry("J4")).getBytes(StandardCharsets.UTF_8));
        }
        Path tiny = dir.resolve("tiny.dat");
        Files.write(tiny, new byte[] {0x1f});

        for (Path file : List.of(plain, gzip, tiny)) {
            List<HistoryEntry> entries = new ArrayList<>();
            try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(file, warnings::add)) {
                reader.forEachRemaining(entries::add);
            }
            assertThat(entries).hasSize(file == tiny ? 0 : 2);
        }
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.kind()).isEqualTo(Kind.OUTSIDE_ENTRY));
    }

    @Test
    void aTruncatedOrCorruptGzipFileYieldsWhatPrecedesTheDamage(@TempDir Path dir) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            for (int i = 0; i < 2000; i++) {
                out.write(entry("J" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] whole = bytes.toByteArray();
        Path truncated = dir.resolve("truncated.gz");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        byte[] damaged = whole.clone();
        for (int i = whole.length / 3; i < whole.length / 3 + 64; i++) {
            damaged[i] ^= 0x5a;
        }
        Path corrupt = dir.resolve("corrupt.gz");
        Files.write(corrupt, damaged);
        Path headerOnly = dir.resolve("header.gz");
        Files.write(headerOnly, new byte[] {0x1f, (byte) 0x8b, 1});

        for (Path file : List.of(truncated, corrupt, headerOnly)) {
            warnings.clear();
            List<HistoryEntry> entries = new ArrayList<>();
            try (OpenDmarcHistoryReader reader = OpenDmarcHistoryReader.open(file, warnings::add)) {
                reader.forEachRemaining(entries::add);
            }
            assertThat(entries).as(file.toString()).hasSizeLessThan(2000);
            assertThat(warnings).as(file.toString()).extracting(HistoryWarning::kind)
                    .contains(Kind.CORRUPT_COMPRESSION);
        }
    }

    @Test
    void anEmptyInputHasNoEntriesAndNoWarnings() throws IOException {
        assertThat(read("")).isEmpty();
        assertThat(read("\n\n")).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void theReaderCountsLinesEntriesAndSkips() throws IOException {
        try (OpenDmarcHistoryReader reader = new OpenDmarcHistoryReader(
                stream(entry("J1") + entry("J2").replace("pct 50", "pct x")), HistoryReadLimits.DEFAULTS,
                warnings::add)) {
            assertThat(reader.next()).map(HistoryEntry::jobId).contains("J1");
            assertThat(reader.next()).isEmpty();
            assertThat(reader.next()).isEmpty();
            assertThat(reader.lines()).isEqualTo(2L * ENTRY_LINES);
            assertThat(reader.position()).isEqualTo((entry("J1") + entry("J2")).length() - 1); // "pct x"
            assertThat(reader.entriesRead()).isEqualTo(1);
            assertThat(reader.entriesSkipped()).isEqualTo(1);
            assertThat(reader.warnings()).isEqualTo(1);
        }
    }

    static InetAddress ip(String literal) {
        return org.jamesdmarc.dns.IpLiteral.parse(literal).orElseThrow();
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
