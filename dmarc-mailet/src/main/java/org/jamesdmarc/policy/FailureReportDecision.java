package org.jamesdmarc.policy;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which failure reports one evaluation asks for (RFC 9989 §4.7 {@code fo} and {@code ruf}, RFC 9991 §3): made by
 * {@link FailureReportRules#decide}.
 */
public sealed interface FailureReportDecision {

    /** No failure report, and why. */
    record NoReport(Reason reason) implements FailureReportDecision {
        public NoReport {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Reports of {@code types}, one per type, to each of {@code destinations} (still subject to external destination
     * verification and rate limits).
     *
     * @param types        the reports asked for; never empty
     * @param destinations the {@code ruf} URIs as published (only {@code mailto:} can be used); never empty
     * @param failures     what failed, for the report's fields
     */
    record Report(Set<FailureReportType> types, List<ReportUri> destinations, AlignedFailures failures)
            implements FailureReportDecision {
        public Report {
            if (types.isEmpty()) {
                throw new IllegalArgumentException("a report needs a type");
            }
            types = Set.copyOf(EnumSet.copyOf(types));
            destinations = List.copyOf(destinations);
            if (destinations.isEmpty()) {
                throw new IllegalArgumentException("a report needs a destination");
            }
            Objects.requireNonNull(failures, "failures");
        }
    }

    /** Why no failure report is sent. */
    enum Reason {
        /** No usable DMARC Policy Record: nobody asked. */
        NO_POLICY,
        /** The record has no {@code ruf} (RFC 9989 §4.7: {@code fo} is then ignored too). */
        NO_DESTINATION,
        /** RFC 9991 §3: {@code ruf} of a {@code psd=y} record MUST NOT be considered. */
        PUBLIC_SUFFIX_POLICY,
        /**
         * The outcome is not known for sure (DMARC temperror or permerror, an alignment that could not be checked):
         * a report would describe a DNS hiccup, not a failure.
         */
        UNDETERMINED,
        /** Nothing failed that the record's {@code fo} options ask to report. */
        NOT_REQUESTED
    }

    /**
     * The mechanisms that failed to authenticate an identifier aligned with the Author Domain (RFC 9991 item 2,
     * {@code Identity-Alignment}), with the failed identifiers the report names: the first failed aligned DKIM
     * signature ({@code DKIM-Domain}, {@code DKIM-Identity}, {@code DKIM-Selector}) and the SPF identity
     * ({@code SPF-DNS}). A mechanism that also produced an aligned pass did not fail.
     */
    record AlignedFailures(Optional<DkimAlignment> dkim, Optional<SpfAlignment> spf) {
        public AlignedFailures {
            Objects.requireNonNull(dkim, "dkim");
            Objects.requireNonNull(spf, "spf");
        }

        /** The {@code Identity-Alignment} value: {@code none}, {@code dkim}, {@code spf} or {@code dkim, spf}. */
        public String identityAlignment() {
            if (dkim.isPresent() && spf.isPresent()) {
                return "dkim, spf";
            }
            return dkim.isPresent() ? "dkim" : spf.isPresent() ? "spf" : "none";
        }
    }
}
