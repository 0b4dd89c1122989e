package org.jamesdmarc.mail;

import java.util.Objects;
import java.util.Optional;

/**
 * One RFC 2047 §2 encoded-word as recognised by {@link HeaderLexer#encodedWord}, not decoded:
 * {@code charset} and optional RFC 2231 §5 {@code language}, {@code encoding} 'B' or 'Q' (upper case),
 * the {@code encodedText} as written, and the {@code length} of the whole word.
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
}
