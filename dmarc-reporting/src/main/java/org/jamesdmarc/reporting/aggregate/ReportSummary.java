package org.jamesdmarc.reporting.aggregate;

import java.util.Objects;

import org.jamesdmarc.store.ReportPolicy;

/**
 * What one built report holds.
 *
 * @param policy   the policy domain, its published policy and its counts in the period
 * @param period   the reporting period
 * @param id       its Report-ID
 * @param format   the XML it was written in
 * @param records  how many {@code <record>} elements
 * @param messages the sum of their counts
 */
public record ReportSummary(ReportPolicy policy, ReportPeriod period, ReportId id, ReportFormat format, long records,
                            long messages) {
    public ReportSummary {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(format, "format");
    }
}
