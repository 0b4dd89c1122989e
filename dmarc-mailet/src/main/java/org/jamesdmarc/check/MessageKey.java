package org.jamesdmarc.check;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The idempotency key of one message in the evaluation history: a message counts once whatever its number of
 * recipients, and a record written twice (a replay after a database outage, the same message relayed again
 * by the same client) is kept once. 128 bits of SHA-256, as 32 lower-case hex digits: with 10 million messages
 * a collision is about 10^-25 likely.
 *
 * <p>What is hashed: the client's IP address, the envelope sender and the message's identity, which is its
 * {@code Message-ID} field value when it has one (RFC 5322 §3.6.4: unique per message), otherwise a digest of
 * the message as received. Recipients and the time are not hashed: a message split per recipient, or
 * recorded again later, keeps its key.
 */
public record MessageKey(String value) {

    public MessageKey {
        Objects.requireNonNull(value, "value");
        if (!isHex32(value)) {
            throw new IllegalArgumentException("a message key is 32 lower-case hex digits: " + value);
        }
    }

    /**
     * The key of the message {@code client} sent with envelope sender {@code mailFrom}.
     *
     * @param messageId the {@code Message-ID} field value (angle brackets and surrounding space ignored), when
     *                  the message has one
     * @param message   the message as received: hashed only when there is no usable Message-ID
     */
    public static MessageKey of(InetAddress client, Optional<String> mailFrom, Optional<String> messageId,
                                byte[] message) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(message, "message");
        MessageDigest sha = sha256();
        sha.update(client.getAddress());
        sha.update((byte) 0);
        sha.update(mailFrom.map(String::strip).orElse("").getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        Optional<String> id = messageId.map(MessageKey::normalizeMessageId).filter(s -> !s.isEmpty());
        if (id.isPresent()) {
            sha.update((byte) 'i');
            sha.update(id.get().getBytes(StandardCharsets.UTF_8));
        } else {
            sha.update((byte) 'b');
            sha.update(sha256().digest(message));
        }
        return new MessageKey(HexFormat.of().formatHex(sha.digest(), 0, 16));
    }

    /** The key of {@code context}'s message (its client, envelope sender and bytes) with the given Message-ID. */
    public static MessageKey of(MessageContext context, Optional<String> messageId) {
        return of(context.clientAddress(), context.mailFrom(), messageId, context.message());
    }

    /** {@code [0-9a-f]{32}}, without a regular expression (this runs for every record built or read). */
    private static boolean isHex32(String s) {
        if (s.length() != 32) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String normalizeMessageId(String id) {
        String s = id.strip();
        if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
