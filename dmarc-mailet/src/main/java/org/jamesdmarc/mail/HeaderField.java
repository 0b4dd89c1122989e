package org.jamesdmarc.mail;

import java.util.Locale;
import java.util.Objects;

/**
 * One raw header field as it appears in the message, in message order (topmost first):
 * the field name and its (possibly folded) value without the colon.
 * James adapters convert MimeMessage headers to and from a {@code List<HeaderField>}.
 */
public record HeaderField(String name, String value) {

    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** RFC 5322 §1.2.2: field names are case-insensitive. */
    public boolean hasName(String other) {
        return name.strip().toLowerCase(Locale.ROOT).equals(other.toLowerCase(Locale.ROOT));
    }
}
