package org.jamesdmarc.reporting.failure;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.jamesdmarc.mail.HeaderSection;
import org.jamesdmarc.reporting.aggregate.Reporter;
import org.jamesdmarc.reporting.delivery.ReportMail;

/**
 * Composes one failure report (RFC 9991 "Reporting Format Update" on RFC 6591 and ARF, RFC 5965): a
 * {@code multipart/report; report-type=feedback-report} message (RFC 6522) with
 * <ol>
 *   <li>a human-readable {@code text/plain} part (the domain, the client, the time; never the subject or a
 *       mailbox);</li>
 *   <li>the {@code message/feedback-report} part: {@code Feedback-Type: auth-failure}, {@code Version: 1},
 *       {@code User-Agent}, {@code Auth-Failure}, {@code Identity-Alignment}, {@code Source-IP},
 *       {@code Reported-Domain}, {@code Authentication-Results}, {@code Original-Mail-From}, {@code Arrival-Date},
 *       {@code Delivery-Result} when known, {@code DKIM-Domain}/{@code DKIM-Identity}/{@code DKIM-Selector} for the
 *       failed signature, {@code SPF-DNS} for the failed SPF identity;</li>
 *   <li>the failed message: its header section as {@code text/rfc822-headers} (the default) or the whole message
 *       as {@code message/rfc822}, filtered and redacted by {@link ReportedHeaders}.</li>
 * </ol>
 * The report's own header: From (the reporter), To (the {@code ruf} address), a Subject naming the domain and the
 * report type, Date, a random Message-ID, {@code Auto-Submitted: auto-generated} (RFC 3834: no automatic reply
 * should answer it). CRLF line ends; no javax.mail (this runs without James).
 */
public final class FailureReportMail {

    private static final String CRLF = "\r\n";
    private static final DateTimeFormatter DATE = DateTimeFormatter
            .ofPattern("EEE, d MMM yyyy HH:mm:ss '+0000'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private FailureReportMail() {
    }

    /**
     * The report of {@code report} to {@code recipient}.
     *
     * @param reporter  who reports (From: {@code email} with {@code orgName}; the Message-ID's domain: {@code receiver})
     * @param report    what to report
     * @param recipient the {@code ruf} address
     * @param options   headers or message, redaction, User-Agent
     * @param redactor  the keyed redactor of local parts
     * @param date      the Date field
     */
    public static FailureReportMessage compose(Reporter reporter, FailureReport report, String recipient,
                                               FailureReportOptions options, LocalPartRedactor redactor, Instant date) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(redactor, "redactor");
        ReportMail.requireAddress(reporter.email());
        ReportMail.requireAddress(recipient);
        String unique = HexFormat.of().formatHex(uuidBytes());
        String messageId = unique + "." + report.type().authFailure() + "@" + reporter.receiver().name();
        String boundary = "=_dmarc_failure_" + unique;
        String domain = report.reportedDomain().name();

        StringBuilder h = new StringBuilder(2048);
        h.append("From: ").append(ReportMail.displayName(reporter.orgName())).append(" <").append(reporter.email()).append('>')
                .append(CRLF);
        h.append("To: <").append(recipient).append('>').append(CRLF);
        h.append("Subject: DMARC failure report for ").append(domain).append(" (").append(report.type().authFailure())
                .append(')').append(CRLF);
        h.append("Date: ").append(DATE.format(date)).append(CRLF);
        h.append("Message-ID: <").append(messageId).append('>').append(CRLF);
        h.append("Auto-Submitted: auto-generated").append(CRLF);
        h.append("MIME-Version: 1.0").append(CRLF);
        h.append("Content-Type: multipart/report; report-type=feedback-report;").append(CRLF)
                .append(" boundary=\"").append(boundary).append('"').append(CRLF);
        h.append(CRLF);
        h.append("This is a MIME-formatted message.").append(CRLF);

        // 1. The human-readable part (RFC 5965 §2 item 2).
        h.append("--").append(boundary).append(CRLF);
        h.append("Content-Type: text/plain; charset=us-ascii").append(CRLF);
        h.append("Content-Transfer-Encoding: 7bit").append(CRLF).append(CRLF);
        h.append("This is an authentication failure report (RFC 9991, ").append(report.type().authFailure())
                .append(")").append(CRLF)
                .append("for an email message claiming to be from ").append(domain).append(CRLF)
                .append("received from IP ").append(ip(report)).append(" on ").append(DATE.format(report.arrivalDate()))
                .append('.').append(CRLF);

        // 2. The machine-readable part (RFC 5965 §3, RFC 6591 §3, RFC 9991 "Reporting Format Update").
        h.append("--").append(boundary).append(CRLF);
        h.append("Content-Type: message/feedback-report").append(CRLF);
        h.append("Content-Transfer-Encoding: 7bit").append(CRLF).append(CRLF);
        field(h, "Feedback-Type", "auth-failure");
        field(h, "Version", "1");
        field(h, "User-Agent", options.userAgent());
        field(h, "Auth-Failure", report.type().authFailure());
        // RFC 9991 item 1: REQUIRED.
        field(h, "Identity-Alignment", report.identityAlignment());
        field(h, "Source-IP", ip(report));
        field(h, "Reported-Domain", domain);
        h.append("Authentication-Results: ").append(folded(report.authenticationResults())).append(CRLF);
        field(h, "Original-Mail-From", "<" + originalMailFrom(report.originalMailFrom(), redactor,
                options.redactLocalParts()) + ">");
        field(h, "Arrival-Date", DATE.format(report.arrivalDate()));
        report.deliveryResult().ifPresent(r -> field(h, "Delivery-Result", r.keyword()));
        // RFC 9991 item 1: REQUIRED for DKIM failures of an aligned identifier; RFC 6591 §3.2 for a DKIM report.
        report.dkim().ifPresent(d -> d.domain().ifPresent(dd -> {
            field(h, "DKIM-Domain", dd.name());
            // RFC 6591 §3.2: the signature's i=; RFC 6376 §3.5: without one, "@" and the d= domain. Its local part is
            // the signer's user: redacted like the sender's addresses.
            String identity = d.identity().orElse("@" + dd.name());
            field(h, "DKIM-Identity", printable(options.redactLocalParts() ? redactor.redact(identity) : identity));
            if (isToken(d.selector())) {
                field(h, "DKIM-Selector", d.selector());
            }
        }));
        // RFC 9991 item 1: REQUIRED for SPF failure of an aligned identifier (RFC 6591 §3.2 spf-dns).
        report.spf().flatMap(s -> s.domain()).ifPresent(sd -> field(h, "SPF-DNS",
                "txt : " + sd.name() + " : " + report.spfRecord().map(FailureReportMail::printable).orElse("")));

