package org.jamesdmarc.reporting;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.TxtAnswer;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.RecordParseResult;
import org.jamesdmarc.policy.RecordParser;
import org.jamesdmarc.policy.ReportUri;

/**
 * RFC 9990 "Verifying External Destinations": a report destination whose Organizational Domain differs
 * from the policy's must publish a TXT record starting {@code v=DMARC1} at
 * {@code <policy-domain>._report._dmarc.<destination-host>}, or reports must not be sent there.
 * Deciding whether a destination is external (Organizational Domain comparison) is the caller's job.
 */
public final class ExternalDestinationVerifier {

    /** RFC 1035 §2.3.4: at most 255 octets on the wire, i.e. 253 characters in text without the root dot. */
    static final int MAX_NAME_LENGTH = 253;
    static final int MAX_LABEL_LENGTH = 63;

    private final DnsClient dns;

    public ExternalDestinationVerifier(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** The outcome of one verification. */
    public sealed interface Verification {

        /** The name queried (or that would have been queried). */
        String verificationName();

        /** Which alternative this is, for switches. */
        Kind kind();

        enum Kind { AUTHORIZED, NOT_AUTHORIZED, OVERRIDE_TO_OTHER_HOST, TEMPERROR }

        /**
         * The destination agreed to receive the policy domain's reports (RFC 9990 step 8).
         *
         * @param overrideRua the {@code rua} of the authorization record, when it has one (step 9): it
         *                    replaces the policy's destination; every URI in it uses the same host
         */
        record Authorized(String verificationName, List<ReportUri> overrideRua) implements Verification {
            @Override
            public Kind kind() {
                return Kind.AUTHORIZED;
            }

            public Authorized {
                Objects.requireNonNull(verificationName, "verificationName");
                overrideRua = List.copyOf(overrideRua);
            }
        }

        /** No {@code v=DMARC1} record at the name (steps 4 and 7): the destination must be ignored. */
        record NotAuthorized(String verificationName, String reason) implements Verification {
            @Override
            public Kind kind() {
                return Kind.NOT_AUTHORIZED;
            }

            public NotAuthorized {
                Objects.requireNonNull(verificationName, "verificationName");
                Objects.requireNonNull(reason, "reason");
            }
        }

        /**
         * The authorization record names another host in its {@code rua} (step 9 and the paragraph after
         * it): no report may go to either the original or the override URI.
         */
        record OverrideToOtherHost(String verificationName, List<ReportUri> overrideRua) implements Verification {
            @Override
            public Kind kind() {
                return Kind.OVERRIDE_TO_OTHER_HOST;
            }

            public OverrideToOtherHost {
                Objects.requireNonNull(verificationName, "verificationName");
                overrideRua = List.copyOf(overrideRua);
            }
        }

        /** A temporary DNS failure (step 5): try again later. */
        record TempError(String verificationName, String detail) implements Verification {
            @Override
            public Kind kind() {
                return Kind.TEMPERROR;
            }

            public TempError {
                Objects.requireNonNull(verificationName, "verificationName");
                Objects.requireNonNull(detail, "detail");
            }
        }

        default boolean authorized() {
            return this instanceof Authorized;
        }
    }

    /** The name RFC 9990 steps 1–3 build: {@code <policyDomain>._report._dmarc.<destinationHost>}. */
    public static String verificationName(String policyDomain, String destinationHost) {
        return policyDomain + "._report._dmarc." + destinationHost;
    }

    /**
     * Verifies that {@code destinationHost} accepts reports about {@code policyDomain} (both normalised
     * A-labels, e.g. from {@link DomainName#normalize}).
     */
    public Verification verify(String policyDomain, String destinationHost) {
        // RFC 9990 step 3: the policy domain as an A-label.
        String p = DomainName.normalize(policyDomain, true).orElse(policyDomain);
        String d = DomainName.normalize(destinationHost, true).orElse(destinationHost);
        String name = verificationName(p, d);
        // RFC 9990 step 4: a name beyond DNS limits cannot give a positive determination.
        if (!fitsDns(name)) {
            return new Verification.NotAuthorized(name, "the name is longer than DNS allows");
        }
        TxtAnswer answer = dns.txt(name);
        if (answer.status() == DnsStatus.TEMPFAIL) {
            // RFC 9990 step 5: a temporary error; the caller may try again later.
            return new Verification.TempError(name, answer.detail());
        }
        // RFC 9990 step 6: keep the records that parse as DMARC tag-value lists starting v=DMARC1.
        List<RecordParseResult.Parsed> valid = new ArrayList<>();
        for (String txt : answer.texts()) {
            if (RecordParser.parse(txt) instanceof RecordParseResult.Parsed v) {
                valid.add(v);
            }
        }
        if (valid.isEmpty()) {
            // RFC 9990 step 7: no positive determination.
            String why = switch (answer.status()) {
                case NXDOMAIN -> "no such name";
                case NODATA -> "no TXT record";
                default -> "no TXT record starting v=DMARC1";
            };
            return new Verification.NotAuthorized(name, why);
        }
        // RFC 9990 step 9: a rua in the authorization record overrides, but only to the same host.
        List<ReportUri> override = valid.get(0).record().rua();
        for (ReportUri uri : override) {
            Optional<String> host = uri.mailtoDomain().flatMap(h -> DomainName.normalize(h, true));
            if (host.isEmpty() || !host.get().equals(d)) {
                return new Verification.OverrideToOtherHost(name, override);
            }
        }
        return new Verification.Authorized(name, override);
    }

    static boolean fitsDns(String name) {
        if (name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
                return false;
            }
        }
        return true;
    }
}
