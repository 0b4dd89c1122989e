package org.jamesdmarc.reporting.failure;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Redacts the local parts of email addresses (RFC 6590 §4: replace the local-part, keep the domain), keyed: the
 * token is HMAC-SHA256 under a secret of the local part and the domain (compared case-insensitively), 16 hex digits,
 * so the same address always gives the same token for one secret (a report consumer can see that two reports name
 * one mailbox, never which), and nobody without the secret can test a guessed address against a token.
 *
 * <p>An address is an RFC 5322 addr-spec found in text: a dot-atom (Unicode letters allowed, RFC 6532) or
 * quoted-string local part after a delimiter (start, space, {@code < > ( ) , : ; = [ ] { }} or a quote), {@code @}, a
 * domain or an address literal. {@code =} is a delimiter so that a DKIM {@code i=user@domain} tag, or the last
 * part of an SRS/BATV address, loses the user part.
 */
public final class LocalPartRedactor {

    /** The shortest secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 16;

    private static final Pattern ADDRESS = Pattern.compile(
            "(?<![^\\s<>(),:;=\\[\\]{}\"])"
                    + "(\"(?:[^\"\\\\\\r\\n]|\\\\.)*\"|[\\p{L}\\p{N}!#$%&'*+/?^_`{|}~.-]+)"
                    + "@"
                    + "([\\p{L}\\p{N}](?:[\\p{L}\\p{N}.-]*[\\p{L}\\p{N}])?|\\[[^\\]\\r\\n]{1,64}\\])");

    private final SecretKeySpec key;

    private LocalPartRedactor(byte[] secret) {
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /** A redactor keyed by {@code secret} (at least {@link #MIN_SECRET_BYTES} bytes). */
    public static LocalPartRedactor withSecret(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the redaction secret needs at least " + MIN_SECRET_BYTES + " bytes");
        }
        return new LocalPartRedactor(secret);
    }

    /** A new random secret of 32 bytes, for an installation that configured none (it must then be kept). */
    public static byte[] generateSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** The token standing for {@code localPart@domain}: 16 lowercase hex digits (an RFC 5322 atom). */
    public String token(String localPart, String domain) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((localPart.toLowerCase(Locale.ROOT) + "@" + domain.toLowerCase(Locale.ROOT))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** {@code text} with every address's local part replaced by its token. */
    public String redact(String text) {
        Matcher m = ADDRESS.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(token(m.group(1), m.group(2)) + "@" + m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
