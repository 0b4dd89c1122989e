package org.jamesdmarc.store.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.jamesdmarc.store.journal.AppendResult.DropReason;
import org.jamesdmarc.store.journal.JournalWarning.Kind;

/** {@link Journal} on real files in a temporary directory. */
class JournalTest {

    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    static JournalEntry entry(int i) {
        // Fixed width: every frame has the same size.
        return new JournalEntry(String.format("key-%04d", i), String.format("payload %04d", i).getBytes(StandardCharsets.UTF_8));
    }

    static List<JournalEntry> entries(int from, int to) {
        return IntStream.range(from, to).mapToObj(JournalTest::entry).toList();
    }

    /** Everything pending, read in batches of {@code batch} and acknowledged. */
    static List<JournalEntry> drain(Journal journal, int batch) throws Exception {
        List<JournalEntry> all = new ArrayList<>();
        journal.replay(batch, all::addAll);
        return all;
    }

    static List<JournalEntry> peekAll(Journal journal) throws IOException {
        return journal.read(Integer.MAX_VALUE).entries();
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }

    /** The frame size of an entry: header, key length, key, payload. */
    private static int frameBytes(JournalEntry e) {
        return Journal.HEADER_BYTES + 2 + e.keyBytes().length + e.payload().length;
    }

    @Test
    void replaysBatchesInAppendOrder() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            assertThat(journal.append(entries(0, 3))).isEqualTo(new AppendResult(3, 0, DropReason.NONE));
            assertThat(journal.append(entries(3, 4)).appended()).isEqualTo(1);
            assertThat(journal.append(entries(4, 10)).appended()).isEqualTo(6);
            assertThat(journal.pendingEntries()).isEqualTo(10);

