package org.jamesdmarc.store.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The valid frames and the damaged regions in a run of segment bytes. A frame is valid when its magic number,
 * length and CRC32 all check; after invalid bytes the scan resumes at the next magic number that starts a valid
 * frame.
 *
 * @param frames         the valid frames, in order
 * @param damage         the invalid regions, in order
 * @param trailingDamage the last region when no valid frame follows it, else {@code null}
 */
record FrameScan(List<Frame> frames, List<Damage> damage, Damage trailingDamage) {

    /** A valid frame: its entry and where it ends (segment offsets). */
    record Frame(JournalEntry entry, long end) {
    }

    /** Invalid bytes: where they start and how many. */
    record Damage(long offset, long length) {
    }

    /** Scans {@code bytes}, the segment's bytes from segment offset {@code base} on. */
    static FrameScan of(ByteBuffer bytes, long base) {
        List<Frame> frames = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        int limit = bytes.limit();
        int pos = 0;
        int damagedFrom = -1;
        while (pos < limit) {
            Frame frame = frameAt(bytes, pos, base);
            if (frame != null) {
                if (damagedFrom >= 0) {
                    damage.add(new Damage(base + damagedFrom, pos - damagedFrom));
                    damagedFrom = -1;
                }
                frames.add(frame);
                pos = Math.toIntExact(frame.end() - base);
            } else {
                if (damagedFrom < 0) {
                    damagedFrom = pos;
                }
                pos = nextMagic(bytes, pos + 1);
            }
        }
        Damage trailing = null;
        if (damagedFrom >= 0) {
            trailing = new Damage(base + damagedFrom, limit - damagedFrom);
            damage.add(trailing);
        }
        return new FrameScan(List.copyOf(frames), List.copyOf(damage), trailing);
    }

    private static int nextMagic(ByteBuffer bytes, int from) {
        for (int i = from; i + 4 <= bytes.limit(); i++) {
            if (bytes.getInt(i) == Journal.MAGIC) {
                return i;
            }
        }
        return bytes.limit();
    }

    private static Frame frameAt(ByteBuffer bytes, int pos, long base) {
        int limit = bytes.limit();
        if (limit - pos < Journal.HEADER_BYTES || bytes.getInt(pos) != Journal.MAGIC) {
            return null;
        }
        int bodyLength = bytes.getInt(pos + 4);
        if (bodyLength < 2 || bodyLength > Journal.MAX_BODY_BYTES || bodyLength > limit - pos - Journal.HEADER_BYTES) {
            return null;
        }
        int bodyStart = pos + Journal.HEADER_BYTES;
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate().position(pos + 4).limit(pos + 8));
        crc.update(bytes.duplicate().position(bodyStart).limit(bodyStart + bodyLength));
        if ((int) crc.getValue() != bytes.getInt(pos + 8)) {
            return null;
        }
        int keyLength = Short.toUnsignedInt(bytes.getShort(bodyStart));
        if (keyLength > bodyLength - 2) {
            return null;
        }
        byte[] key = new byte[keyLength];
        bytes.get(bodyStart + 2, key);
        byte[] payload = new byte[bodyLength - 2 - keyLength];
        bytes.get(bodyStart + 2 + keyLength, payload);
        return new Frame(new JournalEntry(new String(key, StandardCharsets.UTF_8), payload),
                base + bodyStart + bodyLength);
    }
}
