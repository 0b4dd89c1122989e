package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordWriterTest {

    private static DmarcRecord parse(String txt) {
        return ((RecordParseResult.Parsed) RecordParser.parse(txt)).record();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "v=DMARC1;p=REJECT                      | v=DMARC1; p=reject",
            "V=DMARC1 ; P = none ;                  | v=DMARC1; p=none",
            "v=DMARC1; np=reject; sp=none; p=quarantine | v=DMARC1; p=quarantine; sp=none; np=reject",
            "v=DMARC1; adkim=r; p=none              | v=DMARC1; p=none; adkim=r",
            "v=DMARC1; p=none; fo=d:1; ruf=mailto:f@example.com | v=DMARC1; p=none; ruf=mailto:f@example.com; fo=d:1",
            "v=DMARC1; p=none; foo=bar; t=Y; psd=u  | v=DMARC1; p=none; psd=u; t=y",
            "v=DMARC1; p=none; rua=mailto:a@example.com!10m , mailto:b@example.com | v=DMARC1; p=none; rua=mailto:a@example.com!10m,mailto:b@example.com",
            "v=DMARC1; ri=86400; pct=50; rf=AFRF; p=none | v=DMARC1; p=none; pct=50; rf=afrf; ri=86400",
            "v=DMARC1;                              | v=DMARC1",
            "v=DMARC1; p=bogus; adkim=x             | v=DMARC1; adkim=r",
    })
    void canonicalForm(String input, String expected) {
        assertThat(parse(input).toRecordString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=n; t=y; adkim=s; aspf=s; "
                    + "rua=mailto:a@example.com,https://r.example/x; ruf=mailto:f@example.com!1k; fo=0:d:s",
            "v=DMARC1; p=none; pct=0; rf=afrf:iodef; ri=1",
            "v=DMARC1; fo=1",
            "v=DMARC1; p=quarantine; psd=y"})
    void rewrittenRecordParsesToTheSameValues(String input) {
        DmarcRecord first = parse(input);
        DmarcRecord second = parse(first.toRecordString());
        assertThat(second).usingRecursiveComparison().ignoringFields("tags").isEqualTo(first);
        assertThat(second.toRecordString()).isEqualTo(first.toRecordString());
    }
}
