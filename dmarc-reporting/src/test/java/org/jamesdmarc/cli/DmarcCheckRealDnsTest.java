package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code dmarc check --dns 127.0.0.1:<port>} against a real authoritative DNS server (Knot) on loopback,
 * run in-process through the real dnsjava client.
 */
class DmarcCheckRealDnsTest {

    private static KnotDnsServer dns;

    @BeforeAll
    static void startDns() {
        dns = KnotDnsServer.builder()
                .zone("example.test")
                    .txt("_dmarc", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:agg@example.test")
                    .a("mail", "127.0.0.2")
                .zone("nodmarc.test")
                    .a("www", "127.0.0.3")
                .brokenZone("broken.test")
                // A public suffix operator's TLD publishing psd=y; its registrants publish nothing.
                .zone("psdtld")
                    .txt("_dmarc", "v=DMARC1; p=quarantine; psd=y; rua=mailto:psd@psdtld")
                    .a("www.shop", "127.0.0.4")
                // A domain sending reports to two outside destinations; one agreed, one did not.
                .zone("sender.test")
                    .txt("_dmarc", "v=DMARC1; p=none; rua=mailto:dmarc@reports.test,mailto:dmarc@stranger.test;"
                            + " ruf=mailto:forensic@reports.test; fo=1")
                .zone("reports.test")
                    .txt("sender.test._report._dmarc", "v=DMARC1")
                .zone("stranger.test")
                    .txt("other.test._report._dmarc", "v=DMARC1")
                .start();
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    private static CliRun check(String domain, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "check";
        args[1] = domain;
        args[2] = "--dns";
        args[3] = dns.hostPort();
        args[4] = "--json";
        System.arraycopy(more, 0, args, 5, more.length);
        return CliRun.run(args);
    }

    @Test
    void recordFoundAtTheAuthorDomain() {
        CliRun r = check("example.test");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.get("domain").asText()).isEqualTo("example.test");
        assertThat(j.get("result").asText()).isEqualTo("found");
        assertThat(j.get("policyDomain").asText()).isEqualTo("example.test");
        assertThat(j.get("policyDomainRole").asText()).isEqualTo("author_domain");
        assertThat(j.get("organizationalDomain").asText()).isEqualTo("example.test");
        assertThat(j.get("discovery").asText()).isEqualTo("treewalk");
        assertThat(j.get("lookups").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(j.get("record").get("tags").get("p").asText()).isEqualTo("reject");
        assertThat(j.get("record").get("sp").asText()).isEqualTo("quarantine");
        assertThat(j.get("warnings")).as(r.toString()).isEmpty();
    }

    @Test
    void subdomainWalksUpToTheOrganizationalDomainRecord() {
        CliRun r = check("a.b.mail.example.test");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.get("domain").asText()).isEqualTo("a.b.mail.example.test");
        assertThat(j.get("policyDomain").asText()).isEqualTo("example.test");
        assertThat(j.get("policyDomainRole").asText()).isEqualTo("organizational_domain");
        assertThat(j.get("organizationalDomain").asText()).isEqualTo("example.test");
        // _dmarc.a.b.mail.example.test, _dmarc.b.mail..., _dmarc.mail..., _dmarc.example.test at least
        assertThat(j.get("lookups").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(j.get("queriedNames").toString())
                .contains("_dmarc.a.b.mail.example.test").contains("_dmarc.example.test");
    }

    @Test
    void noRecordAnywhere() {
        CliRun r = check("www.nodmarc.test");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NO_POLICY);
        JsonNode j = r.json();
        assertThat(j.get("result").asText()).isEqualTo("none");
        assertThat(j.get("record").isNull()).isTrue();
        assertThat(j.get("policyDomain").isNull()).isTrue();
        // The walk went up to the TLD, which the server's root zone answers with NXDOMAIN.
        assertThat(j.get("queriedNames").toString()).contains("_dmarc.test");
    }

    @Test
    void servfailIsATemporaryError() {
        CliRun r = check("mail.broken.test");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.TEMPERROR);
        assertThat(r.json().get("result").asText()).isEqualTo("temperror");
        assertThat(r.json().get("record").isNull()).isTrue();
        assertThat(r.err()).contains("temporary DNS failure");
    }

    @Test
    void treeWalkFindsThePublicSuffixDomainPolicy() {
        CliRun r = check("www.shop.psdtld");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.get("result").asText()).isEqualTo("found");
        assertThat(j.get("policyDomain").asText()).isEqualTo("psdtld");
        assertThat(j.get("policyDomainRole").asText()).isEqualTo("public_suffix_domain");
        // RFC 9989 §4.10.2: below a psd=y record, the Organizational Domain is the next label down.
        assertThat(j.get("organizationalDomain").asText()).isEqualTo("shop.psdtld");
        assertThat(j.get("record").get("psd").asText()).isEqualTo("y");
    }

    @Test
    void pslModeFindsTheOrganizationalDomainRecordToo() {
        CliRun r = check("mail.example.test", "--psl");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.get("discovery").asText()).isEqualTo("psl");
        assertThat(j.get("policyDomain").asText()).isEqualTo("example.test");
    }

    @Test
    void externalReportDestinationsWithAndWithoutAuthorization() {
        CliRun r = check("sender.test");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        JsonNode d = j.get("reportDestinations");
        assertThat(d).hasSize(3);

        assertThat(d.get(0).get("tag").asText()).isEqualTo("rua");
        assertThat(d.get(0).get("host").asText()).isEqualTo("reports.test");
        assertThat(d.get(0).get("external").asBoolean()).isTrue();
        assertThat(d.get(0).get("authorization").asText()).isEqualTo("authorized");
        assertThat(d.get(0).get("verificationName").asText()).isEqualTo("sender.test._report._dmarc.reports.test");

        assertThat(d.get(1).get("host").asText()).isEqualTo("stranger.test");
        assertThat(d.get(1).get("authorization").asText()).isEqualTo("not-authorized");

        assertThat(d.get(2).get("tag").asText()).isEqualTo("ruf");
        assertThat(d.get(2).get("authorization").asText()).isEqualTo("authorized");

        // Only the unauthorized destination is warned about.
        assertThat(j.get("warnings")).hasSize(1);
        assertThat(j.get("warnings").get(0).asText())
                .contains("mailto:dmarc@stranger.test")
                .contains("sender.test._report._dmarc.stranger.test");
    }

    @Test
    void humanReadableOutputAgainstRealDns() {
        CliRun r = CliRun.run("check", "sender.test", "--dns", dns.hostPort());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("Policy domain:         sender.test (author domain)")
                .contains("rua mailto:dmarc@reports.test: external, authorized at sender.test._report._dmarc.reports.test")
                .contains("rua mailto:dmarc@stranger.test: external, NOT authorized")
                .contains("Warnings:");
    }
}
