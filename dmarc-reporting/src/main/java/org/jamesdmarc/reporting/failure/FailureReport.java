package org.jamesdmarc.reporting.failure;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.FailureReportType;

/**
 * What one failure report says about one message (RFC 9991 "Reporting Format Update", RFC 6591 §3).
 *
 * @param type                  DMARC, DKIM or SPF report ({@code Auth-Failure})
 * @param reportedDomain        the Author Domain ({@code Reported-Domain})
 * @param sourceIp              the client judged ({@code Source-IP})
 * @param arrivalDate           when the message arrived ({@code Arrival-Date})
 * @param originalMailFrom      the SMTP MAIL FROM address; empty for the null reverse-path ({@code Original-Mail-From})
 * @param authenticationResults our Authentication-Results field's value for the message, as written (may be folded)
 * @param identityAlignment     the {@code Identity-Alignment} value ({@code none}, {@code dkim}, {@code spf},
 *                              {@code dkim, spf})
 * @param dkim                  the failed signature the {@code DKIM-Domain}, {@code DKIM-Identity}, {@code DKIM-Selector}
 *                              fields name (a failed aligned one in a DMARC report, a failed one in a DKIM report)
 * @param spf                   the failed SPF identity {@code SPF-DNS} names
 * @param spfRecord             the SPF record text found for it, when one was
 * @param deliveryResult        what we did with the message ({@code Delivery-Result}), when known
 * @param message               the message as received (its header section at least)
 */
public record FailureReport(FailureReportType type, DomainName reportedDomain, InetAddress sourceIp,
                            Instant arrivalDate, Optional<String> originalMailFrom, String authenticationResults,
                            String identityAlignment, Optional<DkimOutcome> dkim, Optional<SpfOutcome> spf,
                            Optional<String> spfRecord, Optional<DeliveryResult> deliveryResult, byte[] message) {
    public FailureReport {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reportedDomain, "reportedDomain");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(arrivalDate, "arrivalDate");
        Objects.requireNonNull(originalMailFrom, "originalMailFrom");
        Objects.requireNonNull(authenticationResults, "authenticationResults");
        Objects.requireNonNull(identityAlignment, "identityAlignment");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(spfRecord, "spfRecord");
        Objects.requireNonNull(deliveryResult, "deliveryResult");
        Objects.requireNonNull(message, "message");
        // RFC 9991 item 2: "none" or dkim/spf, each at most once.
        if (!identityAlignment.matches("none|dkim|spf|dkim, spf|spf, dkim")) {
            throw new IllegalArgumentException("not an Identity-Alignment value: " + identityAlignment);
        }
    }
}
