package org.jamesdmarc.reporting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.jamesdmarc.dns.DnsAnswer;
import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.DomainExistence;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.TxtAnswer;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.PolicyDiscovery;
import org.jamesdmarc.reporting.ExternalDestinationVerifier;
import org.junit.jupiter.api.Test;

class DestinationAuthorizerTest {

    /** A resolver that is down: every query fails temporarily, and is counted. */
    private static final class DownDns implements DnsClient {
        final AtomicInteger queries = new AtomicInteger();

        @Override
        public DnsAnswer query(String name, int type) {
            queries.incrementAndGet();
            return DnsAnswer.of(DnsStatus.TEMPFAIL, "server down");
        }

        @Override
        public TxtAnswer txt(String name) {
            queries.incrementAndGet();
            return new TxtAnswer(DnsStatus.TEMPFAIL, List.of(), "server down");
        }

        @Override
        public DomainExistence exists(String domain) {
            queries.incrementAndGet();
            return DomainExistence.TEMPFAIL;
        }
    }

    private static DestinationAuthorizer authorizer(DnsClient dns) {
        return DestinationAuthorizer.dns(new PolicyDiscovery(dns, DiscoveryMode.TREEWALK, Optional.empty()),
                new ExternalDestinationVerifier(dns));
    }

    @Test
    void aDestinationOnThePolicyDomainItselfIsAllowedWithoutAnyDnsQuery() {
        DownDns dns = new DownDns();
        DestinationAuthorizer.Authorization a = authorizer(dns).authorize(DomainName.of("example.com"),
                DomainName.of("EXAMPLE.com"));
        assertThat(a).isInstanceOf(DestinationAuthorizer.Authorization.Allowed.class);
        assertThat(dns.queries).hasValue(0);
    }

    @Test
    void anotherHostNeedsDnsAndADnsFailureMeansTryLaterNeverAllowed() {
        DownDns dns = new DownDns();
        DestinationAuthorizer.Authorization a = authorizer(dns).authorize(DomainName.of("example.com"),
                DomainName.of("reports.example.net"));
        assertThat(a).isInstanceOf(DestinationAuthorizer.Authorization.TryLater.class);
        assertThat(dns.queries.get()).isPositive();
    }

    @Test
    void aSubdomainOfThePolicyDomainStillGoesThroughDiscovery() {
        // Not the same name: its Organizational Domain must be looked up (a PSD could sit in between).
        DownDns dns = new DownDns();
        DestinationAuthorizer.Authorization a = authorizer(dns).authorize(DomainName.of("example.com"),
                DomainName.of("reports.example.com"));
        assertThat(a).isInstanceOf(DestinationAuthorizer.Authorization.TryLater.class);
    }
}
