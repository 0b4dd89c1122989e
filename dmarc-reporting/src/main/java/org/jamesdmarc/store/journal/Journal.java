package org.jamesdmarc.store.journal;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.jamesdmarc.store.journal.AppendResult.DropReason;
import org.jamesdmarc.store.journal.JournalWarning.Kind;

/**
 * An append-only, crash-safe file journal of {@link JournalEntry entries} (idempotency key + opaque payload),
 * replayed in append order.
 *
 * <h2>On disk</h2>
 * A directory holding:
 * <ul>
 *   <li>{@code segment-<n>.journal}: numbered segment files, appended to in order; a new segment starts when the
 *       current one would exceed the segment size, and whenever every entry has been acknowledged.</li>
 *   <li>{@code checkpoint}: the {@link JournalPosition} up to which a consumer has durably stored the entries,
 *       with a CRC32 of its text. Written to {@code checkpoint.tmp}, forced, then atomically renamed over the old
 *       one and the directory forced, so it is always either the old or the new checkpoint.</li>
 *   <li>{@code lock}: an OS file lock, so only one process (one {@code Journal} instance) uses the directory.</li>
 * </ul>
 * Each entry is one frame: {@code magic(4) | bodyLength(4) | crc32(4) | body}, where the CRC32 covers the
 * length field and the body, and the body is {@code keyLength(2) | key (UTF-8) | payload}. A batch is written
 * with one write and one {@link FileChannel#force fsync}: when {@link #append} returns, its entries survive a
 * crash or power loss. A consumer may also append without the fsync ({@code appendPlaced(entries, false)}) and
 * call {@link #sync} later, once for many appends: the entries are then in the kernel when the append returns —
 * they survive the death of the process ({@code kill -9}, an {@code OutOfMemoryError}), but only the sync makes
 * them survive an operating-system crash or a power loss. The segment being left is synced on rotation, and
 * {@link #close} syncs what is left.
 *
 * <h2>Damage</h2>
 * On {@link #open}, every pending frame is checked. Invalid bytes after the last valid frame of the newest
 * segment are a torn write (the process died mid-append, before the fsync returned, so no caller was told those
 * entries were stored): they are cut off and reported as {@link Kind#TORN_TAIL}. Invalid bytes followed by a
 * valid frame (found again by its magic number and checksum), or anywhere in an older segment, are
 * {@link Kind#CORRUPT_FRAME}: skipped, logged at WARN and listed in {@link #warnings()} — never silently, and
 * never a crash. An unreadable checkpoint restarts replay at the oldest segment (duplicates, which the consumer's
 * idempotent keys absorb, rather than loss).
 *
 * <h2>Dropping what was replayed</h2>
 * {@link #read} returns entries from the checkpoint on; once the consumer has stored them it calls
 * {@link #acknowledge}, which moves the checkpoint and deletes the segments wholly before it. When everything is
 * acknowledged a fresh segment is started and all older ones are deleted, so an idle journal is one empty file.
 * A crash between storing and acknowledging replays that batch again: delivery is at least once, and the
 * consumer must be idempotent by {@link JournalEntry#key()}.
 *
 * <h2>Size cap</h2>
 * The cap bounds the bytes of all segment files (so the disk use, including at most one segment's worth of
 * acknowledged bytes not yet rotated away). An append that would pass it stores the entries that fit and
 * refuses the rest with {@link DropReason#CAP}; {@link #append} never throws for a full journal, a too-large
 * entry or an I/O error — it reports them in its {@link AppendResult} for the caller to count.
 *
 * <h2>Threads</h2>
 * The public methods are thread-safe (one lock; {@link #sync} and the checkpoint file's write and fsyncs run
 * outside it, so appends never wait for them): any number of threads may append, and reads and
 * acknowledgements may come from another thread. There should be one consumer: with {@link #read} and
 * {@link #acknowledge(ReadBatch)} it acknowledges only the batch read from the current checkpoint (anything else
 * is an {@link IllegalStateException}); {@link HistoryPipeline}, which hands several batches to several writers
 * at once, reads ahead ({@code readFrom}) and acknowledges up to the end of the longest run of written batches
 * ({@code acknowledgeTo}).
 */
