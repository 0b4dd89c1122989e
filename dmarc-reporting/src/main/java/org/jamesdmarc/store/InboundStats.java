package org.jamesdmarc.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jamesdmarc.policy.PolicyOverride;

/**
 * What {@link InboundReportStore} reads for the dashboard and WebAdmin: aggregates over the inbound records, computed
 * by the database. Message counts are summed with saturation at {@link Long#MAX_VALUE} (a report may count up to
 * 2^63-1 messages in one record).
 */
public final class InboundStats {

    private InboundStats() {
    }

    /** A half-open interval of report begin times, [from, to). */
    public record TimeRange(Instant from, Instant to) {
        public TimeRange {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (to.isBefore(from)) {
                throw new IllegalArgumentException("the range ends before it begins: " + from + " .. " + to);
            }
        }

        /** Everything. */
        public static TimeRange all() {
            return new TimeRange(Instant.EPOCH, Instant.ofEpochSecond(253_402_300_799L)); // 9999-12-31T23:59:59Z
        }
    }

    /** A page of a list: skip {@code offset} rows, return at most {@code limit} (1 to 1000). */
    public record Page(int offset, int limit) {
        public static final int MAX_LIMIT = 1000;

        public Page {
            if (offset < 0) {
                throw new IllegalArgumentException("offset must not be negative: " + offset);
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
            }
        }

        public static Page first(int limit) {
            return new Page(0, limit);
        }
    }

    /**
     * Message counts: all, passing DMARC, passing DKIM after alignment, passing SPF after alignment (the reporter's
     * {@code policy_evaluated}).
     */
    public record Volume(long messages, long dmarcPass, long dkimPass, long spfPass) {
        public static final Volume ZERO = new Volume(0, 0, 0, 0);

        /** The share of messages that passed DMARC, 0 to 1 (0 when there were none). */
        public double passRate() {
            return messages == 0 ? 0.0 : (double) dmarcPass / messages;
        }
    }

    /** One policy domain's volume on one UTC day (the day the reports' ranges begin). */
    public record DayVolume(String policyDomain, LocalDate day, Volume volume) {
        public DayVolume {
            Objects.requireNonNull(policyDomain, "policyDomain");
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(volume, "volume");
        }
    }

    /** One policy domain over a range: how many reports, records and their volume. */
    public record DomainSummary(String policyDomain, long reports, long records, Volume volume) {
        public DomainSummary {
            Objects.requireNonNull(policyDomain, "policyDomain");
            Objects.requireNonNull(volume, "volume");
        }
    }

    /**
     * One source IP sending as a policy domain over a range: its volume, what the reporters did with its messages
     * (dispositions applied), the override reasons they gave (forwarded, mailing_list, ...; messages per reason) and
     * which organisations reported it (messages per reporter), each map by decreasing count.
     */
    public record SourceSummary(String sourceIp, Volume volume, Map<ReportDisposition, Long> dispositions,
                                Map<PolicyOverride, Long> overrides, Map<String, Long> reporters) {
        public SourceSummary {
            Objects.requireNonNull(sourceIp, "sourceIp");
            Objects.requireNonNull(volume, "volume");
            dispositions = Map.copyOf(dispositions);
            overrides = Map.copyOf(overrides);
            reporters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reporters));
        }
    }

    /**
     * One source IP of a domain in a window as the ranking reads it ({@code InboundReportStore.rankSources}): its
     * messages, those that passed DMARC, and which of {@link #FORWARDING}'s override reasons (those that tell mail the
     * domain wants delivered) were given for any of its messages.
     */
    public record SourceRank(String sourceIp, long messages, long dmarcPass, java.util.Set<PolicyOverride> forwarding) {
        /** RFC 9990 §2.1 PolicyOverrideType values that mark forwarded mail. */
        public static final java.util.Set<PolicyOverride> FORWARDING = java.util.Collections.unmodifiableSet(
                java.util.EnumSet.of(PolicyOverride.FORWARDED, PolicyOverride.TRUSTED_FORWARDER,
                        PolicyOverride.MAILING_LIST));

        public SourceRank {
            Objects.requireNonNull(sourceIp, "sourceIp");
            forwarding = java.util.Set.copyOf(forwarding);
            if (!FORWARDING.containsAll(forwarding)) {
                throw new IllegalArgumentException("not a forwarding override: " + forwarding);
            }
        }
    }

    /** One stored report: its metadata, its totals and whether its XML was kept (and how big it is). */
    public record ReportSummary(String id, InboundReport report, long records, Volume volume, boolean rawKept,
                                long rawXmlBytes) {
        public ReportSummary {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(volume, "volume");
        }
    }

    /** The inbound tables' totals. */
    public record Totals(long reports, long records, long domains, Volume volume, long rejected, long failures) {
        public Totals {
            Objects.requireNonNull(volume, "volume");
        }
    }

    /** A report kept aside: why, and the content as received when it was small enough to keep. */
    public record Rejection(String id, InboundOrigin origin, String reason, Instant receivedAt, long contentBytes,
                            boolean contentKept) {
        public Rejection {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }

    /** A stored failure report and its id. */
    public record StoredFailure(String id, InboundFailureReport report) {
        public StoredFailure {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(report, "report");
        }
    }

    static Optional<String> opt(String s) {
        return Optional.ofNullable(s);
    }
}
