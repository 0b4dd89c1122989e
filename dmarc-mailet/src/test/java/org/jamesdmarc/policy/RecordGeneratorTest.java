package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.jamesdmarc.policy.RecordGenerator.GenerationError.Kind;
import org.jamesdmarc.policy.RecordGenerator.Request;
import org.jamesdmarc.policy.RecordGenerator.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordGeneratorTest {

    private static Result.Generated generated(Request request) {
        Result result = RecordGenerator.generate(request);
        assertThat(result).isInstanceOf(Result.Generated.class);
        return (Result.Generated) result;
    }

    private static List<Kind> errorKinds(Request request) {
        Result result = RecordGenerator.generate(request);
        assertThat(result).isInstanceOf(Result.Rejected.class);
        return ((Result.Rejected) result).errors().stream().map(RecordGenerator.GenerationError::kind).toList();
    }

    @Test
    void minimalRecord() {
        Result.Generated g = generated(Request.builder("Example.COM.", "reject").build());
        assertThat(g.dnsName()).isEqualTo("_dmarc.example.com");
        assertThat(g.recordText()).isEqualTo("v=DMARC1; p=reject");
        assertThat(g.zoneFileLine()).isEqualTo("_dmarc.example.com. IN TXT \"v=DMARC1; p=reject\"");
    }

    @Test
    void allOptions() {
        Result.Generated g = generated(Request.builder("example.com", "Quarantine")
                .sp("reject").np("reject").psd("n").t("y").adkim("s").aspf("r")
                .rua("mailto:dmarc@example.com").rua(" mailto:agg@thirdparty.example.net ")
                .ruf("mailto:ruf@example.com").fo("1:d").build());
        assertThat(g.recordText()).isEqualTo("v=DMARC1; p=quarantine; sp=reject; np=reject; psd=n; t=y; adkim=s; aspf=r; "
                + "rua=mailto:dmarc@example.com,mailto:agg@thirdparty.example.net; ruf=mailto:ruf@example.com; fo=1:d");
        assertThat(RecordParser.parse(g.recordText())).isInstanceOfSatisfying(RecordParseResult.Parsed.class, v -> {
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record()).usingRecursiveComparison().ignoringFields("tags").isEqualTo(g.record());
        });
    }

    @Test
    void longRecordIsSplitIntoTxtStringsOf255() {
        RecordGenerator.Builder b = Request.builder("example.com", "none");
        for (int i = 0; i < 20; i++) {
            b.rua("mailto:dmarc-aggregate-reports-" + i + "@example.com");
        }
        Result.Generated g = generated(b.build());
        assertThat(g.txtStrings()).hasSizeGreaterThan(1).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
        assertThat(String.join("", g.txtStrings())).isEqualTo(g.recordText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bad domain", "exa_mple.com", "com", "-example.com", "a..b"})
    void invalidDomain(String domain) {
        assertThat(errorKinds(Request.builder(domain, "none").build())).containsExactly(Kind.INVALID_DOMAIN);
    }

    @Test
    void singleLabelDomainAllowedForPsd() {
        assertThat(generated(Request.builder("example", "reject").psd("y").build()).dnsName()).isEqualTo("_dmarc.example");
    }

    @Test
    void policyIsRequiredAndChecked() {
        assertThat(errorKinds(Request.builder("example.com", null).build())).containsExactly(Kind.INVALID_POLICY);
        assertThat(errorKinds(Request.builder("example.com", "block").build())).containsExactly(Kind.INVALID_POLICY);
        assertThat(errorKinds(Request.builder("example.com", "none").sp("drop").np("").build()))
                .containsExactly(Kind.INVALID_SUBDOMAIN_POLICY, Kind.INVALID_SUBDOMAIN_POLICY);
    }

    @Test
    void flagsAndAlignment() {
        assertThat(errorKinds(Request.builder("example.com", "none").psd("yes").t("1").build()))
                .containsExactly(Kind.INVALID_FLAG, Kind.INVALID_FLAG);
        assertThat(errorKinds(Request.builder("example.com", "none").adkim("strict").aspf("x").build()))
                .containsExactly(Kind.INVALID_ALIGNMENT, Kind.INVALID_ALIGNMENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dmarc@example.com", "mailto:", "mailto:a,b@example.com", "mailto:a b@example.com",
            "mailto:a@example.com!10m", ""})
    void invalidReportUri(String uri) {
        assertThat(errorKinds(Request.builder("example.com", "none").rua(uri).build())).containsExactly(Kind.INVALID_URI);
    }

    @Test
    void nonMailtoUriIsRefused() {
        assertThat(errorKinds(Request.builder("example.com", "none").ruf("https://example.com/r").build()))
                .containsExactly(Kind.NON_MAILTO_URI);
    }

    @Test
    void failureOptions() {
        assertThat(errorKinds(Request.builder("example.com", "none").ruf("mailto:f@example.com").fo("0:1").build()))
                .containsExactly(Kind.INVALID_FAILURE_OPTIONS);
        assertThat(errorKinds(Request.builder("example.com", "none").fo("1").build()))
                .containsExactly(Kind.FO_WITHOUT_RUF);
        assertThat(generated(Request.builder("example.com", "none").ruf("mailto:f@example.com").fo("D:S").build())
                .recordText()).endsWith("; fo=d:s");
    }

    @Test
    void allErrorsAreReported() {
        assertThat(errorKinds(Request.builder("not a domain", "maybe").rua("x").fo("1").build()))
                .containsExactlyInAnyOrder(Kind.INVALID_DOMAIN, Kind.INVALID_POLICY, Kind.INVALID_URI, Kind.FO_WITHOUT_RUF);
    }
}
