package org.jamesdmarc.reporting.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.reporting.aggregate.ReportFormat;
import org.jamesdmarc.reporting.aggregate.ReportId;
import org.jamesdmarc.reporting.aggregate.ReportPeriod;
import org.jamesdmarc.reporting.aggregate.Reporter;

/**
 * Composes the email of one aggregate report (RFC 9990 "Email"): an RFC 5322 message formatted per RFC 2045,
 * {@code multipart/mixed} with a short {@code text/plain} part and the gzip'd XML as an {@code application/gzip}
 * attachment (base64) named {@code receiver!policy-domain!begin!end!unique-id.xml.gz}; the subject
 * {@code Report Domain: <domain> Submitter: <receiver> Report-ID: <id>} (folded); a Message-ID derived from the
 * Report-ID, the destination and the format, so that a re-send carries the same one (RFC 9990 allows the ridtxt
 * "as a part or whole of the RFC5322.Message-Id"). CRLF line ends, 7-bit only, lines folded at 78 characters where
 * a header field allows it (the file name parameters excepted; never longer than 998). No javax.mail: this runs without James.
 */
public final class ReportMail {

    private static final String CRLF = "\r\n";
    private static final DateTimeFormatter DATE = DateTimeFormatter
            .ofPattern("EEE, d MMM yyyy HH:mm:ss '+0000'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ReportMail() {
    }

    /**
     * The Message-ID (without angle brackets) of {@code reportId}'s message to {@code destination} in {@code format}:
     * {@code <begin>.<end>.<policy-domain>.<8 hex digits>@<receiver>}, a valid RFC 5322 msg-id (dot-atom-text on
     * both sides: the Report-ID's parts are digits and A-label domain names).
     */
    public static String messageId(ReportId reportId, String destination, ReportFormat format) {
        String id = reportId.value();
        int at = id.lastIndexOf('@');
        String left = at < 0 ? id : id.substring(0, at);
        String right = at < 0 ? "invalid" : id.substring(at + 1);
        return left + "." + hex(destination.toLowerCase(Locale.ROOT) + "\n" + format.name(), 4) + "@" + right;
    }

    /**
     * The message.
     *
     * @param reporter     who reports: From ({@code email}, with {@code orgName} as display name) and Submitter
     *                     ({@code receiver})
     * @param policyDomain the domain the report is about
     * @param period       its period
     * @param format       the XML's format (named in the text part)
     * @param recipient    the destination address
     * @param gzipXml      the gzip'd report
     * @param date         the Date field
     */
    public static ReportMessage compose(Reporter reporter, DomainName policyDomain, ReportPeriod period,
                                        ReportFormat format, String recipient, byte[] gzipXml, Instant date) {
        Objects.requireNonNull(gzipXml, "gzipXml");
        requireAddress(reporter.email());
        requireAddress(recipient);
        ReportId id = ReportId.of(reporter.receiver(), policyDomain, period);
        String fileName = ReportId.fileName(reporter.receiver(), policyDomain, period, true);
        String messageId = messageId(id, recipient, format);
        String boundary = "=_dmarc_report_" + id.uniqueId();
        StringBuilder m = new StringBuilder(gzipXml.length * 4 / 3 + 2048);
        header(m, "From", displayName(reporter.orgName()) + " <" + reporter.email() + ">");
        header(m, "To", "<" + recipient + ">");
        // RFC 9990 "Email": dmarc-subject, folded at its 1*FWS as the RFC's example.
        m.append("Subject: Report Domain: ").append(policyDomain.name()).append(CRLF)
                .append(" Submitter: ").append(reporter.receiver().name()).append(CRLF)
                .append(" Report-ID: <").append(id.value()).append('>').append(CRLF);
        header(m, "Date", DATE.format(date));
        header(m, "Message-ID", "<" + messageId + ">");
        header(m, "MIME-Version", "1.0");
        m.append("Content-Type: multipart/mixed;").append(CRLF).append(" boundary=\"").append(boundary).append('"')
                .append(CRLF);
        m.append(CRLF);
        m.append("This is a multi-part message in MIME format.").append(CRLF);
        m.append("--").append(boundary).append(CRLF);
        m.append("Content-Type: text/plain; charset=us-ascii").append(CRLF);
        m.append("Content-Transfer-Encoding: 7bit").append(CRLF).append(CRLF);
        m.append("This is a DMARC aggregate report (").append(format == ReportFormat.RFC9990 ? "RFC 9990" : "RFC 7489")
                .append(") from ").append(reporter.receiver().name()).append(CRLF)
                .append("about mail claiming to be from ").append(policyDomain.name()).append(CRLF)
                .append("received from ").append(DATE.format(period.begin())).append(CRLF)
                .append("to ").append(DATE.format(period.end())).append(" (UTC, end excluded).").append(CRLF)
                .append("Report-ID: <").append(id.value()).append('>').append(CRLF);
        m.append("--").append(boundary).append(CRLF);
        m.append("Content-Type: application/gzip;").append(CRLF).append(" name=\"").append(fileName).append('"')
                .append(CRLF);
        m.append("Content-Disposition: attachment;").append(CRLF).append(" filename=\"").append(fileName).append('"')
                .append(CRLF);
        m.append("Content-Transfer-Encoding: base64").append(CRLF).append(CRLF);
        // RFC 2045 §6.8: base64 lines of at most 76 characters.
        m.append(Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(gzipXml));
        m.append(CRLF);
        m.append("--").append(boundary).append("--").append(CRLF);
        return new ReportMessage(reporter.email(), recipient, id, messageId, fileName,
                m.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static void header(StringBuilder m, String name, String value) {
        m.append(name).append(": ").append(value).append(CRLF);
    }

    /**
     * The display name as a quoted-string (RFC 5322 §3.2.4) when it is printable ASCII, else an RFC 2047
     * encoded-word (UTF-8, base64) per 45 bytes, folded.
     */
    public static String displayName(String name) {
        String clean = name.replaceAll("[\\r\\n\\t]+", " ").strip();
        if (clean.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f) && clean.length() <= 60) {
            return "\"" + clean.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        StringBuilder out = new StringBuilder();
        byte[] bytes = clean.getBytes(StandardCharsets.UTF_8);
        int from = 0;
        while (from < bytes.length) {
            int to = Math.min(bytes.length, from + 45);
            while (to < bytes.length && to > from + 1 && (bytes[to] & 0xC0) == 0x80) {
                to--; // never split a UTF-8 sequence between two encoded-words
            }
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, from, to);
            if (out.length() > 0) {
                out.append(CRLF).append(' ');
            }
            out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(chunk)).append("?=");
            from = to;
        }
        return out.toString();
    }

    /** An address we can put in a header and an SMTP command: printable ASCII, one {@code @}, no specials. */
    public static void requireAddress(String address) {
        int at = address.lastIndexOf('@');
        boolean ok = at > 0 && at < address.length() - 1 && address.length() <= 254
                && address.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f && "<>()[],;:\\\"".indexOf(ch) < 0);
        if (!ok) {
            throw new IllegalArgumentException("not a usable email address: " + address);
        }
    }

    private static String hex(String text, int bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
