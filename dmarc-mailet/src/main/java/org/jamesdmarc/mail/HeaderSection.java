package org.jamesdmarc.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;


/**
 * Splits the header section of a raw message (RFC 5322 §2.2) into fields, in order, with folding
 * removed. Reading stops at the first empty line or at {@link #MAX_HEADER_BYTES}: a hostile message
 * cannot make this unbounded. There is no cap on the number of fields below that: the indexes of
 * forged Authentication-Results fields count every field javax.mail sees, and a field past a cap would
 * escape removal. Lines that are not fields (no colon, or a name with characters RFC 5322 §3.6.8 does
 * not allow) are skipped.
 */
public final class HeaderSection {

    public static final int MAX_HEADER_BYTES = 1024 * 1024;

    private HeaderSection() {
    }

    public static List<HeaderField> parse(byte[] message) {
        int end = headerEnd(message);
        // RFC 6532: header fields may carry UTF-8; anything undecodable becomes U+FFFD, which no parser accepts.
        String text = new String(message, 0, end, StandardCharsets.UTF_8);
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\r\n|\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (current != null) {
                    current.append(line); // RFC 5322 §2.2.3 unfolding: drop the CRLF, keep the WSP
                }
                continue;
            }
            if (current != null) {
                add(fields, current.toString());
            }
            current = line.isEmpty() ? null : new StringBuilder(line);
        }
        if (current != null) {
            add(fields, current.toString());
        }
        return fields;
    }

    private static void add(List<HeaderField> fields, String raw) {
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            return;
        }
        // RFC 5322 §4.5: the obsolete syntax allows WSP before the colon. javax.mail, which reads the message
        // for James and for the mailet that removes forged fields, trims the name of anything up to U+0020;
        // do the same, or "Authentication-Results :" would escape our checks and shift the field indexes.
        String rawName = raw.substring(0, colon);
        String name = rawName.trim();
        if (name.isEmpty()) {
            return;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126) { // RFC 5322 §3.6.8 ftext
                return;
            }
        }
        // The name as written (callers that must not believe obsolete syntax compare it exactly).
        fields.add(new HeaderField(rawName, raw.substring(colon + 1).strip()));
    }

    /** Offset of the empty line ending the header section (or the cap, or the message end). */
    private static int headerEnd(byte[] m) {
        int limit = Math.min(m.length, MAX_HEADER_BYTES);
        for (int i = 0; i < limit; i++) {
            if (m[i] == '\n') {
                if (i + 1 < limit && m[i + 1] == '\n') {
                    return i + 1;
                }
                if (i + 2 < limit && m[i + 1] == '\r' && m[i + 2] == '\n') {
                    return i + 1;
                }
            }
        }
        return limit;
    }
}
