package org.jamesdmarc.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.AuthorDomainResult.Empty;
import org.jamesdmarc.mail.AuthorDomainResult.EmptyKind;
import org.jamesdmarc.mail.AuthorDomainResult.Malformed;
import org.jamesdmarc.mail.AuthorDomainResult.Missing;
import org.jamesdmarc.mail.AuthorDomainResult.MultipleAddressesSameDomain;
import org.jamesdmarc.mail.AuthorDomainResult.MultipleDomains;
import org.jamesdmarc.mail.AuthorDomainResult.Single;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FromHeaderParserTest {

    private static DomainName d(String name) {
        return DomainName.of(name);
    }

    private static List<DomainName> domains(String... names) {
        return Arrays.stream(names).map(DomainName::of).toList();
    }

    private static AuthorDomainResult parse(String... fields) {
        return FromHeaderParser.authorDomain(Arrays.asList(fields));
    }

    private static void assertSingle(String field, String domain, String address) {
        assertThat(parse(field)).isEqualTo(new Single(d(domain), address));
    }

    private static void assertMalformed(String field) {
        assertThat(parse(field)).isInstanceOf(Malformed.class);
    }

    @Nested
    class SingleMailbox {

        @Test
        void bareAddrSpec() {
            assertSingle("user@example.com", "example.com", "user@example.com");
        }

        @Test
        void leadingAndTrailingWhitespaceAndComments() {
            assertSingle("  (hi) user@example.com (there)  ", "example.com", "user@example.com");
        }

        @Test
        void angleAddrWithoutDisplayName() {
            assertSingle("<user@example.com>", "example.com", "user@example.com");
        }

        @Test
        void whitespaceInsideAngleBracketsAroundAddrSpec() {
            assertSingle("< user@example.com >", "example.com", "user@example.com");
        }

        @Test
        void atomDisplayName() {
            assertSingle("John Q. Public <jqp@example.com>", "example.com", "jqp@example.com");
        }

        @Test
        void displayNameAdjacentToAngleBracket() {
            assertSingle("John<j@example.com>", "example.com", "j@example.com");
        }

        @Test
        void quotedDisplayNameWithEscapedQuotes() {
            assertSingle("\"Joe \\\"the boss\\\" Q\" <joe@example.com>", "example.com", "joe@example.com");
        }

        @Test
        void quotedDisplayNameContainingAnAddressDoesNotCount() {
            assertSingle("\"attacker@evil.com\" <user@good.com>", "good.com", "user@good.com");
        }

        @Test
        void quotedDisplayNameContainingAngleBrackets() {
            assertSingle("\"<admin@evil.com>\" <user@good.com>", "good.com", "user@good.com");
        }

        @Test
        void displayNameThatLooksLikeADomain() {
            assertSingle("good.com <a@evil.com>", "evil.com", "a@evil.com");
        }

        @Test
        void commentContainingAnAddress() {
            assertSingle("user@good.com (foo@evil.com)", "good.com", "user@good.com");
        }

        @Test
        void nestedCommentsWithSpecials() {
            assertSingle("(a (b@evil.com <x@evil.com>) \\) c) Name (d@evil.com) <u@good.com> ((e@evil.com))",
                    "good.com", "u@good.com");
        }

        @Test
        void commentBetweenDisplayNameAndAngleAddr() {
            assertSingle("Name(evil.com)<u@good.com>", "good.com", "u@good.com");
        }

        @Test
        void uppercaseDomainIsLowerCased() {
            assertSingle("User@EXAMPLE.Com", "example.com", "User@example.com");
        }

        @Test
        void trailingDotIsRemoved() {
            assertSingle("<user@example.com.>", "example.com", "user@example.com");
            assertSingle("user@example.com.", "example.com", "user@example.com");
        }

        @Test
        void idnULabelBecomesALabel() {
            assertSingle("Jörg <joerg@bücher.example>", "xn--bcher-kva.example", "joerg@xn--bcher-kva.example");
        }

        @Test
        void upperCaseULabel() {
            assertSingle("j@B\u00dcCHER.example", "xn--bcher-kva.example", "j@xn--bcher-kva.example");
        }

        @Test
        void aLabelInputIsKept() {
            assertSingle("joerg@XN--BCHER-KVA.example", "xn--bcher-kva.example", "joerg@xn--bcher-kva.example");
        }

        @Test
        void utf8LocalPartAndDomain() {
            assertSingle("用户@例子.广告", "xn--fsqu00a.xn--4rr70v", "用户@xn--fsqu00a.xn--4rr70v");
        }

        @Test
        void quotedLocalPartWithSpace() {
            assertSingle("\"john smith\"@example.com", "example.com", "\"john smith\"@example.com");
        }

        @Test
        void legacyConsecutiveDotsInLocalPart() {
            assertSingle("foo..bar.@docomo.ne.jp", "docomo.ne.jp", "foo..bar.@docomo.ne.jp");
        }

        @Test
        void foldedCrlfAndLf() {
            assertSingle("\"John Doe\"\r\n <john@example.com>", "example.com", "john@example.com");
            assertSingle("John\n\t<john@example.com>\n (c)", "example.com", "john@example.com");
        }

        @Test
        void trailingLineTerminatorIsIgnored() {
            assertSingle(" user@example.com\r\n", "example.com", "user@example.com");
        }

        @Test
        void obsoleteRouteToTheSameDomainIsIgnored() {
            assertSingle("<@example.com:user@example.com>", "example.com", "user@example.com");
            assertSingle("Name <@EXAMPLE.com,@example.com:user@example.com>", "example.com", "user@example.com");
        }

        @Test
        void encodedWordDisplayNameDecodingToAnAddressIsMalformed() {
            // base64 of "admin@evil.com>": a client that decodes before it parses reads an address there (issue 8:
            // this was read as good.com, the encoded-word left undecoded; now refused, never good.com nor evil.com).
            assertMalformed("=?utf-8?b?YWRtaW5AZXZpbC5jb20+?= <user@good.com>");
            assertMalformed("=?utf-8?q?admin=40evil.com?= <user@good.com>");
        }

        @Test
        void trailingCommaIsTolerated() {
            // RFC 5322 §4.4 obs-mbox-list allows empty list elements; one mailbox remains, no ambiguity.
            assertSingle("<a@good.com>,", "good.com", "a@good.com");
            assertSingle(", a@good.com , ,", "good.com", "a@good.com");
        }

        @Test
        void emptyGroupNextToAMailbox() {
            assertSingle("undisclosed:;, a@good.com", "good.com", "a@good.com");
        }

        @Test
        void groupWithOneMember() {
            assertSingle("team: a@good.com;", "good.com", "a@good.com");
        }

        @Test
        void uniqueDomainAccessor() {
            assertThat(parse("a@good.com").uniqueDomain()).contains(d("good.com"));
            assertThat(parse("a@good.com, b@evil.com").uniqueDomain()).isEmpty();
        }
    }

    @Nested
    class SeveralMailboxes {

        @Test
        void twoAngleAddrsInDifferentDomains() {
            assertThat(parse("<a@evil.com>, <b@good.com>"))
                    .isEqualTo(new MultipleDomains(domains("evil.com", "good.com"),
                            List.of("a@evil.com", "b@good.com"), 1));
        }

        @Test
        void sameDomainDifferentCaseAndTrailingDot() {
            assertThat(parse("a@Good.com, B <b@good.com.>"))
                    .isEqualTo(new MultipleAddressesSameDomain(d("good.com"), List.of("a@good.com", "b@good.com"), 1));
        }

        @Test
        void subdomainIsADifferentDomain() {
            assertThat(parse("a@good.com, b@mail.good.com")).isInstanceOf(MultipleDomains.class);
        }

        @Test
        void groupMembersInTwoDomains() {
            assertThat(parse("grp: a@x.com, b@y.com;"))
                    .isEqualTo(new MultipleDomains(domains("x.com", "y.com"), List.of("a@x.com", "b@y.com"), 1));
        }

        @Test
        void groupThenMailbox() {
            assertThat(parse("grp: a@x.com;, c@z.com"))
                    .isEqualTo(new MultipleDomains(domains("x.com", "z.com"), List.of("a@x.com", "c@z.com"), 1));
        }

        @Test
        void domainsKeepOrderOfFirstAppearanceAndDeduplicate() {
            AuthorDomainResult r = parse("a@b.com, c@d.com, e@B.com");
            assertThat(r).isInstanceOf(MultipleDomains.class);
            assertThat(((MultipleDomains) r).domains()).containsExactly(d("b.com"), d("d.com"));
            assertThat(((MultipleDomains) r).addresses()).hasSize(3);
        }
    }

    @Nested
    class MultipleFromFields {

        @Test
        void twoFieldsTwoDomains() {
            AuthorDomainResult r = parse("a@good.com", "b@evil.com");
            assertThat(r).isEqualTo(new MultipleDomains(domains("good.com", "evil.com"),
                    List.of("a@good.com", "b@evil.com"), 2));
            assertThat(((MultipleDomains) r).multipleFromFields()).isTrue();
        }

        @Test
        void twoIdenticalFieldsAreNeverSingle() {
            AuthorDomainResult r = parse("a@good.com", "a@good.com");
            assertThat(r).isEqualTo(new MultipleAddressesSameDomain(d("good.com"),
                    List.of("a@good.com", "a@good.com"), 2));
            assertThat(((MultipleAddressesSameDomain) r).multipleFromFields()).isTrue();
        }

        @Test
        void secondFieldBlankStillFlagsMultipleFields() {
            assertThat(parse("a@good.com", " ")).isEqualTo(
                    new MultipleAddressesSameDomain(d("good.com"), List.of("a@good.com"), 2));
        }

        @Test
        void malformedSecondFieldMakesAllMalformed() {
            AuthorDomainResult r = parse("a@good.com", "\"b@evil.com");
            assertThat(r).isInstanceOf(Malformed.class);
            assertThat(((Malformed) r).reason()).startsWith("From field 2 of 2");
        }

        @Test
        void singleFieldResultDoesNotFlagMultipleFields() {
            assertThat(((MultipleDomains) parse("a@x.com, b@y.com")).multipleFromFields()).isFalse();
        }
    }

    @Nested
    class MissingAndEmpty {

        @Test
        void noField() {
            assertThat(FromHeaderParser.authorDomain(List.of())).isEqualTo(new Missing());
            assertThat(FromHeaderParser.authorDomain((List<String>) null)).isEqualTo(new Missing());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", " (comment only) ", ",", " , ,"})
        void blank(String value) {
            assertThat(parse(value)).isEqualTo(new Empty(EmptyKind.BLANK));
        }

        @ParameterizedTest
        @ValueSource(strings = {"undisclosed-recipients:;", "Group (c) : (x) ;", "a:;, b:;", "g: ,, ;"})
        void groupWithoutMailbox(String value) {
            assertThat(parse(value)).isEqualTo(new Empty(EmptyKind.GROUP_WITHOUT_MAILBOX));
        }
    }

    @Nested
    class MalformedInput {

        @ParameterizedTest
        @ValueSource(strings = {
            "\"a@good.com\"",                    // quoted string only: display name without address
            "John Doe",                          // display name only
            "good.com",                          // no '@'
            "a@evil.com\u0000@good.com",         // NUL
            "a@good.com\u0001",                  // control char
            "a@good.com\u007f",                  // DEL
            "a@good\u0085.com",                  // C1 control
            "a@good.com\u2028b@evil.com",        // Unicode line separator
            "a@good.com\rb@evil.com",            // bare CR
            "a@good.com\nFrom: b@evil.com",      // line break not followed by whitespace (header injection)
            "a@good.com\r\nb@evil.com",          // CRLF not followed by WSP
            "<a@good.com> <b@evil.com>",         // two angle-addrs in one mailbox
            "Name <a@good.com> b@evil.com",      // garbage after angle-addr
            "a@good.com b@evil.com",             // missing comma
            "a@good.com <b@evil.com>",           // addr-spec used as display name
            "<a@good.com",                       // unbalanced angle
            "a@good.com>",                       // stray '>'
            "<<a@good.com>>",                    // nested angles
            "<>",                                // null sender path is not a mailbox
            "\"unterminated <a@good.com>",       // unbalanced quote
            "Name (unterminated <a@good.com>",   // unbalanced comment
            "Name ((x) <a@good.com>",            // unbalanced nested comment
            "a@good.com)",                       // stray ')'
            "a@[1.2.3.4]",                       // domain literal
            "<a@[IPv6:::1]>",                    // domain literal
            "[1.2.3.4]",                         // bare domain literal
            "a@b@good.com",                      // two '@'
            "@good.com",                         // no local part
            "a@",                                // no domain
            "<a@>",                              // no domain
            "a@good..com",                       // empty label
            "a@.good.com",                       // empty label
            "a@good.com..",                      // two trailing dots
            "a@localhost",                       // single label: no DMARC Author Domain
            "a@good_x.com",                      // non-LDH domain character
            "a@good!.com",                       // non-LDH domain character
            "a@-good.com",                       // hyphen at label start
            "a@good .com",                       // whitespace inside domain
            "a @good.com",                       // whitespace before '@'
            "a@ good.com",                       // whitespace after '@'
            "a(c)@good.com",                     // comment inside addr-spec
            "John Smith@good.com",               // display name without brackets
            "\"a@good.com\"@evil.com",           // quoted local part with address delimiter
            "\"a<\"@evil.com",                   // quoted local part with '<'
            "\"a\\\"b\"@evil.com",               // quoted local part with escape
            "\"a\".b@good.com",                  // mixed obs-local-part
            "=?utf-8?b?YWRtaW5AZ29vZC5jb20=?=@evil.com",  // encoded-word as local part
            "<=?utf-8?q?x?=@evil.com>",          // encoded-word as local part
            "...@good.com",                      // dots only
            "grp: a@x.com",                      // unterminated group
            "g1: g2: a@x.com;;",                 // nested group
            ": a@x.com;",                        // group without name
            ". <a@good.com>",                    // display name starting with '.'
            "Name; <a@good.com>",                // ';' outside group
            "<@evil.com:user@good.com>",         // route naming another domain
            "<@:user@good.com>",                 // empty route domain
            "<@good.com user@good.com>",         // route without ':'
            "a@good\u00a0.com",                  // Unicode space in domain
            "a@goo\u200bgle.com",                // zero-width space (format char) in domain
            "a@good.com\u202e",                  // bidi override
            "a@xn--.com",                        // hyphen at label end
            "a@good.com\ud800",                  // unpaired surrogate
            "a@stra\u00dfe.de",                  // IDNA2003 maps ß to ss, IDNA2008 does not
            "a@\uff27\uff2f\uff2f\uff24.com",         // fullwidth letters mapped by IDNA2003
            "a@good\u3002com",                   // ideographic full stop as label separator
            "a@bu\u0308cher.example",            // not NFC
            "a@192.0.2.1",                       // unbracketed address literal
            "a@good.com;",                       // ';' is not a list separator outside a group
            "<a@evil.com>\r\n\tFrom: b@good.com", // folded second "From:" inside the field body
            "a@good.com <>",                     // empty angle after an addr-spec
        })
        void rejected(String value) {
            assertMalformed(value);
        }

        @Test
        void nullFieldValue() {
            assertThat(FromHeaderParser.authorDomain(Arrays.asList("a@good.com", null))).isInstanceOf(Malformed.class);
        }

        @Test
        void reasonNamesTheProblem() {
            assertThat(((Malformed) parse("a@evil.com\u0000@good.com")).reason()).contains("NUL");
            assertThat(((Malformed) parse("a@[1.2.3.4]")).reason()).contains("domain literal");
        }

        @Test
        void overLongInputIsRejectedWithoutParsing() {
            String longName = "x".repeat(FromHeaderParser.MAX_TOTAL_CHARS);
            assertMalformed("\"" + longName + "\" <a@good.com>");
        }

        @Test
        void overLongInputSpreadOverFieldsIsRejected() {
            String half = " ".repeat(FromHeaderParser.MAX_TOTAL_CHARS / 2) + "a@good.com";
            assertThat(parse(half)).isInstanceOf(Single.class);
            assertThat(parse(half, half)).isInstanceOf(Malformed.class);
        }

        @Test
        void tooManyFields() {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i <= FromHeaderParser.MAX_FIELDS; i++) {
                fields.add("a@good.com");
            }
            assertThat(FromHeaderParser.authorDomain(fields)).isInstanceOf(Malformed.class);
        }

        @Test
        void deeplyNestedCommentsAreBoundedAndIterative() {
            String deep = "(".repeat(30_000) + ")".repeat(30_000);
            assertSingle(deep + " a@good.com", "good.com", "a@good.com");
            assertMalformed("(".repeat(30_000) + " a@good.com");
        }
    }

    @Nested
    class HeaderSection {

        @Test
        void findsFromFieldCaseInsensitivelyAndStopsAtEmptyLine() {
            String header = "Received: from x\r\n\tby y\r\nfROM: \"Joe\"\r\n <joe@good.com>\r\nSubject: hi\r\n\r\n"
                    + "From: b@evil.com\r\n";
            assertThat(FromHeaderParser.authorDomainFromHeader(header))
                    .isEqualTo(new Single(d("good.com"), "joe@good.com"));
        }

        @Test
        void twoFromFields() {
            String header = "From: a@good.com\r\nTo: x@y.com\r\nFrom: b@evil.com\r\n\r\nbody";
            assertThat(FromHeaderParser.authorDomainFromHeader(header))
                    .isEqualTo(new MultipleDomains(domains("good.com", "evil.com"),
                            List.of("a@good.com", "b@evil.com"), 2));
        }

        @Test
        void obsoleteWhitespaceBeforeColonStillCountsAsFrom() {
            String header = "From: a@good.com\nFrom\t : b@evil.com\n\n";
            assertThat(FromHeaderParser.authorDomainFromHeader(header)).isInstanceOf(MultipleDomains.class);
        }

        @Test
        void similarFieldNamesAreNotFrom() {
            String header = "From: a@good.com\nX-From: b@evil.com\nFromX: c@evil.com\nResent-From: d@evil.com\n";
            assertThat(FromHeaderParser.authorDomainFromHeader(header))
                    .isEqualTo(new Single(d("good.com"), "a@good.com"));
        }

        @Test
        void noFromField() {
            assertThat(FromHeaderParser.authorDomainFromHeader("To: a@b.com\r\nSubject: x\r\n\r\n"))
                    .isEqualTo(new Missing());
            assertThat(FromHeaderParser.authorDomainFromHeader("To: a@b.com\r\n\r\nFrom: a@b.com\r\n"))
                    .isEqualTo(new Missing());
        }

        @Test
        void leadingContinuationLineIsMalformed() {
            assertThat(FromHeaderParser.authorDomainFromHeader(" From: b@evil.com\r\nFrom: a@good.com\r\n"))
                    .isInstanceOf(Malformed.class);
        }

        @Test
        void nonFieldLineIsMalformed() {
            assertThat(FromHeaderParser.authorDomainFromHeader("From: a@good.com\r\ngarbage\r\nFrom: b@evil.com\r\n"))
                    .isInstanceOf(Malformed.class);
            assertThat(FromHeaderParser.authorDomainFromHeader("From : a@good.com\r\nFr om: b@evil.com\r\n"))
                    .isInstanceOf(Malformed.class);
        }

        @Test
        void fieldBodyFoldedRightAfterTheColon() {
            assertThat(FromHeaderParser.authorDomainFromHeader("From:\r\n  Joe\r\n\t<joe@good.com>\r\n\r\n"))
                    .isEqualTo(new Single(d("good.com"), "joe@good.com"));
        }

        @Test
        void lastLineWithoutTerminator() {
            assertThat(FromHeaderParser.authorDomainFromHeader("To: x@y.com\nFrom: a@good.com"))
                    .isEqualTo(new Single(d("good.com"), "a@good.com"));
        }

        @Test
        void indentedFromInsideAnotherFieldIsMalformed() {
            assertThat(FromHeaderParser.authorDomainFromHeader("From: a@evil.com\r\nTo: x@y.com\r\n From: b@good.com\r\n"))
                    .isInstanceOf(Malformed.class);
            assertThat(FromHeaderParser.authorDomainFromHeader("From: a@evil.com\r\nSubject: hi\r\n from the team\r\n"))
                    .isEqualTo(new Single(d("evil.com"), "a@evil.com"));
        }

        @Test
        void fromAfterBareCrInAnotherFieldIsMalformed() {
            assertThat(FromHeaderParser.authorDomainFromHeader("From: a@evil.com\r\nSubject: x\rFrom: b@good.com\r\n"))
                    .isInstanceOf(Malformed.class);
        }

        @Test
        void mboxSeparatorLineIsSkipped() {
            String msg = "From someone@x.com Tue Nov 25 12:00:00 2026\nFrom: a@good.com\n\n";
            assertThat(FromHeaderParser.authorDomainFromHeader(msg)).isEqualTo(new Single(d("good.com"), "a@good.com"));
        }

        @Test
        void firstLineWithWhitespaceBeforeTheColonIsAFromFieldNotAnMboxSeparator() {
            // RFC 5322 §4.5.3 obs-from, as on any other line (and as javax.mail reads it).
            assertThat(FromHeaderParser.authorDomainFromHeader("From : a@evil.com\r\nFrom: b@good.com\r\n\r\n"))
                    .isEqualTo(new MultipleDomains(domains("evil.com", "good.com"), List.of("a@evil.com", "b@good.com"), 2));
            assertThat(FromHeaderParser.authorDomainFromHeader("From\t :a@evil.com\n\n"))
                    .isEqualTo(new Single(d("evil.com"), "a@evil.com"));
        }

        @Test
        void foldedFromFieldWithInjectedLineIsMalformed() {
            assertThat(FromHeaderParser.authorDomainFromHeader("From: a@good.com\r\rFrom: b@evil.com\r\n\r\n"))
                    .isInstanceOf(Malformed.class);
        }

        @Test
        void bytesAreDecodedAsUtf8AndOnlyTheHeaderIsRead() {
            byte[] msg = "From: Jörg <j@bücher.example>\r\n\r\nFrom: x@evil.com\r\n".getBytes(StandardCharsets.UTF_8);
            assertThat(FromHeaderParser.authorDomainFromHeader(msg))
                    .isEqualTo(new Single(d("xn--bcher-kva.example"), "j@xn--bcher-kva.example"));
        }

        @Test
        void invalidUtf8InDomainIsMalformed() {
            byte[] msg = {'F', 'r', 'o', 'm', ':', ' ', 'a', '@', 'g', (byte) 0xff, '.', 'c', 'o', 'm', '\n', '\n'};
            assertThat(FromHeaderParser.authorDomainFromHeader(msg)).isInstanceOf(Malformed.class);
        }

        @Test
        void overLongFromFieldInHeader() {
            String header = "From: a@good.com\r\n" + (" (" + "x".repeat(1000) + ")\r\n").repeat(70);
            assertThat(FromHeaderParser.authorDomainFromHeader(header)).isInstanceOf(Malformed.class);
        }

        @Test
        void nullInputs() {
            assertThat(FromHeaderParser.authorDomainFromHeader((String) null)).isEqualTo(new Missing());
            assertThat(FromHeaderParser.authorDomainFromHeader((byte[]) null)).isEqualTo(new Missing());
        }
    }

    /** The From reader on a header section read once and shared with the other checks. */
    @Nested
    class SharedHeaderSection {

        private AuthorDomainResult fromSection(String message) {
            return FromHeaderParser.authorDomainFromHeader(
                    org.jamesdmarc.mail.HeaderSection.parse(message.getBytes(StandardCharsets.UTF_8)));
        }

        @Test
        void sameAnswerAsFromBytesAndText() {
            String message = "Received: x\r\nFrom: Joe <j@good.com>\r\n\r\nFrom: b@evil.com\r\n";
            assertThat(fromSection(message)).isEqualTo(new Single(d("good.com"), "j@good.com"))
                    .isEqualTo(FromHeaderParser.authorDomainFromHeader(message))
                    .isEqualTo(FromHeaderParser.authorDomainFromHeader(message.getBytes(StandardCharsets.UTF_8)));
        }

        @Test
        void strictStructureWhereJavaxMailIsLenient() {
            // javax.mail trims the NUL and reads a second From field; the strict reading refuses the line.
            assertThat(fromSection("From: a@good.com\r\nFrom\u0000: b@evil.com\r\n\r\n")).isInstanceOf(Malformed.class);
            // An empty first line is an empty header section, whatever javax.mail lists after it.
            assertThat(fromSection("\r\nFrom: a@good.com\r\n\r\n")).isEqualTo(new Missing());
        }

        @Test
        void bareCrBeforeAnotherFieldIsMalformed() {
            // Issue 8 class 2: any bare CR makes the From unreadable (it was tolerated before another field).
            assertThat(fromSection("From: a@good.com\r\nSubject: x\rTo: y\r\n\r\n")).isInstanceOf(Malformed.class);
        }

        @Test
        void fromFieldPastTheCapIsNeverMissed() {
            String pad = ("X-Pad: " + "p".repeat(1000) + "\r\n").repeat(1100);
            AuthorDomainResult r = fromSection("From: a@good.com\r\n" + pad + "From: b@evil.com\r\n\r\n");
            assertThat(r).isInstanceOf(Malformed.class);
            assertThat(((Malformed) r).reason()).contains("header section longer than");
        }

        @Test
        void firstProblemInHeaderOrderIsReported() {
            // The From bodies pass the cap before the non-field line: reading stops there, as a reader in line order.
            String longFrom = "From: a@good.com\r\n" + (" (" + "x".repeat(1000) + ")\r\n").repeat(70);
            assertThat(((Malformed) fromSection(longFrom + "garbage\r\n\r\n")).reason()).contains("longer than");
            assertThat(((Malformed) fromSection("garbage\r\n" + longFrom + "\r\n")).reason()).contains("not a field");
        }
    }

    /**
     * Issue 8: our reading of the author equals what mail clients read, or the From is refused. Tests per class
     * of the outside review (class 3, "From :" on the first line, is also
     * {@code HeaderSection.firstLineWithWhitespaceBeforeTheColonIsAFromFieldNotAnMboxSeparator}).
     */
    @Nested
    class WhatMailClientsRead {

        @ParameterizedTest
        @ValueSource(strings = {
            "=?utf-8*\"?q?Admin?=<admin@good.com>(\"<x@evil.com>",    // the review's example: '"' in the language
            "=?utf-8?q?A\"?=<admin@good.com>\"<x@evil.com>",          // '"' in the encoded text
            "=?utf-8?q?(?=<admin@good.com>=?utf-8?q?)?=<x@evil.com>", // '(' ... ')' across two words
            "\"=?utf-8?q?a\" <x@evil.com> \"?=\" <admin@good.com>",    // Python decodes inside quoted strings
            "=?utf-8?q?Admin_<admin@good.com>?= <x@evil.com>",       // an address in the encoded text
            "=?utf-8?q?a b?= <x@evil.com>",                          // whitespace inside
            "=?utf-8?b?PGFkbWluQGdvb2QuY29tPg==?= <x@evil.com>",     // decodes to "<admin@good.com>"
            "=?utf-8?q?=22?= <x@evil.com>",                          // decodes to a quote
            "=?utf-8?q??= <x@evil.com>",                             // empty encoded text
            "=?utf-8?q?=ZZ?= <x@evil.com>",                          // not Q encoding
            "=?utf-8?b?QQ=?= <x@evil.com>",                          // not base64
            "=?x-no-such-charset?q?Admin?= <x@evil.com>",            // a charset we cannot read
            "=?utf-8?q?a?=?utf-8?q?b?= <x@evil.com>",                // words sharing "=?"
            "Admin =? <x@evil.com>",                                 // an opener that opens nothing
        })
        void encodedWordsThatSwallowOrHideAddressSyntaxAreMalformed(String value) {
            // Issue 8 class 1: clients read an encoded-word from "=?" to "?=" whatever is inside, and decode it.
            assertThat(parse(value)).isInstanceOfSatisfying(Malformed.class,
                    m -> assertThat(m.reason()).contains("encoded-word"));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <x@good.com>",
            "=?utf-8?B?SsO2cmcgTcO8bGxlcg==?= <x@good.com>",          // base64 with padding
            "=?utf-8?q?M=C3=BCller=2C_Hans?= <x@good.com>",           // an encoded comma is ordinary
            "=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?= <x@good.com>",        // bytes of '(' '"' '%' inside JIS text
            "=?ISO-8859-1*de?Q?J=F6rg?= <x@good.com>",                // RFC 2231 language
            "=?utf-8?q?J=C3=B6rg?=\r\n =?utf-8?q?_M=C3=BCller?= <x@good.com>",
            "\"Team\" (=?utf-8?q?Sales?=) <x@good.com>",
        })
        void wellFormedEncodedWordsStayReadable(String value) {
            assertSingle(value, "good.com", "x@good.com");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\u000b", "\f", "\u00a0", "", " "})
        void aBareCrAnywhereMakesTheFromUnreadable(String oddSpace) {
            // Issue 8 class 2: javax.mail and mime4j break the line at the bare CR and see the first From.
            byte[] message = ("X-A: b\r" + oddSpace + "From: <admin@good.com>\r\nFrom: <x@evil.com>\r\n\r\nbody")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(FromHeaderParser.authorDomainFromHeader(message)).isInstanceOfSatisfying(Malformed.class,
                    m -> assertThat(m.reason()).contains("bare CR"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"\u00a0", "\u000b", "\f", "\u2003", "\u200b", " \u00a0 "})
        void aFirstLineFromWithOddSpacesBeforeTheColonIsNoMboxSeparator(String oddSpace) {
            // Issue 8 class 3, found by the differential test (seed 42): "From" NBSP ":" on line 1 is no RFC 4155
            // separator to skip; readers lenient about the spaces show that From. Not strictly a field: refused.
            byte[] message = ("From " + oddSpace + ": <admin@good.com>\r\nFrom: <x@evil.com>\r\n\r\nbody")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(FromHeaderParser.authorDomainFromHeader(message)).isInstanceOf(Malformed.class);
            assertThat(FromHeaderParser.authorDomainFromHeader("From someone@x.com Tue Nov 25 12:00:00 2026\n"
                    + "From: <x@good.com>\n\n")).isEqualTo(new Single(d("good.com"), "x@good.com"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"\u17b4", "\u17b5", "\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u200b",
            "\u00ad", "\ufe0f", "\u2060", "\udb40\udc20"})
        void invisibleCodePointsInTheDomainAreMalformed(String invisible) {
            // Issue 8 class 4: clients drop them when they show the domain; java.net.IDN keeps some (U+17B4...).
            assertMalformed("<admin@good" + invisible + ".com>");
            assertMalformed("<admin@" + invisible + "good.com>");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "xn--good-yiy.com",       // the A-label of "good" + U+17B4, written as such
            "xn--n3h.com",            // U+2603 SNOWMAN: IDNA2003 accepts it, IDNA2008 disallows symbols
            "xn--zzzzzzzzz.com",      // not Punycode
            "xn--good-.com",          // decodes to ASCII only
            "xn--a-0hc.com",          // "a" + U+05D0: left-to-right and Hebrew in one label (RFC 5893)
        })
        void aLabelsThatAreNotIdna2008AreMalformed(String domain) {
            assertMalformed("<admin@" + domain + ">");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "b\u00fccher.example|xn--bcher-kva.example",
            "\u0441\u0430\u0439\u0442.example|xn--80aswg.example",
            "\u4f8b\u3048.example|xn--r8jz45g.example",
            "\u05e7\u05d5\u05e9\u05d8.example|xn--9dbg7bj.example",
            "col\u00b7legi.cat|xn--collegi-xma.cat",
            "xn--bcher-kva.example|xn--bcher-kva.example",
        })
        void idna2008NamesStayReadable(String written, String aLabels) {
            assertThat(parse("<a@" + written + ">").uniqueDomain()).contains(d(aLabels));
        }

        @Test
        void aCommentOnlyListElementNextToAMailboxIsMalformed() {
            // Found by the differential test: addressparser takes the lone comment's text for a second author.
            assertMalformed("<x@evil.com> ,(admin@good.com)");
            assertMalformed("(admin@good.com), x@evil.com");
            assertMalformed("g: (admin@good.com);, x@evil.com");
            assertSingle("x@good.com (comment), ", "good.com", "x@good.com");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Name <user@Example.COM>|example.com",
        "<user@sub.example.co.uk>|sub.example.co.uk",
        "\"Last, First\" <f@example.org>|example.org",
        "(c) \"q\" (c) <@example.org:x@example.org> (c)|example.org",
    })
    void authorDomainTable(String field, String expectedDomain) {
        assertThat(parse(field).uniqueDomain()).contains(d(expectedDomain));
    }
}