public final class Journal implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    static final int MAGIC = 0xD3A7_C0DE;
    static final int HEADER_BYTES = 12;
    /** A body longer than this is not a frame (protects the reader from a corrupt length field). */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_BYTES = 8L * 1024 * 1024;
    /** {@link #read} reads this much of a segment at a time (more only for a larger frame). */
    static final long READ_WINDOW_BYTES = 1024 * 1024;

    private static final Pattern SEGMENT_NAME = Pattern.compile("segment-(\\d{1,19})\\.journal");
    private static final Pattern CHECKPOINT_TEXT = Pattern.compile("dmarc-journal v1 (\\d+) (\\d+) ([0-9a-f]{8})\n");
    private static final String CHECKPOINT = "checkpoint";
    private static final String CHECKPOINT_TMP = "checkpoint.tmp";

    private final Path directory;
    private final long capBytes;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Held while the checkpoint file is written (outside the journal's lock): one checkpoint move at a time. */
    private final Object checkpointWriter = new Object();
    /** Segment number → size in bytes, for every segment file. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    private final List<JournalWarning> warnings = new ArrayList<>();
    private final Set<JournalPosition> warnedAt = new HashSet<>();
    private FileChannel active;
    private long activeSegment;
    /** The end of the segment before the active one, when it was rotated away from in this process. */
    private JournalPosition previousEnd;
    private JournalPosition checkpoint;
    /** Everything before it is fsync'd (or was fsync'd when its segment was left). */
    private JournalPosition syncedEnd;
    private long pendingEntries;
    private boolean closed;

    private Journal(Path directory, long capBytes, long segmentBytes, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.capBytes = capBytes;
        this.segmentBytes = segmentBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** {@link #open(Path, long, long)} with {@value #DEFAULT_SEGMENT_BYTES}-byte segments. */
    public static Journal open(Path directory, long capBytes) throws IOException {
        return open(directory, capBytes, DEFAULT_SEGMENT_BYTES);
    }

    /**
     * Opens (creating if needed) the journal in {@code directory}: locks it, reads the checkpoint, checks every
     * pending frame, cuts off a torn tail and counts the pending entries.
     *
     * @param capBytes     the most bytes all segment files may hold together
     * @param segmentBytes the size after which a new segment is started (a batch is never split)
     * @throws IOException when the directory cannot be created, read or locked (another process uses it)
     */
    public static Journal open(Path directory, long capBytes, long segmentBytes) throws IOException {
        if (capBytes <= 0 || segmentBytes <= 0) {
            throw new IllegalArgumentException("journal cap and segment size must be positive");
        }
        Files.createDirectories(directory);
        FileChannel lockChannel = FileChannel.open(directory.resolve("lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw new IOException("journal " + directory + " is in use: " + e, e);
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("journal " + directory + " is in use by another process");
        }
        Journal journal = new Journal(directory, capBytes, segmentBytes, lockChannel, lock);
        try {
            journal.recover();
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    private void recover() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = SEGMENT_NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    segments.put(Long.parseLong(m.group(1)), Files.size(file));
                }
            }
        }
        JournalPosition stored = readCheckpoint();
        long first = segments.isEmpty() ? 1 : segments.firstKey();
        checkpoint = stored != null ? stored : new JournalPosition(first, 0);
        // Segments wholly before the checkpoint were acknowledged; a crash may have left them behind.
        for (Long old : List.copyOf(segments.headMap(checkpoint.segment()).keySet())) {
            deleteSegment(old);
        }
        if (segments.isEmpty() || segments.lastKey() < checkpoint.segment()) {
            createSegment(checkpoint.segment()).close();
        }
        if (!segments.containsKey(checkpoint.segment())) {
            // The checkpoint's segment is gone but later ones exist: start at the next one.
            checkpoint = new JournalPosition(segments.ceilingKey(checkpoint.segment()), 0);
        }
        long last = segments.lastKey();
        for (Map.Entry<Long, Long> segment : segments.entrySet()) {
            long number = segment.getKey();
            long from = number == checkpoint.segment() ? Math.min(checkpoint.offset(), segment.getValue()) : 0;
            ByteBuffer bytes = readSegment(number, from, Long.MAX_VALUE);
            FrameScan scan = FrameScan.of(bytes, from);
            pendingEntries += scan.frames().size();
            recordDamage(number, scan, number == last, false);
            if (number == last && scan.trailingDamage() != null) {
                long validEnd = scan.trailingDamage().offset();
                try (FileChannel channel = FileChannel.open(segmentPath(number), StandardOpenOption.WRITE)) {
                    channel.truncate(validEnd);
                    channel.force(true);
                }
                segments.put(number, validEnd);
            }
        }
        activeSegment = last;
        active = FileChannel.open(segmentPath(last), StandardOpenOption.WRITE, StandardOpenOption.READ);
        active.position(segments.get(last));
        // What a previous process wrote without syncing is in the kernel, maybe not on disk: sync it once now.
        active.force(false);
        syncedEnd = end();
        if (checkpoint.offset() > segments.get(checkpoint.segment())) {
            checkpoint = new JournalPosition(checkpoint.segment(), segments.get(checkpoint.segment()));
        }
    }

    /**
     * Appends {@code entries} in order with one write and one fsync. Entries past the size cap, too large for a
     * frame, or hit by an I/O error are dropped (with everything after them) and reported, never thrown.
     */
    public synchronized AppendResult append(List<JournalEntry> entries) {
        return appendPlaced(entries).result();
    }

    /**
     * What {@link #appendPlaced} did and where: {@code before} is the journal's end before the append (no entry lies
     * between it and the first appended one, even when the append started a new segment), {@code start} where the
     * first appended entry begins, {@code ends} the position just after each appended entry.
     */
    record Placed(AppendResult result, JournalPosition before, JournalPosition start, List<JournalPosition> ends) {

        /** Whether the appended entries follow {@code position} with no entry between. */
        boolean follows(JournalPosition position) {
            return !ends.isEmpty() && (before.equals(position) || start.equals(position));
        }
    }

    /** {@link #append}, also telling where the appended entries are (for a consumer that keeps them in memory). */
    synchronized Placed appendPlaced(List<JournalEntry> entries) {
        return appendPlaced(entries, true);
    }

    /**
     * {@link #appendPlaced(List)}; with {@code force} false the entries are written (in the kernel when this returns,
     * surviving the death of this process) but not fsync'd: {@link #sync} does that later.
     */
    synchronized Placed appendPlaced(List<JournalEntry> entries, boolean force) {
        // An empty active segment directly follows the end of the one before it: report that end, so a consumer
        // that read up to it sees these entries as the next ones.
        JournalPosition before = closed ? new JournalPosition(0, 0)
                : segments.get(activeSegment) == 0 && previousEnd != null ? previousEnd : end();
        if (entries.isEmpty()) {
            return new Placed(AppendResult.all(0), before, before, List.of());
        }
        if (closed) {
            return new Placed(new AppendResult(0, entries.size(), DropReason.CLOSED), before, before, List.of());
        }
        List<byte[]> frames = new ArrayList<>(entries.size());
        long used = totalBytes();
        long batchBytes = 0;
        DropReason reason = DropReason.NONE;
        for (JournalEntry entry : entries) {
            byte[] frame = encode(entry);
            if (frame == null) {
                reason = DropReason.TOO_LARGE;
                break;
            }
            if (used + batchBytes + frame.length > capBytes) {
                reason = DropReason.CAP;
                break;
            }
            frames.add(frame);
            batchBytes += frame.length;
        }
        int dropped = entries.size() - frames.size();
        if (frames.isEmpty()) {
            logDrop(dropped, reason);
            return new Placed(new AppendResult(0, dropped, reason), before, before, List.of());
        }
        long start = segments.get(activeSegment);
        try {
            if (start > 0 && start + batchBytes > segmentBytes) {
                rotate();
                start = 0;
            }
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(batchBytes));
            frames.forEach(buffer::put);
            buffer.flip();
            while (buffer.hasRemaining()) {
                active.write(buffer);
            }
            if (force) {
                active.force(false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Journal {}: appending {} entries failed, dropped: {}", directory, entries.size(), e.toString());
            rollBack(start);
            return new Placed(new AppendResult(0, entries.size(), DropReason.IO_ERROR), before, before, List.of());
        }
        segments.put(activeSegment, start + batchBytes);
        if (force) {
            syncedEnd = end();
        }
        pendingEntries += frames.size();
        logDrop(dropped, reason);
        List<JournalPosition> ends = new ArrayList<>(frames.size());
        long at = start;
        for (byte[] frame : frames) {
            at += frame.length;
            ends.add(new JournalPosition(activeSegment, at));
        }
        return new Placed(new AppendResult(frames.size(), dropped, reason), before,
                new JournalPosition(activeSegment, start), ends);
    }

    /**
     * Makes every entry appended so far survive an operating-system crash or power loss (one fsync; nothing when
     * all is synced already). The fsync runs outside this journal's lock, so appends go on meanwhile (they are
     * synced by the next call).
     *
     * @throws IOException when the fsync fails (the entries may be lost to a power loss, not to a process crash)
     */
    public void sync() throws IOException {
        FileChannel channel;
        JournalPosition upTo;
        synchronized (this) {
            ensureOpen();
            upTo = end();
            if (upTo.compareTo(syncedEnd) <= 0) {
                return;
            }
            channel = active;
        }
        try {
            channel.force(false);
        } catch (ClosedChannelException e) {
            synchronized (this) {
                ensureOpen();
            }
            // The segment was left meanwhile: rotate() synced it; later appends went to a new one, synced next time.
            return;
        }
        synchronized (this) {
            if (upTo.compareTo(syncedEnd) > 0) {
                syncedEnd = upTo;
            }
        }
    }

    /** Whether entries were appended since the last fsync. */
    synchronized boolean unsynced() {
        return !closed && end().compareTo(syncedEnd) > 0;
    }

    /** Where {@link #read} starts: everything before it is acknowledged. */
    synchronized JournalPosition checkpoint() {
        return checkpoint;
    }

    /** The position just after the last entry appended (where the next append goes, unless it starts a segment). */
    synchronized JournalPosition end() {
        return new JournalPosition(activeSegment, segments.get(activeSegment));
    }

    /** Returns up to {@code maxEntries} entries from the checkpoint on, oldest first (not removing them). */
    public synchronized ReadBatch read(int maxEntries) throws IOException {
        return readFrom(checkpoint, maxEntries);
    }

    /**
     * Returns up to {@code maxEntries} entries from {@code from} on (a position a read or an append returned;
     * positions before the checkpoint read from the checkpoint), oldest first, not removing them. Lets a consumer
     * read ahead of what it has acknowledged (several batches in flight at once).
     */
    synchronized ReadBatch readFrom(JournalPosition from, int maxEntries) throws IOException {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        ensureOpen();
        JournalPosition start = from.compareTo(checkpoint) < 0 ? checkpoint : from;
        List<JournalEntry> entries = new ArrayList<>();
        JournalPosition position = start;
        while (entries.size() < maxEntries) {
            long number = position.segment();
            long size = segments.get(number);
            if (position.offset() < size) {
                long remaining = size - position.offset();
                long window = Math.min(remaining, READ_WINDOW_BYTES);
                FrameScan scan = FrameScan.of(readSegment(number, position.offset(), window), position.offset());
                while (window < remaining && scan.frames().isEmpty()) {
                    // A frame larger than the window, or damage: widen until a frame or the segment's end.
                    window = Math.min(remaining, window * 2);
                    scan = FrameScan.of(readSegment(number, position.offset(), window), position.offset());
                }
                boolean partial = window < remaining;
                recordDamage(number, scan, number == segments.lastKey(), partial);
                boolean moreLeft = false;
                for (FrameScan.Frame frame : scan.frames()) {
                    if (entries.size() == maxEntries) {
                        moreLeft = true;
                        break;
                    }
                    entries.add(frame.entry());
                    position = new JournalPosition(number, frame.end());
                }
                if (moreLeft) {
                    break;
                }
                if (partial) {
                    // The window ended inside a frame: read on from the last whole one.
                    continue;
                }
                // Every frame of this segment is taken: step over damaged bytes at its end too.
                position = new JournalPosition(number, size);
            }
            Long next = segments.higherKey(number);
            if (next == null) {
                break;
            }
            position = new JournalPosition(next, 0);
        }
        return new ReadBatch(start, position, entries);
    }

    /**
     * Marks the entries of {@code batch} as durably stored by the consumer: moves the checkpoint past them and
     * deletes segments that hold nothing pending any more.
     *
     * @throws IllegalStateException when {@code batch} was not read from the current checkpoint
     */
    public void acknowledge(ReadBatch batch) throws IOException {
        synchronized (checkpointWriter) {
            synchronized (this) {
                ensureOpen();
                if (!batch.start().equals(checkpoint)) {
                    throw new IllegalStateException("batch read at " + batch.start() + " but the checkpoint is "
                            + checkpoint);
                }
            }
            acknowledgeTo(batch.end(), batch.entries().size());
        }
    }

    /**
     * Marks everything before {@code end} as durably stored by the consumer, {@code entries} of them not
     * acknowledged before: moves the checkpoint to {@code end} and deletes segments that hold nothing pending any
     * more. A position at or before the checkpoint changes nothing.
     *
     * <p>The checkpoint file's write and fsyncs run outside this journal's lock (appends go on meanwhile, they
     * never wait for a checkpoint); the checkpoint and the segments change once it is durable.
     *
     * @return the checkpoint now (a fresh segment's start when everything was acknowledged)
     * @throws IllegalStateException when {@code end} lies past the journal's end
     */
    JournalPosition acknowledgeTo(JournalPosition end, long entries) throws IOException {
        synchronized (checkpointWriter) {
            synchronized (this) {
                ensureOpen();
                if (end.compareTo(checkpoint) <= 0) {
                    return checkpoint;
                }
                if (end.compareTo(end()) > 0) {
                    throw new IllegalStateException("acknowledging up to " + end + " past the journal's end " + end());
                }
                pendingEntries = Math.max(0, pendingEntries - entries);
                if (end.segment() == activeSegment && end.offset() >= segments.get(activeSegment)) {
                    // Everything is acknowledged: start an empty segment and forget all the others.
                    rotate();
                    end = new JournalPosition(activeSegment, 0);
                    pendingEntries = 0;
                }
            }
            writeCheckpoint(end);
            synchronized (this) {
                checkpoint = end;
                if (!closed) {
                    for (Long old : List.copyOf(segments.headMap(end.segment()).keySet())) {
                        deleteSegment(old);
                    }
                }
                return checkpoint;
            }
        }
    }

    /**
     * Reads, hands to {@code consumer} and acknowledges batches until nothing is pending. When the consumer
     * throws, the batch stays pending and the exception propagates.
     *
     * @return how many entries the consumer accepted
     */
    public long replay(int batchSize, JournalConsumer consumer) throws Exception {
        long replayed = 0;
        while (true) {
            ReadBatch batch = read(batchSize);
            if (batch.isEmpty() && batch.end().equals(batch.start())) {
                return replayed;
            }
            if (!batch.isEmpty()) {
                consumer.accept(batch.entries());
            }
            acknowledge(batch);
            replayed += batch.entries().size();
        }
    }

    /** Receives replayed entries; stores them durably before returning. */
    @FunctionalInterface
    public interface JournalConsumer {
        void accept(List<JournalEntry> entries) throws Exception;
    }

    /** Entries appended and not yet acknowledged (damaged frames skipped on open are not counted). */
    public synchronized long pendingEntries() {
        return pendingEntries;
    }

    /** The bytes of all segment files, the quantity the cap limits. */
    public synchronized long sizeBytes() {
        return totalBytes();
    }

    public long capBytes() {
        return capBytes;
    }

    public Path directory() {
        return directory;
    }

    /** Every damaged region found so far (on open and while reading), in the order found. */
    public synchronized List<JournalWarning> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (active != null) {
                try {
                    if (syncedEnd == null || end().compareTo(syncedEnd) > 0) {
                        active.force(false);
                    }
                } finally {
                    active.close();
                }
            }
        } finally {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }

    // --- internals ------------------------------------------------------------------------------------------

    private long totalBytes() {
        long total = 0;
        for (long size : segments.values()) {
            total += size;
        }
        return total;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("journal " + directory + " is closed");
        }
    }

    private static byte[] encode(JournalEntry entry) {
        byte[] key = entry.keyBytes();
        if (key.length > JournalEntry.MAX_KEY_BYTES) {
            return null;
        }
        long bodyLength = 2L + key.length + entry.payload().length;
        if (bodyLength > MAX_BODY_BYTES) {
            return null;
        }
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + (int) bodyLength);
        frame.putInt(MAGIC).putInt((int) bodyLength).putInt(0)
                .putShort((short) key.length).put(key).put(entry.payload());
        CRC32 crc = new CRC32();
        crc.update(frame.array(), 4, 4);
        crc.update(frame.array(), HEADER_BYTES, (int) bodyLength);
        frame.putInt(8, (int) crc.getValue());
        return frame.array();
    }

    private void rotate() throws IOException {
        previousEnd = end();
        long next = activeSegment + 1;
        FileChannel fresh = createSegment(next);
        FileChannel old = active;
        if (old != null && syncedEnd != null && previousEnd.compareTo(syncedEnd) > 0) {
            old.force(false); // what was appended without a sync: the next sync() only sees the new segment
        }
        active = fresh;
        activeSegment = next;
        syncedEnd = end();
        if (old != null) {
            old.close();
        }
    }

    private FileChannel createSegment(long number) throws IOException {
        FileChannel channel = FileChannel.open(segmentPath(number),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        segments.put(number, channel.size());
        forceDirectory();
        channel.position(channel.size());
        return channel;
    }

    private void rollBack(long size) {
        try {
            active.truncate(size);
            active.position(size);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Journal {}: could not roll back a failed append: {}", directory, e.toString());
        }
    }

    private void deleteSegment(long number) throws IOException {
        Files.deleteIfExists(segmentPath(number));
        segments.remove(number);
    }

    private Path segmentPath(long number) {
        return directory.resolve(String.format("segment-%019d.journal", number));
    }

    private ByteBuffer readSegment(long number, long from, long maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(segmentPath(number), StandardOpenOption.READ)) {
            long size = Math.min(channel.size(), segments.get(number));
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(Math.min(maxBytes, Math.max(0, size - from))));
            long at = from;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at);
                if (n < 0) {
                    break;
                }
                at += n;
            }
            buffer.flip();
            return buffer;
        }
    }

    /** Warns about the damage in {@code scan}; {@code partial}: the scan ended before the segment did. */
    private void recordDamage(long segment, FrameScan scan, boolean newest, boolean partial) {
        for (FrameScan.Damage damage : scan.damage()) {
            if (partial && damage == scan.trailingDamage()) {
                continue; // the window's end cut a frame; the next read starts there
            }
            boolean torn = newest && damage == scan.trailingDamage();
            warn(torn ? Kind.TORN_TAIL : Kind.CORRUPT_FRAME, segment, damage.offset(), damage.length());
        }
    }

    private void warn(Kind kind, long segment, long offset, long length) {
        if (!warnedAt.add(new JournalPosition(segment, offset))) {
            return;
        }
        warnings.add(new JournalWarning(kind, segment, offset, length));
        switch (kind) {
            case TORN_TAIL -> LOG.warn("Journal {}: segment {} ends with {} bytes of an incomplete write at offset {};"
                    + " cut off (entries never acknowledged to a caller)", directory, segment, length, offset);
            case CORRUPT_FRAME -> LOG.warn("Journal {}: segment {} has {} corrupt bytes at offset {}; skipped,"
                    + " the entries in them are lost", directory, segment, length, offset);
            case BAD_CHECKPOINT -> LOG.warn("Journal {}: unreadable checkpoint; replaying from the oldest segment",
                    directory);
        }
    }

    private void logDrop(int dropped, DropReason reason) {
        if (dropped > 0) {
            // DEBUG: at the cap every append would log; the caller counts and logs drops (rate-limited).
            LOG.debug("Journal {}: {} entries dropped ({}; cap {} bytes, used {} bytes)",
                    directory, dropped, reason, capBytes, totalBytes());
        }
    }

    private JournalPosition readCheckpoint() {
        Path file = directory.resolve(CHECKPOINT);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            warn(Kind.BAD_CHECKPOINT, 0, 0, 0);
            return null;
        }
        Matcher m = CHECKPOINT_TEXT.matcher(text);
        if (!m.matches() || !checkpointText(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))).equals(text)) {
            warn(Kind.BAD_CHECKPOINT, 0, 0, text.length());
            return null;
        }
        return new JournalPosition(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    private static String checkpointText(long segment, long offset) {
        String body = "dmarc-journal v1 " + segment + " " + offset;
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return body + String.format(" %08x\n", crc.getValue());
    }

    private void writeCheckpoint(JournalPosition position) throws IOException {
        Path tmp = directory.resolve(CHECKPOINT_TMP);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer text = ByteBuffer.wrap(checkpointText(position.segment(), position.offset())
                    .getBytes(StandardCharsets.US_ASCII));
            while (text.hasRemaining()) {
                channel.write(text);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, directory.resolve(CHECKPOINT), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("journal " + directory + " needs a file system with atomic rename", e);
        }
        forceDirectory();
    }

    /** Makes a created, renamed or deleted file's directory entry durable (a no-op where unsupported). */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UncheckedIOException e) {
            // Some platforms cannot open a directory; the data itself is already forced.
        }
    }
}
