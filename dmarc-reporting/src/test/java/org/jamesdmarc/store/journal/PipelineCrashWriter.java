package org.jamesdmarc.store.journal;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The child process of {@link PipelineCrashTest}: a journal-first {@link HistoryPipeline} whose sink is a stand-in
 * database (a file of keys, one per line, fsync'd per batch), fed by one mail thread that prints
 * {@code offered <n>} after each {@code offer} returned, until the process is killed. Arguments: the journal
 * directory, the database file, optionally the number of writers and the {@link JournalSync} (default
 * {@link JournalSync#INTERVAL}: offers wait for the journal's write only).
 */
public final class PipelineCrashWriter {

    private PipelineCrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path journalDir = Path.of(args[0]);
        Path database = Path.of(args[1]);
        int writers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        JournalSync sync = args.length > 3 ? JournalSync.valueOf(args[3]) : JournalSync.INTERVAL;
        try (FileChannel db = FileChannel.open(database, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            BatchSink<String> sink = batch -> {
                StringBuilder lines = new StringBuilder();
                batch.forEach(key -> lines.append(key).append('\n'));
                ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    db.write(bytes);
                }
                db.force(false);
            };
            HistoryPipeline<String> pipeline = HistoryPipeline.start(Journal.open(journalDir, Long.MAX_VALUE, 64 * 1024),
                    sink, HistoryPipelineTest.CODEC, new HistoryPipeline.Settings(100, 20, Duration.ofMillis(1),
                            Duration.ofMillis(10), Duration.ofSeconds(5), true, writers)
                            .withJournalSync(sync, Duration.ofMillis(50)), HistoryListener.NONE);
            for (long n = 0; ; n++) {
                OfferResult result = pipeline.offer("entry-" + n);
                if (result != OfferResult.JOURNALED) {
                    System.out.println("failed " + result);
                    System.out.flush();
                    return;
                }
                System.out.println("offered " + (n + 1));
                System.out.flush();
            }
        }
    }
}
