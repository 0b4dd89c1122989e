package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** Property tests: the parser is total on arbitrary and mutated input, and its results are consistent. */
class RecordParserFuzzTest {

    private static final List<String> VALID_RECORDS = List.of(
            "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com",
            "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=n; t=y; adkim=s; aspf=s; "
                    + "rua=mailto:a@example.com,mailto:b@example.net!10m; ruf=mailto:f@example.com; fo=0:d:s",
            "v=DMARC1; p=quarantine; pct=50; rf=afrf; ri=86400",
            "v=DMARC1;");

    /** Every input yields exactly one of the two outcomes, never an exception. */
    private static void assertTotal(String txt) {
        RecordParseResult result = RecordParser.parse(txt);
        assertThat(result).isNotNull();
        assertThat(result).isInstanceOfAny(RecordParseResult.Parsed.class, RecordParseResult.Invalid.class);
        if (result instanceof RecordParseResult.Parsed v) {
            assertThat(RecordParser.startsWithDmarc1(txt)).isTrue();
                assertThat(v.record().policy()).isNotNull();
                // the canonical form of anything we accept is itself accepted, with the same values
                RecordParseResult again = RecordParser.parse(v.record().toRecordString());
                assertThat(again).isInstanceOfSatisfying(RecordParseResult.Parsed.class, w -> assertThat(w.record())
                        .usingRecursiveComparison().ignoringFields("tags").isEqualTo(v.record()));
        } else if (result instanceof RecordParseResult.Invalid i) {
            assertThat(i.error().message()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void arbitraryStrings(@ForAll @StringLength(max = 300) String txt) {
        assertTotal(txt);
    }

    @Property(tries = 2000)
    void arbitraryStringsAfterVersion(@ForAll @StringLength(max = 300) String rest) {
        assertTotal("v=DMARC1;" + rest);
    }

    @Property(tries = 2000)
    void recordAlphabetStrings(@ForAll @StringLength(max = 200)
            @Chars({'v', '=', 'D', 'M', 'A', 'R', 'C', '1', ';', ' ', '\t', ',', ':', '!', '@', 'p', 'r', 'u', 'a',
                    'f', 'o', 'd', 's', '0', 'n', 'e', 'j', 'c', 't', 'm', 'i', 'l', 'k', 'y', '%', '.', '\r', '\n'})
            String tail) {
        assertTotal("v=DMARC1; " + tail);
        assertTotal(tail);
    }

    @Property(tries = 3000)
    void mutationsOfValidRecords(@ForAll("mutatedRecords") String txt) {
        assertTotal(txt);
    }

    @Property(tries = 200)
    void selectionIsTotal(@ForAll("txtSets") List<String> txts) {
        RecordSelection s = RecordParser.select(txts);
        long dmarc = txts.stream().filter(RecordParser::startsWithDmarc1).count();
        if (s instanceof RecordSelection.Selected) {
            assertThat(dmarc).isEqualTo(1);
        } else {
            assertThat(s).isInstanceOf(RecordSelection.NoRecord.class);
            assertThat(dmarc).isNotEqualTo(1);
        }
    }

    @Property(tries = 20)
    void hugeInputIsBounded(@ForAll @CharRange(from = ' ', to = '~') char c) {
        String txt = "v=DMARC1; p=none; rua=" + String.valueOf(c).repeat(1 << 20);
        assertThat(RecordParser.parse(txt)).isInstanceOf(RecordParseResult.Invalid.class);
    }

    @Provide
    Arbitrary<List<String>> txtSets() {
        return Arbitraries.oneOf(mutatedRecords(), Arbitraries.strings().ofMaxLength(40)).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> mutatedRecords() {
        Arbitrary<String> base = Arbitraries.of(VALID_RECORDS);
        Arbitrary<String> insert = Arbitraries.of(";", "=", ",", ":", "!", " ", "\t", "\u0000", "é", "%", "v=DMARC1",
                "p=", "rua=", "fo=0:1", "!10m", "mailto:", "@", ";;", "\r\n", "\uD83D\uDE00");
        return Combinators.combine(base, Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 6),
                insert, Arbitraries.integers().between(0, 3)).as((record, pos, len, ins, op) -> {
                    int at = Math.min(pos, record.length());
                    int end = Math.min(at + len, record.length());
                    return switch (op) {
                        case 0 -> record.substring(0, at) + ins + record.substring(at);              // insert
                        case 1 -> record.substring(0, at) + record.substring(end);                   // delete
                        case 2 -> record.substring(0, at) + ins + record.substring(end);             // replace
                        default -> record.substring(0, at) + record.substring(at, end).toUpperCase()  // case flip
                                + record.substring(end);
                    };
                });
    }
}
