package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/** {@code dmarc record parse}. */
class DmarcRecordParseCommandTest {

    @Test
    void validRecordAsJson() {
        CliRun r = CliRun.run("record", "parse", "v=DMARC1; p=reject; rua=mailto:d@example.com; adkim=s", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.get("valid").asBoolean()).isTrue();
        assertThat(j.get("tags").get("v").asText()).isEqualTo("DMARC1");
        assertThat(j.get("tags").get("p").asText()).isEqualTo("reject");
        assertThat(j.get("tags").get("rua").asText()).isEqualTo("mailto:d@example.com");
        assertThat(j.get("tags").get("adkim").asText()).isEqualTo("s");
        assertThat(j.get("warnings").isArray()).isTrue();
        assertThat(j.get("warnings")).isEmpty();
        assertThat(j.get("error").isNull()).isTrue();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void tagsKeepRecordOrder() {
        JsonNode tags = CliRun.run("record", "parse", "v=DMARC1; aspf=s; p=none; sp=reject", "--json").json().get("tags");
        assertThat(tags.fieldNames()).toIterable().containsExactly("v", "aspf", "p", "sp");
    }

    @Test
    void warningsDoNotMakeARecordInvalid() {
        CliRun r = CliRun.run("record", "parse", "v=DMARC1; p=quarantine; pct=50; foo=bar", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.get("valid").asBoolean()).isTrue();
        assertThat(j.get("warnings")).hasSize(2);
        assertThat(j.get("warnings").toString()).contains("pct").contains("foo");
    }

    @Test
    void invalidRecordExitsTwoWithError() {
        CliRun r = CliRun.run("record", "parse", "v=spf1 -all", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        JsonNode j = r.json();
        assertThat(j.get("valid").asBoolean()).isFalse();
        assertThat(j.get("tags")).isEmpty();
        assertThat(j.get("warnings")).isEmpty();
        assertThat(j.get("error").isTextual()).isTrue();
        assertThat(j.get("error").asText()).isNotBlank();
    }

    @Test
    void emptyAndMalformedRecordsAreInvalid() {
        assertThat(CliRun.run("record", "parse", "", "--json").exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(CliRun.run("record", "parse", "v=DMARC1 p=reject", "--json").json().get("valid").asBoolean()).isFalse();
        assertThat(CliRun.run("record", "parse", "p=reject; v=DMARC1").exitCode()).isEqualTo(ExitCodes.INVALID);
    }

    @Test
    void atSignIsNotReadAsAnArgumentFile() {
        CliRun r = CliRun.run("record", "parse", "@/etc/hostname", "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.json().get("valid").asBoolean()).isFalse();
    }

    @Test
    void humanReadableOutput() {
        CliRun ok = CliRun.run("record", "parse", "v=DMARC1; p=reject; sp=none; foo=1");
        assertThat(ok.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(ok.out()).contains("Valid DMARC record.")
                .containsPattern("p\\s+= reject")
                .contains("Applies: p=reject sp=none np=none adkim=r aspf=r t=n psd=u")
                .contains("Warnings:").contains("foo");

        CliRun bad = CliRun.run("record", "parse", "hello");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(bad.out()).startsWith("Invalid DMARC record: ");
    }

    @Test
    void missingArgumentIsAUsageError() {
        CliRun r = CliRun.run("record", "parse");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("<txt>");
    }
}
