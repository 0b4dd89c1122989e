package org.jamesdmarc.reporting.failure;

import java.util.Locale;
import java.util.Set;

import org.jamesdmarc.mail.HeaderSection;

/**
 * The failed message's header section as a failure report shows it (RFC 9991 "Privacy Considerations", RFC 6590):
 *
 * <ul>
 *   <li>Fields naming recipients ({@link #RECIPIENT_FIELDS}: To, Cc, Bcc, their Resent- forms, Delivered-To,
 *       X-Original-To, Envelope-To, ...) are dropped: a report never names another recipient, nor ours.</li>
 *   <li>Addresses in the sender's fields ({@link #SENDER_FIELDS}: From, Sender, Reply-To, Return-Path, Resent-From,
 *       Resent-Sender) are redacted when {@code redactSender}; those of every other field (the {@code for} clause of
 *       Received, a DKIM {@code i=}, List-Post, ...) always are.</li>
 *   <li>Message identifiers (Message-ID, In-Reply-To, References, Resent-Message-ID, Content-ID) are not addresses
 *       and are kept: they let the Domain Owner find the message.</li>
 *   <li>Lines that are not strictly fields (RFC 5322 §2.2; see {@link HeaderSection.Anomaly.Kind#NOT_A_FIELD}) are
 *       dropped.</li>
 * </ul>
 * The result has CRLF line ends and no empty line.
 */
public final class ReportedHeaders {

    /** Fields that name recipients: never in a report. */
    public static final Set<String> RECIPIENT_FIELDS = Set.of("to", "cc", "bcc", "resent-to", "resent-cc",
            "resent-bcc", "delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "apparently-to",
            "x-rcpt-to", "original-recipient", "x-forwarded-to");

    /** Fields naming the sender side, shown in clear unless local parts are redacted. */
    public static final Set<String> SENDER_FIELDS = Set.of("from", "sender", "reply-to", "return-path", "resent-from",
            "resent-sender");

    /** Message identifiers (RFC 5322 §3.6.4, RFC 2045 §7): look like addresses, are not. */
    private static final Set<String> IDENTIFIER_FIELDS = Set.of("message-id", "in-reply-to", "references",
            "resent-message-id", "content-id");

    private ReportedHeaders() {
    }

    /** The fields of {@code header} to report, redacted by {@code redactor}. */
    public static String of(HeaderSection header, LocalPartRedactor redactor, boolean redactSender) {
        StringBuilder out = new StringBuilder(header.byteLength() + 64);
        for (HeaderSection.RawField f : header.rawFields()) {
            if (!f.strict()) {
                continue;
            }
            String name = f.name().strip().toLowerCase(Locale.ROOT);
            if (RECIPIENT_FIELDS.contains(name)) {
                continue;
            }
            String body = f.body();
            if (!IDENTIFIER_FIELDS.contains(name) && (redactSender || !SENDER_FIELDS.contains(name))) {
                body = redactor.redact(body);
            }
            out.append(f.name()).append(':').append(crlf(body)).append("\r\n");
        }
        return out.toString();
    }

    /**
     * {@code text} with every line end CRLF: a lone LF becomes CRLF, a bare CR a space (it ends no line for
     * {@link HeaderSection}, so it must not start one here).
     */
    static String crlf(String text) {
        return text.replace("\r\n", "\n").replace('\r', ' ').replace("\n", "\r\n");
    }
}
