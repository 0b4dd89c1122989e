package org.jamesdmarc.policy;

import org.jamesdmarc.dns.DomainName;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jamesdmarc.auth.DkimOutcome;
import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfOutcome;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.xbill.DNS.Type;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Bounds and invariants of the tree walk for arbitrary names and published records. */
class DiscoveryPropertyTest {

    private static final List<String> RECORDS = List.of(
            "v=DMARC1; p=reject", "v=DMARC1; p=none; psd=y", "v=DMARC1; p=quarantine; psd=n",
            "v=DMARC1; p=none; psd=u", "v=spf1 -all", "v=DMARC1 p=reject");

    @Provide
    Arbitrary<List<String>> labels() {
        return Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1).ofMaxLength(3)
                .list().ofMinSize(1).ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Integer>> publications() {
        // per label position: -1 nothing, 0..n record index, n+1 temp failure
        return Arbitraries.integers().between(-1, RECORDS.size()).list().ofSize(20);
    }

    @Property(tries = 1000)
    void walk_is_bounded_and_stays_on_the_authors_ancestors(@ForAll("labels") List<String> labels,
                                                             @ForAll("publications") List<Integer> pubs) {
        String author = String.join(".", labels);
        InMemoryDnsClient dns = new InMemoryDnsClient();
        Set<String> failing = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            String name = String.join(".", labels.subList(i, labels.size()));
            int p = pubs.get(i);
            if (p == RECORDS.size()) {
                dns.status("_dmarc." + name, Type.TXT, DnsStatus.TEMPFAIL);
                failing.add("_dmarc." + name);
            } else if (p >= 0) {
                dns.dmarc(name, RECORDS.get(p));
            }
        }
        DmarcEvaluator evaluator = new DmarcEvaluator(dns, EvaluationOptions.defaults());
        DmarcEvaluation e = evaluator.evaluate(author, SpfOutcome.none(),
                List.of(new DkimOutcome(DkimResult.PASS, DomainName.of("x." + author), "s", "")));

        DiscoveryResult d = e.discovery();
        // RFC 9989 §4.10: at most 8 queries for the Author Domain, never the root.
        assertThat(d.dnsLookups()).isBetween(1, 8);
        assertThat(dns.txtQueries()).doesNotHaveDuplicates()
                .allSatisfy(q -> assertThat(q).startsWith("_dmarc.").isNotEqualTo("_dmarc."));
        assertThat(d.queriedNames()).allSatisfy(q -> assertThat(author).endsWith(q.substring("_dmarc.".length())));
        // Two walks (Author Domain, DKIM identifier) of at most 8 queries each, plus one existence check.
        assertThat(e.dnsLookups()).isLessThanOrEqualTo(17);
        d.organizationalDomain().ifPresent(org -> assertThat(DomainName.of(author).isAtOrBelow(org)).isTrue());
        d.policyDomain().ifPresent(pd -> assertThat(DomainName.of(author).isAtOrBelow(pd)).isTrue());
        // A DNS failure never leads to reject.
        if (e.result() == DmarcResult.TEMPERROR || e.result() == DmarcResult.NONE) {
            assertThat(e.disposition()).isEqualTo(Disposition.NONE);
        }
        // The DKIM identifier x.<author> can be aligned: if any walk met a DNS failure, the failure could hide that
        // alignment, so the verdict may be temperror or pass, never fail (RFC 9989 §4.10.1: receivers choose how to
        // handle DNS errors; we never turn one into a reject).
        if (dns.txtQueries().stream().anyMatch(failing::contains)) {
            assertThat(e.result()).isNotEqualTo(DmarcResult.FAIL);
            assertThat(e.disposition()).isNotEqualTo(Disposition.REJECT);
        }
        assertThat(e.result()).isNotEqualTo(DmarcResult.PERMERROR);
        Optional<DmarcRecord> r = d.record();
        assertThat(r.isPresent()).isEqualTo(d.status() == DiscoveryStatus.FOUND);
    }
}
