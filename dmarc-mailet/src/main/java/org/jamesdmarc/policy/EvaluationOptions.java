package org.jamesdmarc.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * Settings of a {@link DmarcEvaluator}.
 *
 * @param discoveryMode      RFC 9989 tree walk (default) or RFC 7489 PSL
 * @param publicSuffixList   the list for PSL mode (bundled when empty)
 * @param legacyPctSampling  apply RFC 7489 §6.6.4 {@code pct} sampling (RFC 9989 retired {@code pct}; off by default)
 * @param percentile         source of a uniform integer in [0, 100) for sampling (injectable for tests)
 */
public record EvaluationOptions(DiscoveryMode discoveryMode, Optional<PublicSuffixList> publicSuffixList,
                                boolean legacyPctSampling, IntSupplier percentile) {

    public EvaluationOptions {
        Objects.requireNonNull(discoveryMode, "discoveryMode");
        Objects.requireNonNull(publicSuffixList, "publicSuffixList");
        Objects.requireNonNull(percentile, "percentile");
    }

    public static IntSupplier randomPercentile() {
        return () -> ThreadLocalRandom.current().nextInt(100);
    }

    /** RFC 9989 defaults: tree walk, no pct sampling. */
    public static EvaluationOptions defaults() {
        return new EvaluationOptions(DiscoveryMode.TREEWALK, Optional.empty(), false, randomPercentile());
    }

    public EvaluationOptions withDiscoveryMode(DiscoveryMode mode) {
        return new EvaluationOptions(mode, publicSuffixList, legacyPctSampling, percentile);
    }

    public EvaluationOptions withPublicSuffixList(PublicSuffixList list) {
        return new EvaluationOptions(discoveryMode, Optional.of(list), legacyPctSampling, percentile);
    }

    public EvaluationOptions withLegacyPctSampling(boolean enabled, IntSupplier percentile) {
        return new EvaluationOptions(discoveryMode, publicSuffixList, enabled, percentile);
    }
}
