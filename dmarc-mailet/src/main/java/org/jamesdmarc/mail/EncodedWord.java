package org.jamesdmarc.mail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * One RFC 2047 §2 encoded-word as recognised by {@link HeaderLexer#encodedWord}: {@code charset} and optional
 * RFC 2231 §5 {@code language}, {@code encoding} 'B' or 'Q' (upper case), the {@code encodedText} as written,
 * and the {@code length} of the whole word. {@link #decode()} gives the text a mail client shows for it.
 */
public record EncodedWord(String charset, Optional<String> language, char encoding, String encodedText, int length) {

    /** RFC 2047 §2: an encoded-word may not be more than 75 characters long. */
    public static final int MAX_LENGTH = 75;

    public EncodedWord {
        Objects.requireNonNull(charset, "charset");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(encodedText, "encodedText");
    }

    /** Longer than RFC 2047 allows; decoders tend to accept it anyway. */
    public boolean overLong() {
        return length > MAX_LENGTH;
    }

    /**
     * The text a decoder shows for this word: the bytes of RFC 2047 §4.1 base64 or §4.2 Q encoding ("_" is
     * a space, "=" two hex digits), read in {@code charset}; bytes that are not valid there become U+FFFD, as
     * in mail clients. Empty when the encoded text is not valid for its encoding or the JDK does not know the
     * charset: what a client shows for it cannot be told then.
     */
    public Optional<String> decode() {
        Optional<byte[]> bytes = encoding == 'B' ? base64Bytes() : qBytes();
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Charset cs;
        try {
            if (!Charset.isSupported(charset)) {
                return Optional.empty();
            }
            cs = Charset.forName(charset);
        } catch (IllegalCharsetNameException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(cs.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes.get())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty(); // not reached with REPLACE
        }
    }

    private Optional<byte[]> base64Bytes() {
        try {
            return Optional.of(Base64.getDecoder().decode(encodedText));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<byte[]> qBytes() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(encodedText.length());
        for (int i = 0; i < encodedText.length(); i++) {
            char c = encodedText.charAt(i);
            if (c == '_') {
                b.write(' ');
            } else if (c == '=') {
                int hi = i + 2 < encodedText.length() ? Character.digit(encodedText.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(encodedText.charAt(i + 2), 16);
                if (lo < 0) {
                    return Optional.empty();
                }
                b.write(hi * 16 + lo);
                i += 2;
            } else {
                b.write(c);
            }
        }
        return Optional.of(b.toByteArray());
    }
}
