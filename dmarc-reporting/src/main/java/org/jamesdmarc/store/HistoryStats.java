package org.jamesdmarc.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A summary of the stored history ({@code dmarc history stats}).
 *
 * @param messages      how many messages are stored
 * @param policyDomains how many distinct policy domains they name
 * @param first         the earliest evaluation time, empty when nothing is stored
 * @param last          the latest evaluation time, empty when nothing is stored
 */
public record HistoryStats(long messages, long policyDomains, Optional<Instant> first, Optional<Instant> last) {

    public HistoryStats {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
    }
}
