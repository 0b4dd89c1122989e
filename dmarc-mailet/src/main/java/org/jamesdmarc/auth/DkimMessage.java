package org.jamesdmarc.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.jdkim.api.Headers;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.MessageServiceFactory;
import org.apache.james.mime4j.dom.MessageWriter;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * A message as jDKIM 0.3's {@code org.apache.james.jdkim.impl.Message} reads it (mime4j, flat mode, no content
 * decoding, line ends converted to CRLF ({@link #crlf}), lines up to 10,000 and header up to 30,000 octets), with its fields given
 * back as jDKIM gives them (mime4j's raw field, folding kept, without the final CRLF), so signatures verify
 * exactly as they would with jDKIM's class.
 *
 * <p>Why not jDKIM's class: it calls mime4j's {@code MessageServiceFactory.newInstance()}, a class path scan
 * ({@code ServiceLoader} over every jar's {@code META-INF/services}), on construction and again on every
 * {@code getFields} call, i.e. some seven scans per signed message; in James, with ~200 jars, these scans were
 * most of the CPU a DKIM verification cost. Here the factory is looked up once per class loader.
 * Not thread-safe (one message, one thread).
 */
final class DkimMessage implements Headers {

    /** jDKIM 0.3's limits ({@code Message.newMessageBuilder}). */
    private static final int MAX_LINE_LENGTH = 10_000;
    private static final int MAX_HEADER_LENGTH = 30_000;

    /** Configured as jDKIM configures the one it looks up per call; only read after class initialisation. */
    private static final MessageServiceFactory FACTORY = factory();

    private final Message message;
    private final MessageWriter writer;

    private DkimMessage(Message message) {
        this.message = message;
        this.writer = FACTORY.newMessageWriter();
    }

    /**
     * Parses {@code bytes} as jDKIM would.
     *
     * @throws IOException   when the stream fails (not for a byte array)
     * @throws MimeException when mime4j refuses the message (e.g. a line or header over the limits)
     */
    static DkimMessage parse(byte[] bytes) throws IOException, MimeException {
        return new DkimMessage(FACTORY.newMessageBuilder().parseMessage(new ByteArrayInputStream(crlf(bytes))));
    }

    /**
     * {@code bytes} with every line end made CRLF (RFC 5322 §2.1 / RFC 6376 §3.4 work on CRLF lines): a bare CR
     * and a bare LF each become CRLF; {@code bytes} itself when they are all CRLF already (mail received over SMTP).
     * The same octets as mime4j's {@code EOLConvertingInputStream} (CONVERT_BOTH), which jDKIM reads through, but in
     * one pass over the array: that stream reads one byte per call through a synchronized
     * {@code ByteArrayInputStream.read()}, a quarter of the CPU of a whole warm DMARC check (JFR, 2026-12-02).
     */
    static byte[] crlf(byte[] bytes) {
        int extra = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\r') {
                if (i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    i++;
                } else {
                    extra++;
                }
            } else if (b == '\n') {
                extra++;
            }
        }
        if (extra == 0) {
            return bytes;
        }
        byte[] out = new byte[Math.addExact(bytes.length, extra)];
        int o = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\r' || b == '\n') {
                out[o++] = '\r';
                out[o++] = '\n';
                if (b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    i++;
                }
            } else {
                out[o++] = b;
            }
        }
        return out;
    }

    private static MessageServiceFactory factory() {
        try {
            MimeConfig config = MimeConfig.custom()
                    .setMaxLineLen(MAX_LINE_LENGTH)
                    .setMaxHeaderLen(MAX_HEADER_LENGTH)
                    .build();
            MessageServiceFactory factory = MessageServiceFactory.newInstance();
            factory.setAttribute("MimeEntityConfig", config);
            factory.setAttribute("FlatMode", true);
            factory.setAttribute("ContentDecoding", false);
            return factory;
        } catch (MimeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The raw body (flat mode: the whole body, not decoded); null when there is none or it cannot be read. */
    InputStream getBodyInputStream() {
        try {
            return ((SingleBody) message.getBody()).getInputStream();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public List<String> getFields() {
        return convert(message.getHeader().getFields());
    }

    @Override
    public List<String> getFields(String name) {
        return convert(message.getHeader().getFields(name));
    }

    /** As jDKIM: each field as mime4j writes it, less its CRLF, decoded in the platform charset. */
    private List<String> convert(List<Field> fields) {
        List<String> out = new ArrayList<>(fields.size());
        for (Field field : fields) {
            String text = null;
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                writer.writeField(field, bytes);
                byte[] b = bytes.toByteArray();
                text = new String(b, 0, b.length - 2, Charset.defaultCharset());
            } catch (IOException e) {
                // jDKIM adds null for a field it cannot write; so do we (its callers treat it as malformed).
            }
            out.add(text);
        }
        return out;
    }

    void dispose() {
        message.dispose();
    }
}
