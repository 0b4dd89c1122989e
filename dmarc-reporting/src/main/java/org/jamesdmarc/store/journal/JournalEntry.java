package org.jamesdmarc.store.journal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One journal entry: a stable idempotency key (the sink uses it to ignore a second delivery of the same entry)
 * and an opaque payload the journal never interprets.
 *
 * @param key     the idempotency key; at most {@value #MAX_KEY_BYTES} bytes in UTF-8
 * @param payload the encoded entry (the array is not copied: callers must not change it afterwards)
 */
public record JournalEntry(String key, byte[] payload) {

    /** A key's UTF-8 length is stored in two bytes. */
    public static final int MAX_KEY_BYTES = 0xFFFF;

    public JournalEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payload, "payload");
    }

    byte[] keyBytes() {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JournalEntry that && key.equals(that.key) && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "JournalEntry[key=" + key + ", payload=" + payload.length + " bytes]";
    }
}
