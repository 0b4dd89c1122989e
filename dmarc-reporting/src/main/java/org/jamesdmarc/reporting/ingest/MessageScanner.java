package org.jamesdmarc.reporting.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.jamesdmarc.store.InboundOrigin;

/**
 * Walks a mail as a stream (mime4j, no tree in memory) and hands over its reports: each part that is an aggregate
 * report (gzip, zip or XML by content type or file name: RFC 9990 §5.2 names {@code application/gzip} and
 * {@code application/zip}; senders also use {@code application/x-gzip}, {@code text/xml}, {@code
 * application/octet-stream}), and each failure report (RFC 6591 §3 {@code message/feedback-report}, with the reported
 * message's headers from the {@code message/rfc822} or {@code text/rfc822-headers} part after it). Bodies are
 * decoded (base64, quoted-printable); parts are bounded in number and header size.
 */
final class MessageScanner {

    /** Bytes of a feedback report or of reported headers read, at most. */
    private static final int MAX_TEXT_PART = 64 * 1024;

    /** Receives the reports found. */
    interface Parts {
        void aggregate(InputStream body, InboundOrigin origin);

        void failure(String feedback, String headers, String reporter, InboundOrigin origin);
    }

    private final IngestLimits limits;
    private final String name;
    private final InboundOrigin.Kind kind;
    private final Parts parts;

    MessageScanner(IngestLimits limits, String name, InboundOrigin.Kind kind, Parts parts) {
        this.limits = limits;
        this.name = name;
        this.kind = kind;
        this.parts = parts;
    }

    /** Scans {@code message}; a reason when it is not a readable mail. */
    Optional<String> scan(InputStream message) {
        MimeConfig config = MimeConfig.custom().setMaxLineLen(100_000).setMaxHeaderCount(1000)
                .setMaxHeaderLen(100_000).setMaxContentLen(-1).setStrictParsing(false).build();
        MimeStreamParser parser = new MimeStreamParser(config, DecodeMonitor.SILENT, new DefaultBodyDescriptorBuilder());
        parser.setContentDecoding(true);
        Handler h = new Handler();
        parser.setContentHandler(h);
        try {
            parser.parse(message);
        } catch (TooManyParts e) {
            return Optional.of("the mail has more than " + limits.maxParts() + " parts");
        } catch (MimeException e) {
            return Optional.of("not a readable mail: " + e.getMessage());
        } catch (IOException e) {
            return Optional.of(IngestRefusal.in(e).map(IngestRefusal::reason).orElse("unreadable mail: " + e.getMessage()));
        }
        h.finishFailure();
        return Optional.empty();
    }

    private static final class TooManyParts extends MimeException {
        private static final long serialVersionUID = 1L;

        TooManyParts() {
            super("too many parts");
        }
    }

    private final class Handler extends AbstractContentHandler {
        private int entities;
        private boolean topHeader = true;
        private boolean inTopHeader;
        private String messageId = "";
        private String reporter = "";
        private String feedback;
        private String reportedHeaders;

        @Override
        public void startHeader() throws MimeException {
            if (++entities > limits.maxParts()) {
                throw new TooManyParts();
            }
            inTopHeader = topHeader;
            topHeader = false;
        }

        @Override
        public void field(Field field) {
            if (!inTopHeader) {
                return;
            }
            String n = field.getName().toLowerCase(Locale.ROOT);
            String v = field.getBody() == null ? "" : field.getBody().strip();
            if (n.equals("message-id") && messageId.isEmpty()) {
                messageId = v;
            } else if (n.equals("from") && reporter.isEmpty()) {
                reporter = address(v);
            }
        }

        @Override
        public void endHeader() {
            inTopHeader = false;
        }

        @Override
        public void body(BodyDescriptor bd, InputStream is) throws IOException {
            String type = bd.getMimeType() == null ? "" : bd.getMimeType().toLowerCase(Locale.ROOT);
            String file = fileName(bd);
            if (type.equals("message/feedback-report")) {
                finishFailure();
                feedback = text(is);
                return;
            }
            if (feedback != null && reportedHeaders == null
                    && (type.equals("message/rfc822") || type.equals("text/rfc822-headers")
                    || type.equals("message/rfc822-headers"))) {
                reportedHeaders = headersOnly(text(is));
                return;
            }
            if (ReportAttachments.isAggregate(type, file)) {
                parts.aggregate(is, new InboundOrigin(kind, name + " " + messageId + " " + file));
            }
        }

        void finishFailure() {
            if (feedback != null) {
                parts.failure(feedback, reportedHeaders == null ? "" : reportedHeaders, reporter,
                        new InboundOrigin(kind, name + " " + messageId));
            }
            feedback = null;
            reportedHeaders = null;
        }
    }

    private static String fileName(BodyDescriptor bd) {
        if (bd instanceof MaximalBodyDescriptor m) {
            if (m.getContentDispositionFilename() != null) {
                return m.getContentDispositionFilename();
            }
            if (m.getContentTypeParameters() != null && m.getContentTypeParameters().get("name") != null) {
                return m.getContentTypeParameters().get("name");
            }
        }
        return "";
    }

    private static String text(InputStream is) throws IOException {
        byte[] b = is.readNBytes(MAX_TEXT_PART);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The header section of a message (up to the first empty line). */
    private static String headersOnly(String message) {
        int end = message.indexOf("\r\n\r\n");
        int lf = message.indexOf("\n\n");
        int cut = end < 0 ? lf : lf < 0 ? end : Math.min(end, lf);
        return cut < 0 ? message : message.substring(0, cut + 1);
    }

    /** The address of a From field's value (the part in angle brackets, or the value). */
    private static String address(String from) {
        int lt = from.lastIndexOf('<');
        int gt = from.lastIndexOf('>');
        return lt >= 0 && gt > lt ? from.substring(lt + 1, gt).strip() : from;
    }
}
