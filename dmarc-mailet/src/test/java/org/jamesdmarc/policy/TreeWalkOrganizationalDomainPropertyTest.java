package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.xbill.DNS.Type;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link TreeWalk#organizationalDomain} (the alignment checks' walk) asks the same names in the same
 * order and gives the same Organizational Domain or temporary failure as the full
 * {@link TreeWalk#walk} with {@link TreeWalk.Result#organizationalDomain()}, from a fresh lookup and
 * from one that already holds another walk's answers.
 */
class TreeWalkOrganizationalDomainPropertyTest {

    private static final List<String> RECORDS = List.of(
            "v=DMARC1; p=reject", "v=DMARC1; p=none; psd=y", "v=DMARC1; p=quarantine; psd=n",
            "v=DMARC1; p=none; psd=u", "v=spf1 -all", "v=DMARC1 p=reject");

    @Provide
    Arbitrary<List<String>> labels() {
        return Arbitraries.strings().withCharRange('a', 'c').ofMinLength(1).ofMaxLength(2)
                .list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Integer>> publications() {
        // per label position: -1 nothing, 0..n record index, n+1 temporary failure
        return Arbitraries.integers().between(-1, RECORDS.size()).list().ofSize(12);
    }

    @Property(tries = 2000)
    void same_queries_and_answer_as_the_full_walk(@ForAll("labels") List<String> labels,
                                                  @ForAll("publications") List<Integer> pubs,
                                                  @ForAll("labels") List<String> otherLabels) {
        DomainName start = DomainName.of(String.join(".", labels));
        // Another name under the same top-level label, walked first in the shared-lookup case.
        DomainName other = DomainName.of(String.join(".", otherLabels) + "." + labels.get(labels.size() - 1));
        InMemoryDnsClient dns = new InMemoryDnsClient();
        for (int i = 0; i < labels.size(); i++) {
            String name = String.join(".", labels.subList(i, labels.size()));
            int p = pubs.get(i);
            if (p == RECORDS.size()) {
                dns.status("_dmarc." + name, Type.TXT, DnsStatus.TEMPFAIL);
            } else if (p >= 0) {
                dns.dmarc(name, RECORDS.get(p));
            }
        }
        for (boolean shared : new boolean[] {false, true}) {
            DmarcRecordLookup expectedLookup = new DmarcRecordLookup(dns);
            DmarcRecordLookup actualLookup = new DmarcRecordLookup(dns);
            if (shared) {
                TreeWalk.walk(other, expectedLookup);
                TreeWalk.walk(other, actualLookup);
            }
            TreeWalk.Result walk = TreeWalk.walk(start, expectedLookup);
            OrgDomainResult expected = walk.tempFail().isPresent()
                    ? new OrgDomainResult.TempError("_dmarc." + walk.tempFail().get().domain().name() + ": "
                            + walk.tempFail().get().detail())
                    : new OrgDomainResult.Known(walk.organizationalDomain());

            OrgDomainResult actual = TreeWalk.organizationalDomain(start, actualLookup);

            assertThat(actual).as(start + " shared=" + shared).isEqualTo(expected);
            assertThat(actualLookup.queriedNames()).isEqualTo(expectedLookup.queriedNames());
        }
    }
}
