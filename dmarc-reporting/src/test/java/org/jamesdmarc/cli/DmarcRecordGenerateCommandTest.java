package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import org.jamesdmarc.policy.RecordParseResult;
import org.jamesdmarc.policy.RecordParser;
import org.junit.jupiter.api.Test;

/** {@code dmarc record generate}. */
class DmarcRecordGenerateCommandTest {

    @Test
    void generatesARecordAndWhereToPublishIt() {
        CliRun r = CliRun.run("record", "generate", "--p", "quarantine", "--rua", "mailto:dmarc@example.com",
                "--domain", "example.com");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("_dmarc.example.com")
                .contains("v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com")
                .contains("_dmarc.example.com. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com\"");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void everyOptionEndsUpInAValidRecordWithoutWarnings() {
        CliRun r = CliRun.run("record", "generate", "--p", "reject", "--sp", "quarantine", "--np", "reject",
                "--adkim", "s", "--aspf", "s", "--psd", "n", "--t", "y", "--rua", "mailto:a@example.com",
                "--ruf", "mailto:f@example.com", "--fo", "1:d", "--domain", "Example.COM", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.get("dnsName").asText()).isEqualTo("_dmarc.example.com");
        String record = j.get("record").asText();
        RecordParseResult parsed = RecordParser.parse(record);
        assertThat(parsed).isInstanceOf(RecordParseResult.Parsed.class);
        RecordParseResult.Parsed v = (RecordParseResult.Parsed) parsed;
        assertThat(v.warnings()).isEmpty();
        assertThat(v.record().tags()).containsEntry("p", "reject").containsEntry("sp", "quarantine")
                .containsEntry("np", "reject").containsEntry("adkim", "s").containsEntry("aspf", "s")
                .containsEntry("psd", "n").containsEntry("t", "y").containsEntry("fo", "1:d")
                .containsEntry("rua", "mailto:a@example.com").containsEntry("ruf", "mailto:f@example.com");
        assertThat(j.get("zoneFileLine").asText()).startsWith("_dmarc.example.com. IN TXT \"v=DMARC1;");
        assertThat(j.get("notes")).isEmpty();
    }

    @Test
    void severalReportDestinations() {
        CliRun r = CliRun.run("record", "generate", "--p", "none", "--rua", "mailto:a@example.com,mailto:b@example.com",
                "--rua", "mailto:c@example.com", "--domain", "example.com", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.json().get("record").asText())
                .contains("rua=mailto:a@example.com,mailto:b@example.com,mailto:c@example.com");
    }

    @Test
    void withoutDomainShowsAPlaceholderName() {
        CliRun r = CliRun.run("record", "generate", "--p", "reject");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("_dmarc.<your-domain>").contains("v=DMARC1; p=reject")
                .doesNotContain(RecordGenerateCommand.PLACEHOLDER_DOMAIN);
    }

    @Test
    void externalDestinationGetsANote() {
        CliRun r = CliRun.run("record", "generate", "--p", "reject", "--rua", "mailto:d@reports.example.net",
                "--domain", "example.com", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.json().get("notes")).hasSize(1);
        assertThat(r.json().get("notes").get(0).asText()).contains("example.com._report._dmarc.reports.example.net");
    }

    @Test
    void foWithoutRufIsRefused() {
        CliRun r = CliRun.run("record", "generate", "--p", "reject", "--fo", "1", "--domain", "example.com");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("cannot generate").contains("fo").contains("ruf");
    }

    @Test
    void everyProblemIsListed() {
        CliRun r = CliRun.run("record", "generate", "--p", "block", "--adkim", "x", "--rua", "http://example.com/r",
                "--domain", "not a domain", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        JsonNode errors = r.json().get("errors");
        assertThat(errors).hasSizeGreaterThanOrEqualTo(4);
        assertThat(errors.findValuesAsText("option")).contains("--p", "--adkim", "--rua", "--domain");
        assertThat(r.err()).contains("(--p)").contains("(--adkim)").contains("(--rua)").contains("(--domain)");
    }

    @Test
    void invalidFlagValuesAreRefused() {
        assertThat(CliRun.run("record", "generate", "--p", "none", "--psd", "maybe").exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(CliRun.run("record", "generate", "--p", "none", "--t", "x").exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(CliRun.run("record", "generate", "--p", "none", "--sp", "x").exitCode()).isEqualTo(ExitCodes.INVALID);
    }

    @Test
    void policyIsRequired() {
        CliRun r = CliRun.run("record", "generate", "--domain", "example.com");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("--p");
    }
}