            assertThat(drain(journal, 3)).isEqualTo(entries(0, 10));
            assertThat(journal.pendingEntries()).isZero();
            assertThat(journal.sizeBytes()).as("everything acknowledged: one empty segment").isZero();
            assertThat(segmentFiles()).hasSize(1);
            assertThat(journal.warnings()).isEmpty();
        }
    }

    @Test
    void readDoesNotRemoveUntilAcknowledged() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(entries(0, 5));
            ReadBatch first = journal.read(2);
            assertThat(first.entries()).isEqualTo(entries(0, 2));
            assertThat(journal.read(2)).as("unacknowledged: the same batch again").isEqualTo(first);
            journal.acknowledge(first);
            assertThat(journal.read(10).entries()).isEqualTo(entries(2, 5));
            assertThatThrownBy(() -> journal.acknowledge(first)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aNewInstanceOnTheSameDirectoryResumesAtTheCheckpoint() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(entries(0, 6));
            journal.acknowledge(journal.read(4));
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(reopened.pendingEntries()).isEqualTo(2);
            reopened.append(entries(6, 8));
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(drain(reopened, 100)).isEqualTo(entries(4, 8));
            assertThat(reopened.warnings()).isEmpty();
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(reopened.pendingEntries()).isZero();
            assertThat(peekAll(reopened)).isEmpty();
        }
    }

    @Test
    void aSecondInstanceOnTheSameDirectoryIsRefused() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            assertThatThrownBy(() -> Journal.open(dir, MB)).isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
        Journal.open(dir, MB).close();
    }

    @Test
    void aTornTailIsCutOffOnOpen() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(entries(0, 3));
        }
        Path segment = segmentFiles().get(0);
        long full = Files.size(segment);
        long twoFrames = full - frameBytes(entry(2));
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(full - 5); // kill -9 in the middle of writing the third frame
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(reopened.warnings()).containsExactly(
                    new JournalWarning(Kind.TORN_TAIL, 1, twoFrames, frameBytes(entry(2)) - 5));
            assertThat(Files.size(segment)).as("the torn bytes are cut off").isEqualTo(twoFrames);
            assertThat(reopened.pendingEntries()).isEqualTo(2);
            reopened.append(entries(3, 4));
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(reopened.warnings()).isEmpty();
            assertThat(drain(reopened, 10)).containsExactly(entry(0), entry(1), entry(3));
        }
    }

    @Test
    void aTornHeaderAndAZeroFilledTailAreCutOffToo() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(entries(0, 2));
        }
        Path segment = segmentFiles().get(0);
        long valid = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(valid);
            file.write(new byte[] {(byte) 0xD3, (byte) 0xA7, (byte) 0xC0}); // three bytes of a magic number
            file.write(new byte[100]); // the file system extended the file, the data never came
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(reopened.warnings()).extracting(JournalWarning::kind).containsExactly(Kind.TORN_TAIL);
            assertThat(Files.size(segment)).isEqualTo(valid);
            assertThat(peekAll(reopened)).isEqualTo(entries(0, 2));
        }
    }

    @Test
    void aCorruptFrameInTheMiddleIsSkippedWithAWarning() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(entries(0, 3));
        }
        Path segment = segmentFiles().get(0);
        long second = frameBytes(entry(0));
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(second + Journal.HEADER_BYTES + 4); // a byte of the second entry's body
            file.write('X');
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(reopened.warnings()).containsExactly(
                    new JournalWarning(Kind.CORRUPT_FRAME, 1, second, frameBytes(entry(1))));
            assertThat(reopened.pendingEntries()).isEqualTo(2);
            assertThat(drain(reopened, 1)).containsExactly(entry(0), entry(2));
        }
    }

    @Test
    void aCorruptLengthFieldDoesNotLoseTheFramesAfterIt() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(entries(0, 4));
        }
        Path segment = segmentFiles().get(0);
        long second = frameBytes(entry(0));
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(second + 4);
            file.writeInt(Integer.MAX_VALUE);
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(reopened.warnings()).extracting(JournalWarning::kind).containsExactly(Kind.CORRUPT_FRAME);
            assertThat(drain(reopened, 10)).containsExactly(entry(0), entry(2), entry(3));
        }
    }

    @Test
    void anAppendPastTheCapIsRefusedAndCounted() throws Exception {
        int frame = frameBytes(entry(0));
        try (Journal journal = Journal.open(dir, 3L * frame + frame / 2)) {
            assertThat(journal.append(entries(0, 2))).isEqualTo(new AppendResult(2, 0, DropReason.NONE));
            assertThat(journal.append(entries(2, 5))).isEqualTo(new AppendResult(1, 2, DropReason.CAP));
            assertThat(journal.append(entries(5, 6))).isEqualTo(new AppendResult(0, 1, DropReason.CAP));
            assertThat(journal.sizeBytes()).isEqualTo(3L * frame);

            assertThat(drain(journal, 10)).isEqualTo(entries(0, 3));
            assertThat(journal.append(entries(6, 9)).appended()).as("acknowledged bytes are freed").isEqualTo(3);
        }
    }

    @Test
    void anEntryTooLargeForAFrameIsRefused() throws Exception {
        try (Journal journal = Journal.open(dir, 64 * MB)) {
            JournalEntry huge = new JournalEntry("huge", new byte[Journal.MAX_BODY_BYTES]);
            assertThat(journal.append(List.of(entry(0), huge, entry(1))))
                    .isEqualTo(new AppendResult(1, 2, DropReason.TOO_LARGE));
            JournalEntry longKey = new JournalEntry("k".repeat(JournalEntry.MAX_KEY_BYTES + 1), new byte[0]);
            assertThat(journal.append(List.of(longKey)).reason()).isEqualTo(DropReason.TOO_LARGE);
            assertThat(peekAll(journal)).containsExactly(entry(0));
        }
    }

    @Test
    void aClosedJournalRefusesAppendsWithoutThrowing() throws Exception {
        Journal journal = Journal.open(dir, MB);
        journal.close();
        assertThat(journal.append(entries(0, 2))).isEqualTo(new AppendResult(0, 2, DropReason.CLOSED));
    }

    @Test
    void segmentsRotateAndAcknowledgedOnesAreDeleted() throws Exception {
        int frame = frameBytes(entry(0));
        try (Journal journal = Journal.open(dir, MB, 4L * frame)) {
            for (int i = 0; i < 10; i++) {
                journal.append(entries(i * 2, i * 2 + 2));
            }
            assertThat(segmentFiles()).hasSize(5);
            journal.acknowledge(journal.read(9));
            assertThat(segmentFiles()).as("segments 1 to 2 fully acknowledged").hasSize(3);
        }
        try (Journal reopened = Journal.open(dir, MB, 4L * frame)) {
            assertThat(reopened.pendingEntries()).isEqualTo(11);
            assertThat(drain(reopened, 4)).isEqualTo(entries(9, 20));
            assertThat(segmentFiles()).hasSize(1);
        }
    }

    @Test
    void anUnreadableCheckpointReplaysFromTheOldestSegment() throws Exception {
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(entries(0, 4));
            journal.acknowledge(journal.read(2));
        }
        Files.writeString(dir.resolve("checkpoint"), "dmarc-journal v1 1 999 00000000\n");
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(reopened.warnings()).extracting(JournalWarning::kind).containsExactly(Kind.BAD_CHECKPOINT);
            assertThat(drain(reopened, 10)).as("duplicates, never loss").isEqualTo(entries(0, 4));
        }
    }

    @Test
    void keysAndPayloadsRoundTripBytesExactly() throws Exception {
        JournalEntry odd = new JournalEntry("clé-✓", new byte[] {0, (byte) 0xD3, (byte) 0xA7, (byte) 0xC0, (byte) 0xDE});
        JournalEntry empty = new JournalEntry("", new byte[0]);
        try (Journal journal = Journal.open(dir, MB)) {
            journal.append(List.of(odd, empty));
        }
        try (Journal reopened = Journal.open(dir, MB)) {
            assertThat(peekAll(reopened)).containsExactly(odd, empty);
            assertThat(reopened.warnings()).isEmpty();
        }
    }

    @Test
    void framesLargerThanTheReadWindowAndFramesAcrossItAreReadWhole() throws Exception {
        List<JournalEntry> big = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int size = i == 5 ? (int) (3 * Journal.READ_WINDOW_BYTES) : (int) (Journal.READ_WINDOW_BYTES / 3) + i;
            byte[] payload = new byte[size];
            java.util.Arrays.fill(payload, (byte) i);
            big.add(new JournalEntry("big-" + i, payload));
        }
        try (Journal journal = Journal.open(dir, 64 * MB, 64 * MB)) {
            journal.append(big);
        }
        try (Journal reopened = Journal.open(dir, 64 * MB, 64 * MB)) {
            List<JournalEntry> read = new ArrayList<>();
            reopened.replay(2, read::addAll);
            assertThat(read).isEqualTo(big);
            assertThat(reopened.warnings()).isEmpty();
        }
    }

    @Test
    void anAppendWithoutFsyncIsReadableAndSyncedLaterOnce() throws Exception {
        try (Journal journal = Journal.open(dir, 64 * MB)) {
            assertThat(journal.unsynced()).isFalse();
            journal.appendPlaced(entries(0, 3), false);
            assertThat(journal.unsynced()).as("written, not fsync'd").isTrue();
            assertThat(peekAll(journal)).containsExactlyElementsOf(entries(0, 3));
            journal.sync();
            assertThat(journal.unsynced()).isFalse();
            journal.appendPlaced(entries(3, 4), true);
            assertThat(journal.unsynced()).as("an append with fsync leaves nothing unsynced").isFalse();
        }
        try (Journal reopened = Journal.open(dir, 64 * MB)) {
            assertThat(peekAll(reopened)).containsExactlyElementsOf(entries(0, 4));
        }
    }

    @Test
    void unsyncedEntriesOfALeftSegmentAndOfCloseAreKept() throws Exception {
        int frame = frameBytes(entry(0));
        try (Journal journal = Journal.open(dir, 64 * MB, 2L * frame)) {
            journal.appendPlaced(entries(0, 2), false);
            journal.appendPlaced(entries(2, 4), false); // starts a new segment: the old one is synced on the way
            assertThat(segmentFiles()).hasSize(2);
            journal.appendPlaced(entries(4, 5), false);
            assertThat(journal.unsynced()).isTrue();
        }
        try (Journal reopened = Journal.open(dir, 64 * MB, 2L * frame)) {
            assertThat(reopened.unsynced()).isFalse();
            assertThat(peekAll(reopened)).containsExactlyElementsOf(entries(0, 5));
            reopened.close();
            assertThatThrownBy(reopened::sync).isInstanceOf(IOException.class);
        }
    }
}
