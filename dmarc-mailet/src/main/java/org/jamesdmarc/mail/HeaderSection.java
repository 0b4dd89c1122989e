package org.jamesdmarc.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The header section of one message (RFC 5322 §2.1), read in one pass and handed to everything that needs it.
 *
 * <p>Two readings come out of that pass, as data for the consumers to interpret:
 * <ul>
 *   <li>{@link #fields()}: the fields as javax.mail (and so James, and the mailet that removes forged fields)
 *       counts them — a line with a colon whose name, trimmed of anything up to U+0020, is RFC 5322 §3.6.8
 *       ftext; other lines (and their continuation lines) are skipped. Indexes into this list are the ones
 *       that match the MimeMessage. {@link #rawFields()} is the same list with the folded body and the lines.</li>
 *   <li>{@link #anomalies()}: what a strict RFC 5322 reading finds wrong with the line structure, in line
 *       order: lines that are not fields (strictly: nothing but trailing WSP between name and colon), a
 *       continuation before any field, continuation lines that read like a field of their own and bare CRs
 *       (parsers disagree on those, "Composition Kills", Chen et al. 2020; issue 8), the mbox {@code From }
 *       first line, the cap. A spoofing check such as the From reader fails closed on them.</li>
 * </ul>
 * Reading stops at the first empty line or at {@link #MAX_HEADER_BYTES}: a hostile message cannot make this
 * unbounded. There is no cap on the number of fields below that: the indexes of forged
 * Authentication-Results fields count every field javax.mail sees, and a field past a cap would escape removal.
 */
public final class HeaderSection {

    public static final int MAX_HEADER_BYTES = 1024 * 1024;

    /**
     * One field of {@link #fields()} as read: {@code name} as written (text before the first colon),
     * {@code body} as written (after that colon, lines joined with CRLF, so still folded), the 0-based
     * index of its first line and its number of lines. {@code strict} when its first line is a field for
     * a strict RFC 5322 reading too (see {@link Anomaly.Kind#NOT_A_FIELD}).
     */
    public record RawField(String name, String body, int line, int lineCount, boolean strict) {

        public RawField {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(body, "body");
        }

        /** RFC 5322 §1.2.2 case-insensitive match of the strict name (the name without trailing WSP). */
        public boolean hasStrictName(String other) {
            return strict && stripTrailingWsp(name).equalsIgnoreCase(other);
        }

        /** RFC 5322 §2.2.3: the body with every fold's CRLF removed, trimmed (javax.mail's value). */
        public String unfoldedValue() {
            return removeFolds(body).strip();
        }
    }

    /**
     * A structural oddity at line {@code line} (0-based); {@code [start, end)} is the text it is about in
     * {@link #text()}, see {@link #textOf}.
     */
    public record Anomaly(Kind kind, int line, int start, int end) {

        public Anomaly {
            Objects.requireNonNull(kind, "kind");
        }

        public enum Kind {
            /** RFC 5322 §2.1: the first line is empty, so the header section is; {@link #fields()} still lists what follows. */
            EMPTY_FIRST_LINE,
            /**
             * The first line starts with {@code "From "} and does not read {@code "From" *WSP ":"}, nor "From",
             * any kind of space or control, and ":" (a field for a reader lenient about the spaces, and not a
             * field strictly: {@link #NOT_A_FIELD}): an mbox separator (RFC 4155), not a field. Text: the line.
             */
            MBOX_SEPARATOR,
            /** A continuation line (RFC 5322 §2.2.3) with no field before it. Text: the line. */
            CONTINUATION_AT_START,
            /** A continuation line reading {@code *WSP field-name *WSP ":"}, which some parsers take for a field. Text: the name. */
            CONTINUATION_LOOKS_LIKE_FIELD,
            /**
             * RFC 5322 §2.2: a CR not followed by LF (a "bare CR"). Readers disagree on it: javax.mail and mime4j
             * break the line there, others keep it inside the line, and what follows it (a field name, or VT, FF,
             * U+00A0 and then a field name) is a field for some, a continuation or garbage for others, so a field
             * can hide behind it (issue 8). One per such CR. Text: the rest of its line after it.
             */
            BARE_CR,
            /**
             * A line that is neither a continuation nor, strictly, a field: no colon, or a name (the text before
             * the first colon without trailing WSP) that is not RFC 5322 §3.6.8 {@code 1*ftext}. javax.mail may still
             * read it as a field (it trims control characters). Text: the line.
             */
            NOT_A_FIELD,
            /** No empty line within {@link #MAX_HEADER_BYTES}: the section was not read to its end. */
            CAP_REACHED
        }
    }

    private final String text;
    private final int byteLength;
    private final boolean capReached;
    private final List<RawField> rawFields;
    private final List<HeaderField> fields;
    private final List<Anomaly> anomalies;

    private HeaderSection(String text, int byteLength, boolean capReached, List<RawField> rawFields,
            List<Anomaly> anomalies) {
        this.text = text;
        this.byteLength = byteLength;
        this.capReached = capReached;
        this.rawFields = List.copyOf(rawFields);
        this.fields = rawFields.stream().map(f -> new HeaderField(f.name(), f.unfoldedValue())).toList();
        this.anomalies = List.copyOf(anomalies);
    }

    /** The header section of a raw message (CRLF or LF line ends), decoded as UTF-8 (RFC 6532). */
    public static HeaderSection parse(byte[] message) {
        Objects.requireNonNull(message, "message");
        int limit = Math.min(message.length, MAX_HEADER_BYTES);
        int end = limit;
        for (int i = 0; i < limit; i++) {
            if (message[i] == '\n' && (i + 1 < limit && message[i + 1] == '\n'
                    || i + 2 < limit && message[i + 1] == '\r' && message[i + 2] == '\n')) {
                end = i + 1;
                break;
            }
        }
        boolean capped = end == limit && message.length > MAX_HEADER_BYTES;
        // RFC 6532: header fields may carry UTF-8; anything undecodable becomes U+FFFD, which no parser accepts.
        return read(new String(message, 0, end, StandardCharsets.UTF_8), end, capped);
    }

    /** As {@link #parse(byte[])} for a header section (or whole message) already decoded; the cap counts chars. */
    public static HeaderSection parse(String message) {
        Objects.requireNonNull(message, "message");
        int limit = Math.min(message.length(), MAX_HEADER_BYTES);
        int end = limit;
        for (int i = 0; i < limit; i++) {
            if (message.charAt(i) == '\n' && (i + 1 < limit && message.charAt(i + 1) == '\n'
                    || i + 2 < limit && message.charAt(i + 1) == '\r' && message.charAt(i + 2) == '\n')) {
                end = i + 1;
                break;
            }
        }
        boolean capped = end == limit && message.length() > MAX_HEADER_BYTES;
        String text = message.substring(0, end);
        return read(text, text.getBytes(StandardCharsets.UTF_8).length, capped);
    }

    /** The fields as javax.mail counts them, in order: name as written, unfolded and trimmed value. */
    public List<HeaderField> fields() {
        return fields;
    }

    /** The same fields as {@link #fields()}, with their folded bodies and line numbers. */
    public List<RawField> rawFields() {
        return rawFields;
    }

    /** The fields javax.mail would return for {@code name}: its name trimmed, compared case-insensitively. */
    public List<HeaderField> fieldsNamed(String name) {
        return fields.stream().filter(f -> f.name().trim().equalsIgnoreCase(name)).toList();
    }

    /**
     * What javax.mail's {@code getHeader(name, null)} gives: the first field named {@code name} (its name trimmed,
     * compared case-insensitively), its body as written with the leading SP, HTAB, CR and LF removed (folds after
     * that kept, trailing space kept). The same field as javax.mail's when {@link #anomalies()} is empty and the
     * value is ASCII (javax.mail may decode the octets as ISO-8859-1; lines that are not fields are headers to it).
     */
    public Optional<String> firstValueAsJavaMail(String name) {
        for (RawField f : rawFields) {
            if (f.name().trim().equalsIgnoreCase(name)) {
                String body = f.body();
                int i = 0;
                while (i < body.length() && (body.charAt(i) == ' ' || body.charAt(i) == '\t'
                        || body.charAt(i) == '\r' || body.charAt(i) == '\n')) {
                    i++;
                }
                return Optional.of(body.substring(i));
            }
        }
        return Optional.empty();
    }

    public boolean hasField(String name) {
        return fields.stream().anyMatch(f -> f.name().trim().equalsIgnoreCase(name));
    }

    /** Structural oddities in line order (within a line, bare CRs first). */
    public List<Anomaly> anomalies() {
        return anomalies;
    }

    /** True when no empty line came within {@link #MAX_HEADER_BYTES}: fields past the cap are not listed. */
    public boolean capReached() {
        return capReached;
    }

    /** The header section as read (up to and including the line break before the empty line), decoded. */
    public String text() {
        return text;
    }

    /** Length in bytes of the header section read, from the start of the message. */
    public int byteLength() {
        return byteLength;
    }

    /** The text an anomaly is about (a line, or a field name). */
    public String textOf(Anomaly anomaly) {
        return text.substring(anomaly.start(), anomaly.end());
    }

    private static HeaderSection read(String text, int byteLength, boolean capped) {
        List<RawField> fields = new ArrayList<>();
        List<Anomaly> anomalies = new ArrayList<>();
        Group group = null; // the line being read with its continuation lines (javax.mail's unit)
        boolean sawNonContinuation = false; // a line other than the mbox separator, for CONTINUATION_AT_START
        int n = text.length();
        int line = 0;
        for (int i = 0; i < n; line++) {
            // Lines end at CRLF, LF or a bare CR, as javax.mail (the message James keeps) splits them: the fields
            // counted here are the ones javax.mail sees, so forged-field indexes match. A bare CR is still an
            // anomaly (RFC 5322 §2.2: CR only in CRLF), which makes the From unreadable.
            int end = i;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            int next;
            if (end == n) {
                next = n;
            } else if (text.charAt(end) == '\n') {
                next = end + 1;
            } else if (end + 1 < n && text.charAt(end + 1) == '\n') {
                next = end + 2; // CRLF
            } else {
                next = end + 1; // bare CR
                anomalies.add(new Anomaly(Anomaly.Kind.BARE_CR, line, end + 1, Math.min(n, lineEnd(text, end + 1))));
            }
            if (end == i) {
                if (line > 0) {
                    break; // RFC 5322 §2.1: the empty line ends the header section
                }
                // The first line is empty: as before, javax-view fields are still read from what follows.
                anomalies.add(new Anomaly(Anomaly.Kind.EMPTY_FIRST_LINE, line, i, i));
                i = next;
                continue;
            }
            if (HeaderLexer.isWsp(text.charAt(i))) {
                // RFC 5322 §2.2.3: continuation of the previous field
                if (!sawNonContinuation) {
                    anomalies.add(new Anomaly(Anomaly.Kind.CONTINUATION_AT_START, line, i, end));
                } else {
                    int nameEnd = fieldLikeNameEnd(text, i, end);
                    if (nameEnd >= 0) {
                        int nameStart = skipWsp(text, i, end);
                        anomalies.add(new Anomaly(Anomaly.Kind.CONTINUATION_LOOKS_LIKE_FIELD, line, nameStart, nameEnd));
                    }
                }
                if (group != null) {
                    group.folded.append("\r\n").append(text, i, end);
                    group.lines++;
                }
            } else {
                if (group != null) {
                    group.addTo(fields);
                }
                boolean strict = false;
                // mbox (RFC 4155) "From " line; "From :" is obs-from (RFC 5322 §4.5.3), a field like on any other line.
                if (line == 0 && text.startsWith("From ", i) && !looksLikeFromField(text, i, end)) {
                    anomalies.add(new Anomaly(Anomaly.Kind.MBOX_SEPARATOR, line, i, end));
                } else {
                    sawNonContinuation = true;
                    strict = isStrictField(text, i, end);
                    if (!strict) {
                        anomalies.add(new Anomaly(Anomaly.Kind.NOT_A_FIELD, line, i, end));
                    }
                }
                group = new Group(line, strict, text.substring(i, end));
            }
            i = next;
        }
        if (group != null) {
            group.addTo(fields);
        }
        if (capped) {
            anomalies.add(new Anomaly(Anomaly.Kind.CAP_REACHED, Math.max(0, line - 1), n, n));
        }
        return new HeaderSection(text, byteLength, capped, fields, anomalies);
    }

    /** A line and its continuation lines, still folded. */
    private static final class Group {
        final int line;
        final boolean strict;
        final StringBuilder folded;
        int lines = 1;

        Group(int line, boolean strict, String first) {
            this.line = line;
            this.strict = strict;
            this.folded = new StringBuilder(first);
        }

        /** Adds this group to {@code fields} when javax.mail reads it as a field. */
        void addTo(List<RawField> fields) {
            String raw = folded.toString();
            int colon = raw.indexOf(':'); // never in a fold's CRLF, so the same colon as in the unfolded text
            if (colon <= 0) {
                return;
            }
            // RFC 5322 §4.5: the obsolete syntax allows WSP before the colon. javax.mail trims the name of anything
            // up to U+0020; do the same, or "Authentication-Results :" would escape our checks and shift the indexes.
            String rawName = removeFolds(raw.substring(0, colon));
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
            fields.add(new RawField(rawName, raw.substring(colon + 1), line, lines, strict));
        }
    }

    /** Strictly a field: a colon, and before it 1*ftext with nothing but WSP between name and colon. */
    private static boolean isStrictField(String text, int start, int end) {
        int colon = text.indexOf(':', start);
        if (colon < 0 || colon >= end) {
            return false;
        }
        int nameEnd = colon;
        while (nameEnd > start && HeaderLexer.isWsp(text.charAt(nameEnd - 1))) {
            nameEnd--;
        }
        if (nameEnd == start) {
            return false;
        }
        for (int i = start; i < nameEnd; i++) {
            if (!HeaderLexer.isFtext(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Where the text that starts at {@code from} reaches a CR or LF (or the end). */
    private static int lineEnd(String text, int from) {
        int e = from;
        while (e < text.length() && text.charAt(e) != '\n' && text.charAt(e) != '\r') {
            e++;
        }
        return e;
    }

    /**
     * {@code "From"}, then spaces of any kind (Unicode white space and space separators, controls, format
     * characters: readers differ on which they skip), then ':' at {@code start}. RFC 4155 separators never read
     * so: after "From " comes the envelope sender.
     */
    private static boolean looksLikeFromField(String text, int start, int end) {
        int i = start + 4;
        while (i < end) {
            char c = text.charAt(i);
            if (!(Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT)) {
                break;
            }
            i++;
        }
        return i < end && text.charAt(i) == ':';
    }

    /** {@code *WSP 1*ftext *WSP ":"} at {@code from}: the end of the name, or -1. */
    private static int fieldLikeNameEnd(String text, int from, int end) {
        int i = skipWsp(text, from, end);
        int nameStart = i;
        while (i < end && HeaderLexer.isFtext(text.charAt(i))) {
            i++;
        }
        int nameEnd = i;
        i = skipWsp(text, i, end);
        return nameEnd > nameStart && i < end && text.charAt(i) == ':' ? nameEnd : -1;
    }

    private static int skipWsp(String text, int from, int end) {
        int i = from;
        while (i < end && HeaderLexer.isWsp(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Removes the CRLF of every fold (lines never hold an LF, so each LF is a fold's, after its CR). */
    static String removeFolds(String folded) {
        if (folded.indexOf('\n') < 0) {
            return folded;
        }
        StringBuilder b = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (c == '\n') {
                b.setLength(b.length() - 1);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String stripTrailingWsp(String s) {
        int e = s.length();
        while (e > 0 && HeaderLexer.isWsp(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(0, e);
    }

    @Override
    public String toString() {
        return "HeaderSection[" + fields.size() + " fields, " + anomalies.size() + " anomalies"
                + (capReached ? ", cap reached" : "") + "]";
    }
}
