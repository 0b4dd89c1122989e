package org.jamesdmarc.reporting;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.TxtAnswer;
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

    /**
     * The name RFC 9990 steps 1–3 build: {@code <policyDomain>._report._dmarc.<destinationHost>}, the policy
     * domain as A-labels (step 3). A DNS query name, not a host name ({@code _report}, {@code _dmarc}).
     */
    public static String verificationName(DomainName policyDomain, DomainName destinationHost) {
        return policyDomain.name() + "._report._dmarc." + destinationHost.name();
    }

    /** Verifies that {@code destinationHost} accepts reports about {@code policyDomain}. */
    public Verification verify(DomainName policyDomain, DomainName destinationHost) {
        String name = verificationName(policyDomain, destinationHost);
        // RFC 9990 step 4: a name beyond DNS limits cannot give a positive determination. Every label is
        // within limits already (both are DomainNames); only the whole name can be too long.
        if (name.length() > DomainName.MAX_LENGTH) {
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
            Optional<DomainName> host = uri.mailtoDomain();
            if (host.isEmpty() || !host.get().equals(destinationHost)) {
                return new Verification.OverrideToOtherHost(name, override);
            }
        }
        return new Verification.Authorized(name, override);
    }
}
