package org.jamesdmarc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.RecordWarning.Code;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordParserTest {

    static RecordParseResult.Parsed valid(String txt) {
        RecordParseResult result = RecordParser.parse(txt);
        assertThat(result).as("parse of %s", txt).isInstanceOf(RecordParseResult.Parsed.class);
        return (RecordParseResult.Parsed) result;
    }

    static DmarcRecord record(String txt) {
        return valid(txt).record();
    }

    static List<Code> codes(String txt) {
        return valid(txt).warnings().stream().map(RecordWarning::code).toList();
    }

    static RecordSyntaxError.Kind errorKind(String txt) {
        RecordParseResult result = RecordParser.parse(txt);
        assertThat(result).as("parse of %s", txt).isInstanceOf(RecordParseResult.Invalid.class);
        return ((RecordParseResult.Invalid) result).error().kind();
    }

    @Nested
    class Version {
        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\t", "  \r\n "})
        void blankIsEmpty(String txt) {
            assertThat(errorKind(txt)).isEqualTo(RecordSyntaxError.Kind.EMPTY);
        }

        @Test
        void nullIsEmpty() {
            assertThat(errorKind(null)).isEqualTo(RecordSyntaxError.Kind.EMPTY);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "v=dmarc1; p=none",          // value is case-sensitive
                "v=DMARC2; p=none",
                "v=DMARC10; p=none",
                "v=DMARC1x",
                "p=none; v=DMARC1",          // v must be first
                "v=spf1 -all",
                "DMARC1; p=none",
                "x v=DMARC1; p=none",
                "vv=DMARC1; p=none",
                "v:DMARC1; p=none",
                "v=; p=none",
                "v=DMARC1\u0000; p=none",   // only whitespace or ';' may follow the version
                "\u0000v=DMARC1; p=none",
                // RFC 9989 §4.8: dmarc-record starts with dmarc-version; leading whitespace makes it no DMARC record
                " v=DMARC1; p=none", "  v=DMARC1; p=none", "\tv=DMARC1; p=reject",
                "v"})
        void notStartingWithVersionTagIsNotDmarc1(String txt) {
            assertThat(errorKind(txt)).isEqualTo(RecordSyntaxError.Kind.NOT_DMARC1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"v=DMARC1", "v=DMARC1;", "V=DMARC1; p=none", "v = DMARC1 ; p=none",
                "v=\tDMARC1\t;p=none", "v=DMARC1;p=none;", "v=DMARC1; p=none ; "})
        void versionWithAllowedWhitespaceAndCase(String txt) {
            assertThat(RecordParser.parse(txt).isParsed()).isTrue();
            assertThat(RecordParser.startsWithDmarc1(txt)).isTrue();
        }

        @Test
        void textAfterVersionWithoutSeparatorIsMalformed() {
            assertThat(errorKind("v=DMARC1 p=reject")).isEqualTo(RecordSyntaxError.Kind.MALFORMED);
            assertThat(RecordParser.startsWithDmarc1("v=DMARC1 p=reject")).isTrue();
        }

        @Test
        void tooLongRecordIsMalformedNotParsed() {
            String txt = "v=DMARC1; p=reject; " + "x=y; ".repeat(RecordParser.MAX_RECORD_LENGTH / 5 + 1);
            assertThat(txt.length()).isGreaterThan(RecordParser.MAX_RECORD_LENGTH);
            assertThat(errorKind(txt)).isEqualTo(RecordSyntaxError.Kind.MALFORMED);
        }

        @Test
        void recordAtLengthLimitIsParsed() {
            String head = "v=DMARC1; p=reject; ";
            String txt = head + "x".repeat(RecordParser.MAX_RECORD_LENGTH - head.length() - 2) + "=y";
            assertThat(txt).hasSize(RecordParser.MAX_RECORD_LENGTH);
            assertThat(record(txt).policy()).isEqualTo(Policy.REJECT);
        }

        @Test
        void versionOnlyRecordIsValidAndMissesPolicy() {
            RecordParseResult.Parsed v = valid("v=DMARC1;");
            assertThat(v.record().p()).isEmpty();
            assertThat(v.record().policy()).isEqualTo(Policy.NONE);
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.MISSING_POLICY);
        }
    }

    @Nested
    class TagSyntax {
        @Test
        void tagNamesAreCaseInsensitiveAndStoredLowerCase() {
            DmarcRecord r = record("v=DMARC1; P=reject; SP=quarantine; ADKIM=s; Aspf=S");
            assertThat(r.policy()).isEqualTo(Policy.REJECT);
            assertThat(r.subdomainPolicy()).isEqualTo(Policy.QUARANTINE);
            assertThat(r.adkim()).isEqualTo(AlignmentMode.STRICT);
            assertThat(r.aspf()).isEqualTo(AlignmentMode.STRICT);
            assertThat(r.tags()).containsOnlyKeys("v", "p", "sp", "adkim", "aspf");
        }

        @Test
        void keywordValuesAreCaseInsensitive() {
            DmarcRecord r = record("v=DMARC1; p=REJECT; np=Quarantine; t=Y; psd=N; fo=D:S");
            assertThat(r.policy()).isEqualTo(Policy.REJECT);
            assertThat(r.nonExistentSubdomainPolicy()).isEqualTo(Policy.QUARANTINE);
            assertThat(r.testing()).isTrue();
            assertThat(r.psd()).isEqualTo(PsdFlag.NO);
            assertThat(r.fo()).containsExactly("d", "s");
        }

        @Test
        void whitespaceAroundEqualsAndSeparators() {
            RecordParseResult.Parsed v = valid("v=DMARC1 ;\tp = quarantine\t; adkim =s ;");
            assertThat(v.record().policy()).isEqualTo(Policy.QUARANTINE);
            assertThat(v.record().adkim()).isEqualTo(AlignmentMode.STRICT);
            assertThat(v.warnings()).isEmpty();
        }

        @Test
        void tagsMapKeepsValuesAsWrittenInOrder() {
            DmarcRecord r = record("v=DMARC1; p=Reject; rua=mailto:a@example.com; pct=50");
            assertThat(r.tags()).containsExactly(Map.entry("v", "DMARC1"), Map.entry("p", "Reject"),
                    Map.entry("rua", "mailto:a@example.com"), Map.entry("pct", "50"));
        }

        @Test
        void trailingSeparatorIsFine() {
            assertThat(codes("v=DMARC1; p=none;")).isEmpty();
        }

        @Test
        void emptySegmentsAreSkippedWithWarning() {
            RecordParseResult.Parsed v = valid("v=DMARC1;; p=reject; ;aspf=s");
            assertThat(v.record().policy()).isEqualTo(Policy.REJECT);
            assertThat(v.record().aspf()).isEqualTo(AlignmentMode.STRICT);
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.MALFORMED_TAG, Code.MALFORMED_TAG);
        }

        @Test
        void segmentWithoutEqualsIsIgnoredWithWarning() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=reject; garbage here; adkim=s");
            assertThat(v.record().policy()).isEqualTo(Policy.REJECT);
            assertThat(v.record().adkim()).isEqualTo(AlignmentMode.STRICT);
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.MALFORMED_TAG);
        }

        @ParameterizedTest
        @ValueSource(strings = {"p r=none", "1p=none", "=none", "p-x=none", "é=none"})
        void tagNameThatIsNotAlphaIsIgnored(String segment) {
            RecordParseResult.Parsed v = valid("v=DMARC1; " + segment + "; sp=reject");
            assertThat(v.record().p()).isEmpty();
            assertThat(v.record().sp()).contains(Policy.REJECT);
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.MALFORMED_TAG, Code.MISSING_POLICY);
        }

        @Test
        void unknownTagIsIgnoredWithWarning() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; foo=bar; ");
            assertThat(v.record().tags()).doesNotContainKey("foo");
            assertThat(v.warnings()).singleElement().satisfies(w -> {
                assertThat(w.code()).isEqualTo(Code.UNKNOWN_TAG);
                assertThat(w.tag()).isEqualTo("foo");
            });
        }

        @Test
        void duplicateTagFirstWins() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=reject; p=none");
            assertThat(v.record().policy()).isEqualTo(Policy.REJECT);
            assertThat(v.record().tags()).containsEntry("p", "reject");
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.DUPLICATE_TAG);
        }

        @Test
        void duplicateTagFirstWinsEvenWhenInvalid() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=bogus; p=reject");
            assertThat(v.record().p()).isEmpty();
            assertThat(v.warnings()).extracting(RecordWarning::code)
                    .containsExactly(Code.INVALID_VALUE, Code.DUPLICATE_TAG, Code.MISSING_POLICY);
        }

        @Test
        void repeatedVersionTagIsDuplicate() {
            assertThat(codes("v=DMARC1; p=none; v=DMARC1")).containsExactly(Code.DUPLICATE_TAG);
        }

        @Test
        void foldedRecordWithLineBreakIsRead() {
            // RFC 9989 Appendix B.3.1 shows the record folded over two lines
            RecordParseResult.Parsed v = valid("v=DMARC1; p=reject; aspf=r;\r\n rua=mailto:dmarc-feedback@example.com");
            assertThat(v.record().rua()).containsExactly(ReportUri.of("mailto:dmarc-feedback@example.com"));
            assertThat(v.warnings()).isEmpty();
        }
    }

    @Nested
    class Values {
        @ParameterizedTest
        @ValueSource(strings = {"p=", "p=nonee", "p=no ne", "p=reject\u0000", "p=rejéct", "p=rej\"ect"})
        void invalidPolicyIsDiscardedAndMissing(String tag) {
            RecordParseResult.Parsed v = valid("v=DMARC1; " + tag);
            assertThat(v.record().p()).isEmpty();
            assertThat(v.record().policy()).isEqualTo(Policy.NONE);
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.INVALID_VALUE, Code.MISSING_POLICY);
        }

        @Test
        void missingPolicyIsTreatedAsNone() {
            RecordParseResult.Parsed v = valid("v=DMARC1; sp=reject");
            assertThat(v.record().policy()).isEqualTo(Policy.NONE);
            assertThat(v.record().subdomainPolicy()).isEqualTo(Policy.REJECT);
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.MISSING_POLICY);
        }

        @Test
        void allPolicyTags() {
            DmarcRecord r = record("v=DMARC1; p=quarantine; sp=reject; np=none");
            assertThat(r.p()).contains(Policy.QUARANTINE);
            assertThat(r.sp()).contains(Policy.REJECT);
            assertThat(r.np()).contains(Policy.NONE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"sp=x", "np=rejects", "psd=yes", "t=true", "adkim=relaxed", "aspf=q"})
        void invalidValueOfOtherTagsIsDiscardedToDefault(String tag) {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=reject; " + tag);
            DmarcRecord r = v.record();
            assertThat(r.sp()).isEmpty();
            assertThat(r.np()).isEmpty();
            assertThat(r.psd()).isEqualTo(PsdFlag.UNSPECIFIED);
            assertThat(r.testing()).isFalse();
            assertThat(r.adkim()).isEqualTo(AlignmentMode.RELAXED);
            assertThat(r.aspf()).isEqualTo(AlignmentMode.RELAXED);
            String name = tag.substring(0, tag.indexOf('='));
            assertThat(v.warnings()).singleElement().satisfies(w -> {
                assertThat(w.code()).isEqualTo(Code.INVALID_VALUE);
                assertThat(w.tag()).isEqualTo(name);
            });
        }

        @Test
        void psdAndTestingValues() {
            assertThat(record("v=DMARC1; p=none; psd=y").psd()).isEqualTo(PsdFlag.YES);
            assertThat(record("v=DMARC1; p=none; psd=u").psd()).isEqualTo(PsdFlag.UNSPECIFIED);
            assertThat(record("v=DMARC1; p=none").psd()).isEqualTo(PsdFlag.UNSPECIFIED);
            assertThat(record("v=DMARC1; p=none; t=y").testing()).isTrue();
            assertThat(record("v=DMARC1; p=none; t=n").testing()).isFalse();
        }
    }

    @Nested
    class FailureOptions {
        @ParameterizedTest
        @ValueSource(strings = {"0", "1", "d", "s", "0:d", "d:0", "1:d:s", "d:1:s", "d:s:0", "s:d", "0 : s"})
        void validCombinations(String fo) {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; ruf=mailto:f@example.com; fo=" + fo);
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record().fo()).containsExactly(fo.replace(" ", "").split(":"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"0:1", "1:0", "d:d", "0:0", "x", "0:", ":d", "0::d", "2", "0,d", "ds"})
        void invalidCombinationsFallBackToDefault(String fo) {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; ruf=mailto:f@example.com; fo=" + fo);
            assertThat(v.record().fo()).containsExactly("0");
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.INVALID_VALUE);
        }

        @Test
        void defaultIsZero() {
            assertThat(record("v=DMARC1; p=none").fo()).containsExactly("0");
        }

        @Test
        void foWithoutRufIsWarned() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; fo=1");
            assertThat(v.record().fo()).containsExactly("1");
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.FO_WITHOUT_RUF);
        }

        @Test
        void foWithOnlyInvalidRufIsWarned() {
            assertThat(codes("v=DMARC1; p=none; ruf=nope; fo=1"))
                    .containsExactly(Code.INVALID_URI, Code.FO_WITHOUT_RUF);
        }
    }

    @Nested
    class ReportUris {
        @Test
        void commaSeparatedListWithWhitespace() {
            DmarcRecord r = record("v=DMARC1; p=none; rua=mailto:a@example.com , \tmailto:b@example.net");
            assertThat(r.rua()).containsExactly(ReportUri.of("mailto:a@example.com"), ReportUri.of("mailto:b@example.net"));
        }

        @Test
        void legacySizeLimitIsKeptWithWarning() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; ruf=mailto:f@example.com!10m");
            assertThat(v.record().ruf()).containsExactly(new ReportUri("mailto:f@example.com", Optional.of("10m")));
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.LEGACY_SIZE_LIMIT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"!50", "!1k", "!2G", "!3t"})
        void legacySizeForms(String suffix) {
            DmarcRecord r = record("v=DMARC1; p=none; rua=mailto:a@example.com" + suffix);
            assertThat(r.rua()).singleElement().satisfies(u -> {
                assertThat(u.uri()).isEqualTo("mailto:a@example.com");
                assertThat(u.legacySizeLimit()).contains(suffix.substring(1));
            });
        }

        @Test
        void nonMailtoUriIsKeptWithWarning() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; rua=https://reports.example.com/dmarc");
            assertThat(v.record().rua()).containsExactly(ReportUri.of("https://reports.example.com/dmarc"));
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.NON_MAILTO_URI);
        }

        @ParameterizedTest
        @ValueSource(strings = {"dmarc@example.com", "mailto:", "mailto:nobody", "mailto:@example.com",
                "mailto:a@", "1http://x", ":foo", "mailto:a b@example.com", "mailto:a@example.com!x",
                "mailto:a!b@example.com!10m", "mailto:a%zz@example.com", "ht_tp://x"})
        void notAUriIsDroppedWithWarning(String bad) {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; rua=" + bad + ",mailto:ok@example.com");
            assertThat(v.record().rua()).containsExactly(ReportUri.of("mailto:ok@example.com"));
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.INVALID_URI);
        }

        @Test
        void emptyListEntryIsDropped() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; rua=mailto:a@example.com,");
            assertThat(v.record().rua()).hasSize(1);
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.INVALID_URI);
        }

        @Test
        void percentEncodedCharactersAndQueryAreAccepted() {
            DmarcRecord r = record("v=DMARC1; p=none; rua=mailto:a%21b@example.com?subject=dmarc%2Creport");
            assertThat(r.rua()).singleElement().satisfies(u -> assertThat(u.mailtoDomain()).contains(DomainName.of("example.com")));
        }
    }

    @Nested
    class RetiredTags {
        @Test
        void legacyTagsAreKeptWithWarnings() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=reject; pct=25; rf=afrf:iodef; ri=3600");
            assertThat(v.record().pct()).isEqualTo(OptionalInt.of(25));
            assertThat(v.record().rf()).containsExactly("afrf", "iodef");
            assertThat(v.record().ri()).isEqualTo(OptionalLong.of(3600));
            assertThat(v.warnings()).extracting(RecordWarning::code)
                    .containsExactly(Code.RETIRED_TAG, Code.RETIRED_TAG, Code.RETIRED_TAG);
            assertThat(v.warnings()).extracting(RecordWarning::tag).containsExactly("pct", "rf", "ri");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "100", "007"})
        void pctInRange(String pct) {
            assertThat(record("v=DMARC1; p=none; pct=" + pct).pct()).isEqualTo(OptionalInt.of(Integer.parseInt(pct)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"101", "-1", "1000", "50%", "", "5 0", "99999999999999999999"})
        void pctOutOfRangeIsInvalid(String pct) {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; pct=" + pct);
            assertThat(v.record().pct()).isEmpty();
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.RETIRED_TAG, Code.INVALID_VALUE);
        }

        @Test
        void riIsUint32() {
            assertThat(record("v=DMARC1; p=none; ri=4294967295").ri()).isEqualTo(OptionalLong.of(4294967295L));
            assertThat(record("v=DMARC1; p=none; ri=0000000000086400").ri()).isEqualTo(OptionalLong.of(86400));
            assertThat(record("v=DMARC1; p=none; ri=4294967296").ri()).isEmpty();
            assertThat(record("v=DMARC1; p=none; ri=99999999999999999999999").ri()).isEmpty();
            assertThat(record("v=DMARC1; p=none; ri=1h").ri()).isEmpty();
        }

        @Test
        void rfIsColonListOfKeywords() {
            assertThat(record("v=DMARC1; p=none; rf=AFRF").rf()).containsExactly("afrf");
            assertThat(record("v=DMARC1; p=none; rf=afrf:").rf()).isEmpty();
            assertThat(record("v=DMARC1; p=none; rf=-afrf").rf()).isEmpty();
            assertThat(codes("v=DMARC1; p=none; rf=a,b")).containsExactly(Code.RETIRED_TAG, Code.INVALID_VALUE);
        }
    }

    @Nested
    class Rfc9989Examples {
        // RFC 9989 Appendix B, TXT strings concatenated as §4.5 requires

        @Test
        void b21MonitoringWithAggregateReports() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; " + "rua=mailto:dmarc-feedback@example.com");
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record().policy()).isEqualTo(Policy.NONE);
            assertThat(v.record().rua()).containsExactly(ReportUri.of("mailto:dmarc-feedback@example.com"));
            assertThat(v.record().testing()).isFalse();
        }

        @Test
        void b22MonitoringWithFailureReports() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; " + "rua=mailto:dmarc-feedback@example.com; "
                    + "ruf=mailto:auth-reports@example.com");
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record().ruf()).containsExactly(ReportUri.of("mailto:auth-reports@example.com"));
            assertThat(v.record().fo()).containsExactly("0");
        }

        @Test
        void b23ThirdPartyFailureReports() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=none; " + "rua=mailto:dmarc-feedback@example.com; "
                    + "ruf=mailto:auth-reports@thirdparty.example.net");
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record().ruf()).singleElement()
                    .satisfies(u -> assertThat(u.mailtoDomain()).contains(DomainName.of("thirdparty.example.net")));
        }

        @Test
        void b23ReportAuthorizationRecord() {
            RecordParseResult.Parsed v = valid("v=DMARC1;");
            assertThat(v.record().tags()).containsOnlyKeys("v");
            assertThat(v.warnings()).extracting(RecordWarning::code).containsExactly(Code.MISSING_POLICY);
        }

        @Test
        void b24OverridingDestinations() {
            RecordParseResult.Parsed v = valid("v=DMARC1; " + "rua=mailto:aggregate-reports@thirdparty.example.net; "
                    + "ruf=mailto:failure-reports@thirdparty.example.net");
            assertThat(v.record().rua()).containsExactly(ReportUri.of("mailto:aggregate-reports@thirdparty.example.net"));
            assertThat(v.record().ruf()).containsExactly(ReportUri.of("mailto:failure-reports@thirdparty.example.net"));
        }

        @Test
        void b25TestingWithTwoAggregateUris() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=quarantine; " + "rua=mailto:dmarc-feedback@example.com,"
                    + "mailto:tld-test@thirdparty.example.net; " + "t=y");
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record().policy()).isEqualTo(Policy.QUARANTINE);
            assertThat(v.record().testing()).isTrue();
            assertThat(v.record().rua()).extracting(ReportUri::uri)
                    .containsExactly("mailto:dmarc-feedback@example.com", "mailto:tld-test@thirdparty.example.net");
        }

        @Test
        void b25Enforcing() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=reject; " + "rua=mailto:dmarc-feedback@example.com,"
                    + "mailto:tld-test@thirdparty.example.net");
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record().policy()).isEqualTo(Policy.REJECT);
            assertThat(v.record().testing()).isFalse();
        }

        @Test
        void b31SmtpSessionExample() {
            RecordParseResult.Parsed v = valid("v=DMARC1; p=reject; aspf=r; rua=mailto:dmarc-feedback@example.com");
            assertThat(v.warnings()).isEmpty();
            assertThat(v.record().aspf()).isEqualTo(AlignmentMode.RELAXED);
            assertThat(v.record().tags()).containsEntry("aspf", "r");
        }
    }

    @Nested
    class Selection {
        @Test
        void exactlyOneDmarcRecordAmongOthersIsSelected() {
            RecordSelection s = RecordParser.select(List.of("v=spf1 -all", "v=DMARC1; p=reject", "hello"));
            assertThat(s).isInstanceOfSatisfying(RecordSelection.Selected.class, sel -> {
                assertThat(sel.text()).isEqualTo("v=DMARC1; p=reject");
                assertThat(((RecordParseResult.Parsed) sel.result()).record().policy()).isEqualTo(Policy.REJECT);
            });
        }

        @Test
        void noneGivesNoRecord() {
            assertThat(RecordParser.select(List.of("v=spf1 -all", "v=dmarc1; p=reject", "p=none; v=DMARC1")))
                    .isEqualTo(new RecordSelection.NoRecord(RecordSelection.Reason.NO_DMARC_RECORD, 0));
            assertThat(RecordParser.select(List.of()))
                    .isEqualTo(new RecordSelection.NoRecord(RecordSelection.Reason.NO_DMARC_RECORD, 0));
            assertThat(RecordParser.select(null))
                    .isEqualTo(new RecordSelection.NoRecord(RecordSelection.Reason.NO_DMARC_RECORD, 0));
        }

        @Test
        void multipleDmarcRecordsGiveNoRecord() {
            RecordSelection s = RecordParser.select(List.of("v=DMARC1; p=reject", "v=spf1", "V = DMARC1; p=none"));
            assertThat(s).isEqualTo(new RecordSelection.NoRecord(RecordSelection.Reason.MULTIPLE_DMARC_RECORDS, 2));
            assertThat(((RecordSelection.NoRecord) s).message()).contains("multiple DMARC records");
        }

        @Test
        void identicalDuplicatesAreStillMultiple() {
            assertThat(RecordParser.select(List.of("v=DMARC1; p=reject", "v=DMARC1; p=reject")))
                    .isInstanceOf(RecordSelection.NoRecord.class);
        }

        @Test
        void selectedButMalformedRecordKeepsItsError() {
            RecordSelection s = RecordParser.select(List.of("v=DMARC1 p=reject"));
            assertThat(s).isInstanceOfSatisfying(RecordSelection.Selected.class,
                    sel -> assertThat(sel.result()).isInstanceOf(RecordParseResult.Invalid.class));
        }

        @Test
        void nullEntriesAreNotRecords() {
            List<String> withNull = new java.util.ArrayList<>();
            withNull.add(null);
            withNull.add("v=DMARC1; p=none");
            assertThat(RecordParser.select(withNull)).isInstanceOf(RecordSelection.Selected.class);
        }
    }
}
