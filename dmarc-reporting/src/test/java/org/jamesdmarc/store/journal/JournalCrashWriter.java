package org.jamesdmarc.store.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The child process of {@link JournalCrashTest}: appends numbered entries to a journal in batches, forever,
 * printing {@code acked <n>} after each append returned (so entries 0..n-1 are durable), until it is killed.
 * Arguments: the journal directory, the first entry number, the batch size.
 */
public final class JournalCrashWriter {

    private JournalCrashWriter() {
    }

    static JournalEntry entry(long n) {
        byte[] payload = new byte[200 + (int) (n % 300)];
        Arrays.fill(payload, (byte) ('a' + n % 26));
        byte[] number = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(number, 0, payload, 0, number.length);
        return new JournalEntry("entry-" + n, payload);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long next = Long.parseLong(args[1]);
        int batchSize = Integer.parseInt(args[2]);
        try (Journal journal = Journal.open(dir, Long.MAX_VALUE, 256 * 1024)) {
            System.out.println("open " + journal.warnings().size());
            System.out.flush();
            while (true) {
                List<JournalEntry> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    batch.add(entry(next + i));
                }
                AppendResult result = journal.append(batch);
                if (result.appended() != batchSize) {
                    System.out.println("failed " + result);
                    System.out.flush();
                    return;
                }
                next += batchSize;
                System.out.println("acked " + next);
                System.out.flush();
            }
        }
    }
}