        // 3. The failed message (RFC 6591 §3.3; RFC 9991 appendix A).
        byte[] original = report.message();
        HeaderSection section = HeaderSection.parse(original);
        String headers = ReportedHeaders.of(section, redactor, options.redactLocalParts());
        boolean eightBit = !isAscii(headers);
        h.append("--").append(boundary).append(CRLF);
        ByteArrayOutputStream out = new ByteArrayOutputStream(h.length() + original.length + 256);
        if (options.content() == AttachedContent.HEADERS) {
            h.append("Content-Type: text/rfc822-headers").append(eightBit ? "; charset=utf-8" : "").append(CRLF);
            h.append("Content-Transfer-Encoding: ").append(eightBit ? "8bit" : "7bit").append(CRLF).append(CRLF);
            h.append(headers);
            h.append(CRLF).append("--").append(boundary).append("--").append(CRLF);
            out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            byte[] body = withCrlf(bodyOf(original, section));
            eightBit |= !isAscii(body);
            h.append("Content-Type: message/rfc822").append(CRLF);
            h.append("Content-Transfer-Encoding: ").append(eightBit ? "8bit" : "7bit").append(CRLF).append(CRLF);
            h.append(headers).append(CRLF);
            out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(body);
            if (body.length > 0 && body[body.length - 1] != '\n') {
                out.writeBytes(CRLF.getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes(("--" + boundary + "--" + CRLF).getBytes(StandardCharsets.US_ASCII));
        }
        return new FailureReportMessage(reporter.email(), recipient, messageId, out.toByteArray());
    }

    private static String ip(FailureReport r) {
        String ip = r.sourceIp().getHostAddress();
        int scope = ip.indexOf('%');
        return r.sourceIp() instanceof Inet6Address && scope >= 0 ? ip.substring(0, scope) : ip;
    }

    /** The Original-Mail-From address, redacted when asked; empty for the null reverse-path. */
    static String originalMailFrom(Optional<String> mailFrom, LocalPartRedactor redactor, boolean redact) {
        String a = mailFrom.map(String::strip).orElse("");
        if (a.startsWith("<") && a.endsWith(">") && a.length() >= 2) {
            a = a.substring(1, a.length() - 1);
        }
        int at = a.lastIndexOf('@');
        if (redact && at > 0) {
            return redactor.token(a.substring(0, at), a.substring(at + 1)) + "@" + clean(a.substring(at + 1));
        }
        return clean(a);
    }

    private static String clean(String s) {
        return printable(s).replace("<", "").replace(">", "").replace(" ", "");
    }

    private static void field(StringBuilder h, String name, String value) {
        h.append(name).append(": ").append(value).append(CRLF);
    }

    /** A folded value with CRLF line ends, each continuation line starting with white space. */
    static String folded(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        String[] lines = value.replace("\r\n", "\n").replace('\r', ' ').split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = printable(lines[i].replace('\t', ' '));
            if (i == 0) {
                out.append(line.strip());
            } else if (!line.isBlank()) {
                out.append(CRLF).append(line.isEmpty() || line.charAt(0) == ' ' || line.charAt(0) == '\t' ? "" : " ")
                        .append(line);
            }
        }
        return out.toString();
    }

    /** Printable ASCII only (anything else becomes {@code ?}): for values we copy from the envelope or DNS. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return out.toString();
    }

    private static boolean isToken(String s) {
        return !s.isEmpty() && s.length() <= 253 && s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';');
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }

    /** The bytes after the header section and its empty line. */
    static byte[] bodyOf(byte[] message, HeaderSection section) {
        int start = section.byteLength();
        if (start < message.length && message[start] == '\r') {
            start++;
        }
        if (start < message.length && message[start] == '\n') {
            start++;
        }
        return start >= message.length ? new byte[0] : java.util.Arrays.copyOfRange(message, start, message.length);
    }

    /** Every LF not after a CR gets one, every bare CR becomes CRLF too (SMTP's line ends, RFC 5321 §2.3.8). */
    static byte[] withCrlf(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + b.length / 40 + 2);
        for (int i = 0; i < b.length; i++) {
            byte x = b[i];
            if (x == '\r') {
                out.write('\r');
                out.write('\n');
                if (i + 1 < b.length && b[i + 1] == '\n') {
                    i++;
                }
            } else if (x == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(x);
            }
        }
        return out.toByteArray();
    }

    private static byte[] uuidBytes() {
        UUID u = UUID.randomUUID();
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (u.getMostSignificantBits() >>> (56 - 8 * i));
            b[8 + i] = (byte) (u.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return b;
    }
}
