package org.jamesdmarc.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jamesdmarc.mail.HeaderSection.Anomaly;
import org.jamesdmarc.mail.HeaderSection.Anomaly.Kind;
import org.jamesdmarc.mail.HeaderSection.RawField;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HeaderSectionTest {

    private static HeaderSection parse(String message) {
        return HeaderSection.parse(message.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Kind> kinds(HeaderSection h) {
        return h.anomalies().stream().map(Anomaly::kind).toList();
    }

    @Nested
    class FieldsAsJavaxMailCountsThem {

        @Test
        void fieldsInOrderWithNameAsWrittenAndUnfoldedValue() {
            HeaderSection h = parse("Received: from a\r\n\tby b; date\r\nFrom : Joe\r\n <j@good.com>\r\n"
                    + "Subject:  hi  \r\n\r\nBody: not a field\r\n");
            assertThat(h.fields()).containsExactly(
                    new HeaderField("Received", "from a\tby b; date"),
                    new HeaderField("From ", "Joe <j@good.com>"),
                    new HeaderField("Subject", "hi"));
            assertThat(h.anomalies()).isEmpty();
        }

        @Test
        void rawFieldsKeepTheFoldedBodyAndTheirLines() {
            HeaderSection h = parse("A: 1\r\nFrom:\r\n  Joe\r\n\t<j@good.com>\r\nB: 2\r\n\r\n");
            assertThat(h.rawFields()).extracting(RawField::name, RawField::body, RawField::line, RawField::lineCount)
                    .containsExactly(
                            tuple("A", " 1", 0, 1),
                            tuple("From", "\r\n  Joe\r\n\t<j@good.com>", 1, 3),
                            tuple("B", " 2", 4, 1));
            assertThat(h.rawFields().get(1).unfoldedValue()).isEqualTo("Joe\t<j@good.com>");
            assertThat(h.rawFields().get(1).hasStrictName("FROM")).isTrue();
        }

        @Test
        void linesWithoutAColonOrWithAnInvalidNameAreSkippedWithTheirContinuations() {
            HeaderSection h = parse("A: 1\r\ngarbage\r\n still garbage: x\r\nFr om: y\r\nB: 2\r\n");
            assertThat(h.fields()).extracting(HeaderField::name).containsExactly("A", "B");
            assertThat(h.rawFields()).extracting(RawField::line).containsExactly(0, 4);
        }

        @Test
        void namesAreTrimmedOfControlCharactersAsJavaxMailDoes() {
            // javax.mail trims up to U+0020: both count as Authentication-Results (and shift the indexes).
            HeaderSection h = parse("Authentication-Results\u0001: a; none\r\nauthentication-results :b; none\r\n");
            assertThat(h.fieldsNamed("Authentication-Results")).extracting(HeaderField::value)
                    .containsExactly("a; none", "b; none");
            assertThat(h.hasField("AUTHENTICATION-RESULTS")).isTrue();
            // Strictly only the second is a field.
            assertThat(h.rawFields()).extracting(RawField::strict).containsExactly(false, true);
            assertThat(kinds(h)).containsExactly(Kind.NOT_A_FIELD);
        }

        @Test
        void similarNamesDoNotMatch() {
            HeaderSection h = parse("X-DKIM-Signature: a\r\nDKIM-Signatures: b\r\n");
            assertThat(h.fieldsNamed("DKIM-Signature")).isEmpty();
            assertThat(h.hasField("DKIM-Signature")).isFalse();
        }

        @Test
        void lfOnlyLinesAndAFinalLineWithoutTerminator() {
            HeaderSection h = parse("A: 1\nB: 2\n c\nC: 3");
            assertThat(h.fields()).containsExactly(new HeaderField("A", "1"), new HeaderField("B", "2 c"),
                    new HeaderField("C", "3"));
        }

        @Test
        void stopsAtTheFirstEmptyLine() {
            assertThat(parse("A: 1\n\nB: 2\n").fields()).extracting(HeaderField::name).containsExactly("A");
            assertThat(parse("A: 1\n\r\nB: 2\n").fields()).extracting(HeaderField::name).containsExactly("A");
            assertThat(parse("A: 1\r\n\r\nB: 2\r\n").text()).isEqualTo("A: 1\r\n");
        }

        @Test
        void byteLengthCountsUtf8BytesOfTheSectionRead() {
            byte[] message = "Subject: é\r\n\r\nbody".getBytes(StandardCharsets.UTF_8);
            HeaderSection h = HeaderSection.parse(message);
            assertThat(h.byteLength()).isEqualTo("Subject: é\r\n".getBytes(StandardCharsets.UTF_8).length);
            assertThat(h.fields()).containsExactly(new HeaderField("Subject", "é"));
            assertThat(HeaderSection.parse("Subject: é\r\n\r\nbody").byteLength()).isEqualTo(h.byteLength());
        }

        @Test
        void noFieldCapBelowTheByteCap() {
            String header = "Authentication-Results: x; none\r\n".repeat(20_000);
            assertThat(parse(header + "\r\n").fieldsNamed("Authentication-Results")).hasSize(20_000);
        }
    }

    @Nested
    class Anomalies {

        @Test
        void mboxSeparatorFirstLine() {
            HeaderSection h = parse("From someone@x.com Tue Nov 25 12:00:00 2026\nFrom: a@good.com\n\n");
            assertThat(h.anomalies()).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(Kind.MBOX_SEPARATOR);
                assertThat(a.line()).isZero();
                assertThat(h.textOf(a)).startsWith("From someone@x.com");
            });
            assertThat(h.fields()).extracting(HeaderField::name).containsExactly("From");
        }

        @Test
        void aFirstLineReadingAsAFromFieldIsNoMboxSeparator() {
            HeaderSection h = parse("From : a@evil.com\nFrom: b@good.com\n\n");
            assertThat(h.anomalies()).isEmpty();
            assertThat(h.rawFields()).extracting(RawField::strict).containsExactly(true, true);
        }

        @Test
        void mboxSeparatorOnlyOnTheFirstLine() {
            assertThat(kinds(parse("A: 1\nFrom someone@x.com Tue\n"))).containsExactly(Kind.NOT_A_FIELD);
        }

        @Test
        void continuationAtStart() {
            HeaderSection h = parse(" From: b@evil.com\r\nFrom: a@good.com\r\n");
            assertThat(kinds(h)).containsExactly(Kind.CONTINUATION_AT_START);
            assertThat(h.fields()).extracting(HeaderField::value).containsExactly("a@good.com");
            // after the mbox separator too: it is no field
            assertThat(kinds(parse("From x@y.com Tue\n\tcont\nA: 1\n"))).containsExactly(Kind.MBOX_SEPARATOR,
                    Kind.CONTINUATION_AT_START);
        }

        @Test
        void continuationLineThatLooksLikeAField() {
            HeaderSection h = parse("To: x@y.com\r\n From : b@good.com\r\nSubject: hi\r\n from the team\r\n");
            assertThat(h.anomalies()).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(Kind.CONTINUATION_LOOKS_LIKE_FIELD);
                assertThat(a.line()).isEqualTo(1);
                assertThat(h.textOf(a)).isEqualTo("From");
            });
            // javax.mail reads it as part of To
            assertThat(h.fields().get(0).value()).isEqualTo("x@y.com From : b@good.com");
        }

        @Test
        void everyBareCr() {
            // Issue 8: every bare CR, not only one before a field-like text (VT, FF or U+00A0 may come first). A bare
            // CR also ends the line, as javax.mail (the message James keeps) reads it, so the fields listed are the
            // ones javax.mail sees: "To" with its two continuation lines.
            HeaderSection h = parse("Subject: x\rTo: y\r z\r\tfrom :w\r\n");
            assertThat(h.anomalies()).extracting(Anomaly::kind, Anomaly::line, h::textOf).containsExactly(
                    tuple(Kind.BARE_CR, 0, "To: y"),
                    tuple(Kind.BARE_CR, 1, " z"),
                    tuple(Kind.BARE_CR, 2, "\tfrom :w"),
                    tuple(Kind.CONTINUATION_LOOKS_LIKE_FIELD, 3, "from"));
            assertThat(h.fields()).extracting(HeaderField::name).containsExactly("Subject", "To");
            assertThat(h.fields().get(0).value()).isEqualTo("x");
        }

        @Test
        void bareCrAnomaliesComeFirstWithinALine() {
            HeaderSection h = parse("A: 1\r\ngarbage\rFrom: x\r\n");
            assertThat(kinds(h)).containsExactly(Kind.BARE_CR, Kind.NOT_A_FIELD);
            assertThat(h.textOf(h.anomalies().get(1))).isEqualTo("garbage");
            // javax.mail reads "From: x" as a field of its own after the bare CR: so do we.
            assertThat(h.fields()).extracting(HeaderField::name).containsExactly("A", "From");
        }

        @Test
        void notAFieldLines() {
            HeaderSection h = parse("To : a@good.com\r\nFr om: b@evil.com\r\n: x\r\nX\u0001: y\r\nok: z\r\n");
            assertThat(h.anomalies()).extracting(Anomaly::kind, Anomaly::line).containsExactly(
                    tuple(Kind.NOT_A_FIELD, 1), tuple(Kind.NOT_A_FIELD, 2), tuple(Kind.NOT_A_FIELD, 3));
            assertThat(h.fields()).extracting(HeaderField::name).containsExactly("To ", "X\u0001", "ok");
        }

        @Test
        void emptyFirstLine() {
            // RFC 5322 §2.1 reads an empty header section; the javax-view fields still list what follows.
            HeaderSection h = parse("\r\nFrom: a@good.com\r\n\r\nbody");
            assertThat(kinds(h)).containsExactly(Kind.EMPTY_FIRST_LINE);
            assertThat(h.fields()).extracting(HeaderField::name).containsExactly("From");
        }

        @Test
        void capReached() {
            String big = "X-Pad: " + "p".repeat(1000) + "\r\n";
            byte[] message = (big.repeat(1100) + "From: a@good.com\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII);
            HeaderSection h = HeaderSection.parse(message);
            assertThat(h.capReached()).isTrue();
            assertThat(h.byteLength()).isEqualTo(HeaderSection.MAX_HEADER_BYTES);
            assertThat(h.anomalies()).last().extracting(Anomaly::kind).isEqualTo(Kind.CAP_REACHED);
            assertThat(h.hasField("From")).isFalse();
        }

        @Test
        void aSectionEndingJustUnderTheCapIsComplete() {
            String big = "X-Pad: " + "p".repeat(1000) + "\r\n";
            HeaderSection h = parse(big.repeat(1000) + "\r\nbody");
            assertThat(h.capReached()).isFalse();
            assertThat(h.anomalies()).isEmpty();
            assertThat(h.fields()).hasSize(1000);
        }
    }
}
