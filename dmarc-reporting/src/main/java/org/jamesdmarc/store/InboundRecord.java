package org.jamesdmarc.store;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.policy.PolicyOverride;

/**
 * One {@code <record>} of an inbound aggregate report (RFC 9990 §2.1.4, RFC 7489 Appendix C): a source IP, how many
 * messages, what the reporter did ({@code policy_evaluated}: disposition, DKIM and SPF after alignment, override
 * reasons), the identifiers and the authentication results. Text is cleaned and cut to its column.
 */
public record InboundRecord(String sourceIp, long count, ReportDisposition disposition, boolean dkimPass,
                            boolean spfPass, List<Reason> reasons, String headerFrom, Optional<String> envelopeFrom,
                            Optional<String> envelopeTo, List<DkimAuth> dkim, List<SpfAuth> spf) {

    /** At most this many DKIM or SPF results are kept per record (RFC 9990 puts no limit; hostile reports may). */
    public static final int MAX_AUTH_RESULTS = 20;

    public InboundRecord {
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(reasons, "reasons");
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(envelopeTo, "envelopeTo");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(spf, "spf");
        if (count < 0) {
            throw new IllegalArgumentException("a record's count is not negative: " + count);
        }
        sourceIp = Text.clean(sourceIp, 45);
        headerFrom = Text.clean(headerFrom.toLowerCase(Locale.ROOT), 253);
        envelopeFrom = envelopeFrom.map(e -> Text.clean(e.toLowerCase(Locale.ROOT), 253));
        envelopeTo = envelopeTo.map(e -> Text.clean(e.toLowerCase(Locale.ROOT), 253));
        reasons = List.copyOf(reasons);
        dkim = List.copyOf(dkim.subList(0, Math.min(dkim.size(), MAX_AUTH_RESULTS)));
        spf = List.copyOf(spf.subList(0, Math.min(spf.size(), MAX_AUTH_RESULTS)));
    }

    /** RFC 9990 §2.1.4: DMARC passes when DKIM or SPF passes after alignment. */
    public boolean dmarcPass() {
        return dkimPass || spfPass;
    }

    /** A {@code policy_evaluated/reason}: an override type and its optional comment. */
    public record Reason(PolicyOverride type, Optional<String> comment) {
        public Reason {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(comment, "comment");
            comment = comment.map(c -> Text.clean(c, 256));
        }
    }

    /** An {@code auth_results/dkim}: the signing domain, its selector when given, the result. */
    public record DkimAuth(String domain, Optional<String> selector, DkimResult result) {
        public DkimAuth {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(result, "result");
            domain = Text.clean(domain.toLowerCase(Locale.ROOT), 253);
            selector = selector.map(s -> Text.clean(s, 255));
        }
    }

    /** An {@code auth_results/spf}: the domain checked, the scope (mfrom when not given), the result. */
    public record SpfAuth(String domain, SpfScope scope, SpfResult result) {
        public SpfAuth {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(result, "result");
            domain = Text.clean(domain.toLowerCase(Locale.ROOT), 253);
        }
    }
}
