package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.policy.AuthenticatedIdentifier.Authentication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SPF and DKIM identifiers follow one alignment rule and one "could pass on retry" rule (RFC 9989 §4.4, §5.3.5). */
class IdentifierAlignmentTest {

    @ParameterizedTest
    @EnumSource(SpfResult.class)
    void spfResultsMapToTheThreeCasesDmarcDistinguishes(SpfResult r) {
        Authentication a = AuthenticatedIdentifier.of(new SpfOutcome(r, DomainName.of("example.com"), SpfScope.MFROM)).authentication();
        assertThat(a).isEqualTo(r == SpfResult.PASS ? Authentication.PASS
                : r == SpfResult.TEMPERROR ? Authentication.TEMPERROR : Authentication.OTHER);
    }

    @ParameterizedTest
    @EnumSource(DkimResult.class)
    void dkimResultsMapToTheThreeCasesDmarcDistinguishes(DkimResult r) {
        Authentication a = AuthenticatedIdentifier.of(new DkimOutcome(r, DomainName.of("example.com"), "s", "")).authentication();
        assertThat(a).isEqualTo(r == DkimResult.PASS ? Authentication.PASS
                : r == DkimResult.TEMPERROR ? Authentication.TEMPERROR : Authentication.OTHER);
    }

    @Test
    void passAndFailOnRetryTruthTableIsTheSameForSpfAndDkim() {
        for (AlignmentStatus status : AlignmentStatus.values()) {
            check(SpfResult.PASS, DkimResult.PASS, status,
                    status == AlignmentStatus.ALIGNED, status == AlignmentStatus.TEMPERROR);
            check(SpfResult.TEMPERROR, DkimResult.TEMPERROR, status,
                    false, status == AlignmentStatus.ALIGNED || status == AlignmentStatus.TEMPERROR);
            check(SpfResult.FAIL, DkimResult.FAIL, status, false, false);
        }
    }

    private static void check(SpfResult spf, DkimResult dkim, AlignmentStatus status, boolean pass, boolean retry) {
        IdentifierAlignment s = new SpfAlignment(new SpfOutcome(spf, DomainName.of("example.com"), SpfScope.MFROM),
                AlignmentMode.RELAXED, status);
        IdentifierAlignment d = new DkimAlignment(new DkimOutcome(dkim, DomainName.of("example.com"), "s", ""),
                AlignmentMode.RELAXED, status);
        for (IdentifierAlignment i : new IdentifierAlignment[] {s, d}) {
            assertThat(i.alignedPass()).as("%s aligned pass", i).isEqualTo(pass);
            assertThat(i.couldPassOnRetry()).as("%s could pass on retry", i).isEqualTo(retry);
        }
    }

    @Test
    void onlyIdentifiersThatMayCountAreAligned() {
        InMemoryDnsClient dns = new InMemoryDnsClient();
        PolicyDiscovery discovery = new PolicyDiscovery(dns, DiscoveryMode.TREEWALK, Optional.empty());
        Alignment alignment = new Alignment(discovery, discovery.newLookup());
        DomainName example = DomainName.of("example.com");
        assertThat(alignment.of(new AuthenticatedIdentifier(Authentication.PASS, Optional.of(example)), example,
                AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(alignment.of(new AuthenticatedIdentifier(Authentication.TEMPERROR, Optional.of(example)), example,
                AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(alignment.of(new AuthenticatedIdentifier(Authentication.OTHER, Optional.of(example)), example,
                AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.NOT_CHECKED);
        assertThat(alignment.of(new AuthenticatedIdentifier(Authentication.PASS, Optional.empty()), example,
                AlignmentMode.STRICT)).isEqualTo(AlignmentStatus.NOT_CHECKED);
    }
}
