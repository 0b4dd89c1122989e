package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.jamesdmarc.dns.DnsSettings;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.junit.jupiter.api.Test;

/** {@code dmarc check} against an in-memory DNS (the real-DNS version is DmarcCheckRealDnsTest). */
class DmarcCheckCommandTest {

    private final InMemoryDnsClient dns = new InMemoryDnsClient()
            .txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:agg@example.com")
            .tempFail("_dmarc.flaky.example");
    private final List<DnsSettings> settingsSeen = new ArrayList<>();

    private CliRun check(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "check";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.run(s -> {
            settingsSeen.add(s);
            return dns;
        }, all);
    }

    @Test
    void recordAtTheAuthorDomain() {
        CliRun r = check("example.com", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.get("domain").asText()).isEqualTo("example.com");
        assertThat(j.get("policyDomain").asText()).isEqualTo("example.com");
        assertThat(j.get("policyDomainRole").asText()).isEqualTo("author_domain");
        assertThat(j.get("organizationalDomain").asText()).isEqualTo("example.com");
        assertThat(j.get("discovery").asText()).isEqualTo("treewalk");
        assertThat(j.get("lookups").asInt()).isPositive();
        assertThat(j.get("result").asText()).isEqualTo("found");
        assertThat(j.get("record").get("tags").get("p").asText()).isEqualTo("reject");
        assertThat(j.get("record").get("sp").asText()).isEqualTo("quarantine");
        assertThat(j.get("record").get("rua").get(0).asText()).isEqualTo("mailto:agg@example.com");
        assertThat(j.get("reportDestinations").get(0).get("external").asBoolean()).isFalse();
        assertThat(j.get("warnings")).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void subdomainWalksUpToTheOrganizationalDomain() {
        JsonNode j = check("Mail.Example.COM.", "--json").json();
        assertThat(j.get("domain").asText()).isEqualTo("mail.example.com");
        assertThat(j.get("policyDomain").asText()).isEqualTo("example.com");
        assertThat(j.get("policyDomainRole").asText()).isEqualTo("organizational_domain");
        assertThat(j.get("queriedNames").toString()).contains("_dmarc.mail.example.com", "_dmarc.example.com");
    }

    @Test
    void noPolicyExitsOne() {
        CliRun r = check("nothing.example", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_POLICY);
        JsonNode j = r.json();
        assertThat(j.get("result").asText()).isEqualTo("none");
        assertThat(j.get("record").isNull()).isTrue();
        assertThat(j.get("policyDomain").isNull()).isTrue();
    }

    @Test
    void temporaryDnsFailureExitsThree() {
        CliRun r = check("flaky.example", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.TEMPERROR);
        assertThat(r.json().get("result").asText()).isEqualTo("temperror");
        assertThat(r.err()).contains("temporary DNS failure").contains("_dmarc.flaky.example");
    }

    @Test
    void pslModeIsReported() {
        CliRun r = check("mail.example.com", "--psl", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.json().get("discovery").asText()).isEqualTo("psl");
        assertThat(r.json().get("organizationalDomain").asText()).isEqualTo("example.com");
        assertThat(check("example.com", "--treewalk", "--json").json().get("discovery").asText()).isEqualTo("treewalk");
    }

    @Test
    void pslAndTreewalkExcludeEachOther() {
        CliRun r = check("example.com", "--psl", "--treewalk");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("mutually exclusive");
    }

    @Test
    void badDomainIsRefusedWithoutDns() {
        for (String bad : new String[] {"exa mple.com", "bad-.example", "a..b", "(comment)example.com", ""}) {
            CliRun r = check(bad);
            assertThat(r.exitCode()).as(bad).isEqualTo(ExitCodes.INVALID);
            assertThat(r.err()).as(bad).contains("not a valid domain name");
            assertThat(r.out()).as(bad).isEmpty();
        }
        // A leading '-' reads as an option unless after "--"; either way it is refused with exit 2.
        assertThat(check("-bad.example").exitCode()).isEqualTo(ExitCodes.INVALID);
        CliRun dashed = check("--", "-bad.example");
        assertThat(dashed.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(dashed.err()).contains("not a valid domain name");
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void dnsOptionChoosesTheResolver() {
        assertThat(check("example.com", "--dns", "127.0.0.1:5353", "--timeout", "750ms").exitCode()).isEqualTo(ExitCodes.OK);
        DnsSettings s = settingsSeen.get(0);
        assertThat(s.servers()).containsExactly(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(750));

        check("example.com", "--dns", "[::1]:53,127.0.0.2");
        assertThat(settingsSeen.get(1).servers()).hasSize(2);
        check("example.com");
        assertThat(settingsSeen.get(2).servers()).as("system resolvers").isEmpty();
    }

    @Test
    void badDnsOrTimeoutValueIsRefused() {
        for (String bad : new String[] {"localhost:53", "127.0.0.1:99999", "127.0.0.1:x", "nonsense"}) {
            CliRun r = check("example.com", "--dns", bad);
            assertThat(r.exitCode()).as(bad).isEqualTo(ExitCodes.INVALID);
            assertThat(r.err()).as(bad).contains("--dns");
        }
        CliRun t = check("example.com", "--timeout", "soon");
        assertThat(t.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(t.err()).contains("--timeout");
        assertThat(settingsSeen).isEmpty();
    }

    @Test
    void externalDestinationsAreVerified() {
        dns.txt("_dmarc.shop.example", "v=DMARC1; p=none; rua=mailto:a@ok.example,mailto:b@nope.example")
                .txt("shop.example._report._dmarc.ok.example", "v=DMARC1");
        CliRun r = check("shop.example", "--json");
        JsonNode j = r.json();
        JsonNode d = j.get("reportDestinations");
        assertThat(d).hasSize(2);
        assertThat(d.get(0).get("host").asText()).isEqualTo("ok.example");
        assertThat(d.get(0).get("external").asBoolean()).isTrue();
        assertThat(d.get(0).get("authorization").asText()).isEqualTo("authorized");
        assertThat(d.get(1).get("authorization").asText()).isEqualTo("not-authorized");
        assertThat(d.get(1).get("verificationName").asText()).isEqualTo("shop.example._report._dmarc.nope.example");
        assertThat(j.get("warnings")).hasSize(1);
        assertThat(j.get("warnings").get(0).asText()).contains("mailto:b@nope.example")
                .contains("shop.example._report._dmarc.nope.example");
    }

    @Test
    void humanReadableOutput() {
        CliRun r = check("mail.example.com");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("Domain:                mail.example.com")
                .contains("Result:                found")
                .contains("Policy domain:         example.com (organizational domain)")
                .contains("Applies: p=reject sp=quarantine")
                .contains("rua mailto:agg@example.com: internal");
        CliRun none = check("nothing.example");
        assertThat(none.out()).contains("Result:                none (no DMARC policy applies)");
    }

    @Test
    void destinationChecksAreBoundedAndOncePerHost() {
        StringBuilder rua = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            rua.append(i == 0 ? "" : ",").append("mailto:r@host").append(i).append(".example");
        }
        dns.txt("_dmarc.many.example", "v=DMARC1; p=none; rua=" + rua + ",mailto:again@host1.example");
        JsonNode j = check("many.example", "--json").json();
        JsonNode d = j.get("reportDestinations");
        assertThat(d).hasSize(31);
        long checked = 0;
        for (JsonNode x : d) {
            if (!x.get("authorization").asText().equals("not-checked")) {
                checked++;
            }
        }
        assertThat(checked).isEqualTo(CheckCommand.MAX_DESTINATION_HOSTS + 1); // host1 twice
        long verificationQueries = dns.queries().stream().filter(q -> q.contains("._report._dmarc.")).count();
        assertThat(verificationQueries).isEqualTo(CheckCommand.MAX_DESTINATION_HOSTS);
        assertThat(d.get(30).get("authorization").asText()).isEqualTo("not-authorized");
    }

    @Test
    void anExceptionIsAnInternalErrorWithExit70() {
        CliRun r = CliRun.run(s -> {
            throw new IllegalStateException("boom");
        }, "check", "example.com");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.err()).contains("internal error").contains("boom");
    }
}
