package org.jamesdmarc.reporting.ingest;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.dns.IpLiteral;
import org.jamesdmarc.store.InboundFailureReport;
import org.jamesdmarc.store.InboundOrigin;

/**
 * The machine-readable part of a failure report (RFC 6591 §3, a {@code message/feedback-report} body: header-like
 * fields, folded lines allowed) and the reported message's headers, made into an {@link InboundFailureReport}.
 * RFC 9991 §3 asks for Feedback-Type {@code auth-failure}; anything else is refused.
 */
final class FailureReportFields {

    private FailureReportFields() {
    }

    /** The fields of a header-like block, names lower-cased, the first value of each kept, unfolded. */
    static Map<String, String> fields(String block) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : block.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break; // the end of the fields
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.strip());
                continue;
            }
            if (name != null) {
                out.putIfAbsent(name, value.toString().strip());
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                name = null;
                continue;
            }
            name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            value.setLength(0);
            value.append(line.substring(colon + 1));
        }
        if (name != null) {
            out.putIfAbsent(name, value.toString().strip());
        }
        return out;
    }

    static InboundFailureReport report(String feedback, String originalHeaders, String reporter, InboundOrigin origin,
                                       Instant receivedAt) throws IngestRefusal {
        Map<String, String> f = fields(feedback);
        String type = f.getOrDefault("feedback-type", "").toLowerCase(Locale.ROOT);
        if (!type.equals("auth-failure")) {
            throw new IngestRefusal(type.isEmpty() ? "the feedback report has no Feedback-Type"
                    : "Feedback-Type '" + clip(type) + "' is not auth-failure (RFC 9991 §3)");
        }
        Map<String, String> headers = fields(originalHeaders);
        String sourceIp = Optional.ofNullable(f.get("source-ip")).filter(ip -> IpLiteral.parse(ip).isPresent()).orElse("");
        return new InboundFailureReport(receivedAt, origin, reporter, type,
                f.getOrDefault("auth-failure", ""), f.getOrDefault("reported-domain", ""), sourceIp,
                Optional.ofNullable(f.get("arrival-date")).flatMap(FailureReportFields::date),
                opt(f, "original-mail-from"), opt(f, "original-rcpt-to"), opt(f, "delivery-result"),
                opt(f, "identity-alignment"), opt(f, "dkim-domain"), opt(f, "dkim-selector"), opt(f, "spf-dns"),
                opt(f, "authentication-results"), opt(headers, "from"), opt(headers, "subject"), originalHeaders);
    }

    private static Optional<String> opt(Map<String, String> m, String name) {
        return Optional.ofNullable(m.get(name)).filter(v -> !v.isEmpty());
    }

    /** An RFC 5322 date, without its trailing comment. */
    static Optional<Instant> date(String text) {
        String t = text.replaceAll("\\([^)]*\\)", "").strip().replaceAll("\\s+", " ");
        try {
            return Optional.of(ZonedDateTime.parse(t, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
