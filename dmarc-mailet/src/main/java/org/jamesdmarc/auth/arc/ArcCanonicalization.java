package org.jamesdmarc.auth.arc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.apache.james.jdkim.canon.RelaxedBodyCanonicalizer;
import org.apache.james.jdkim.canon.SimpleBodyCanonicalizer;
import org.jamesdmarc.mail.HeaderSection.RawField;

/**
 * RFC 6376 §3.4 canonicalisation as ARC uses it (RFC 8617 §4.1.2: the AMS as a DKIM signature; §4.1.3: the
 * ARC-Seal always relaxed): header fields ours, body through jDKIM's canonicalizers.
 */
final class ArcCanonicalization {

    private ArcCanonicalization() {
    }

    /** The two algorithms of RFC 6376 §3.4. */
    enum Algorithm {
        SIMPLE, RELAXED;

        static java.util.Optional<Algorithm> of(String name) {
            return switch (name) {
                case "simple" -> java.util.Optional.of(SIMPLE);
                case "relaxed" -> java.util.Optional.of(RELAXED);
                default -> java.util.Optional.empty();
            };
        }
    }

    /**
     * One header field canonicalized, with its CRLF when {@code crlf} (RFC 6376 §3.7: the signature field itself is
     * hashed without it). {@code name} and {@code body} as written (the body after the colon, still folded).
     */
    static String header(Algorithm algorithm, String name, String body, boolean crlf) {
        String field;
        if (algorithm == Algorithm.SIMPLE) {
            // RFC 6376 §3.4.1: the field exactly as it is.
            field = name + ":" + body;
        } else {
            // RFC 6376 §3.4.2: lower-case name without WSP around it; unfold; WSP runs to one SP; no WSP around the value.
            String value = body.replace("\r\n", "").replace("\n", "").replace("\r", "");
            field = name.strip().toLowerCase(java.util.Locale.ROOT) + ":" + collapseWsp(value).strip();
        }
        return crlf ? field + "\r\n" : field;
    }

    static String header(Algorithm algorithm, RawField field, boolean crlf) {
        return header(algorithm, field.name(), field.body(), crlf);
    }

    private static String collapseWsp(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean inWsp = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                if (!inWsp) {
                    out.append(' ');
                }
                inWsp = true;
            } else {
                out.append(c);
                inWsp = false;
            }
        }
        return out.toString();
    }

    /**
     * RFC 6376 §3.7: the signature field's own {@code b=} value (and the folding white space inside it) removed,
     * everything else as written. {@code body} is the field's body after the colon.
     */
    static String withoutSignature(String body) {
        int at = bTagValueStart(body);
        if (at < 0) {
            return body;
        }
        int end = at;
        int n = body.length();
        while (end < n) {
            int next = end;
            while (next < n && isFws(body.charAt(next))) {
                next++;
            }
            if (next < n && isBase64(body.charAt(next))) {
                end = next + 1;
            } else {
                break;
            }
        }
        return body.substring(0, at) + body.substring(end);
    }

    /** Where the value of the tag named exactly {@code b} starts (after its "=" ), or -1. */
    private static int bTagValueStart(String body) {
        int start = 0;
        while (start <= body.length()) {
            int semi = body.indexOf(';', start);
            int end = semi < 0 ? body.length() : semi;
            int eq = body.indexOf('=', start);
            if (eq >= 0 && eq < end && body.substring(start, eq).strip().equals("b")) {
                return eq + 1;
            }
            if (semi < 0) {
                return -1;
            }
            start = semi + 1;
        }
        return -1;
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isBase64(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=';
    }

    /** RFC 6376 §3.7 body hash: SHA-256 of the body canonicalized with {@code algorithm} (CRLF line ends). */
    static byte[] bodyHash(Algorithm algorithm, byte[] crlfBody) {
        MessageDigest sha256 = sha256();
        try (DigestOutputStream digest = new DigestOutputStream(OutputStream.nullOutputStream(), sha256);
                OutputStream canon = algorithm == Algorithm.RELAXED
                        ? new RelaxedBodyCanonicalizer(digest) : new SimpleBodyCanonicalizer(digest)) {
            canon.write(crlfBody);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return sha256.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /**
     * The body of a raw message (after the empty line ending the header section of {@code headerBytes} octets),
     * line ends made CRLF as a message on the wire has them (a bare LF or bare CR becomes CRLF); empty when there
     * is no body.
     */
    static byte[] crlfBody(byte[] message, int headerBytes) {
        int start = headerBytes;
        if (start < message.length && message[start] == '\r') {
            start++;
        }
        if (start < message.length && message[start] == '\n') {
            start++;
        } else {
            return new byte[0]; // no empty line: no body (RFC 5322 §2.1)
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length - start + 64);
        for (int i = start; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r') {
                out.write('\r');
                out.write('\n');
                if (i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
            } else if (b == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
