package org.jamesdmarc.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.jamesdmarc.mail.HeaderSyntaxError.Kind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lexical pieces the From, Authentication-Results, Received-SPF and Received grammars share. */
class HeaderLexerTest {

    private static HeaderSyntaxError failure(Runnable r) {
        try {
            r.run();
        } catch (HeaderLexer.Failure f) {
            return f.error;
        }
        throw new AssertionError("no failure");
    }

    @Nested
    class Unfolding {

        @Test
        void foldsAreRemovedAndTheWhitespaceKept() {
            assertThat(HeaderLexer.ofField("a\r\n b\n\tc\r\n", 100).source()).isEqualTo("a b\tc");
            assertThat(HeaderLexer.ofAddressList("a\r\n b\n\tc\n").source()).isEqualTo("a b\tc");
        }

        @Test
        void lineBreaksOutsideAFoldAndControlsAreRefused() {
            assertThat(failure(() -> HeaderLexer.of("a\rb", 100)).kind()).isEqualTo(Kind.CONTROL_CHARACTER);
            assertThat(failure(() -> HeaderLexer.of("a\nb", 100)).kind()).isEqualTo(Kind.CONTROL_CHARACTER);
            HeaderSyntaxError nul = failure(() -> HeaderLexer.ofAddressList("ab\0c"));
            assertThat(nul.kind()).isEqualTo(Kind.CONTROL_CHARACTER);
            assertThat(nul.position()).isEqualTo(2);
            assertThat(nul.message()).contains("NUL").contains("position 2");
            assertThat(failure(() -> HeaderLexer.ofAddressList("a\u007fb")).kind()).isEqualTo(Kind.CONTROL_CHARACTER);
        }

        @Test
        void strictUnicodeOnlyForTheAddressList() {
            assertThat(failure(() -> HeaderLexer.ofAddressList("a\u0085b")).kind()).isEqualTo(Kind.CONTROL_CHARACTER);
            assertThat(failure(() -> HeaderLexer.ofAddressList("a\u2028b")).kind()).isEqualTo(Kind.INVALID_CHARACTER);
            assertThat(failure(() -> HeaderLexer.ofAddressList("a\ud800b")).kind()).isEqualTo(Kind.INVALID_CHARACTER);
            assertThat(failure(() -> HeaderLexer.ofAddressList("a\udc00")).kind()).isEqualTo(Kind.INVALID_CHARACTER);
            assertThat(HeaderLexer.ofAddressList("\ud83d\ude00").source()).isEqualTo("\ud83d\ude00");
            // Authentication-Results and the other trace fields keep the RFC 5322 CTL rule only.
            assertThat(HeaderLexer.of("a\u0085\u2028b", 100).source()).isEqualTo("a\u0085\u2028b");
        }

        @Test
        void blankAndOverLongValuesForTheFieldReaders() {
            assertThat(failure(() -> HeaderLexer.of(" \t", 100)).kind()).isEqualTo(Kind.EMPTY);
            assertThat(failure(() -> HeaderLexer.of("abcd", 3)).kind()).isEqualTo(Kind.TOO_LONG);
            // A blank From body is no error: it is an empty address list.
            assertThat(HeaderLexer.ofAddressList("  ").source()).isEqualTo("  ");
        }
    }

    @Nested
    class CommentsAndCfws {

        @Test
        void nestedCommentsAndQuotedPairs() {
            HeaderLexer lx = HeaderLexer.of("(a (b \\) c) d)x", 100);
            assertThat(lx.readComment()).isEqualTo("a (b \\) c) d");
            assertThat(lx.pos()).isEqualTo(14);
            HeaderLexer cfws = HeaderLexer.of(" (c) \t(d)x", 100);
            assertThat(cfws.skipCfws()).isTrue();
            assertThat(cfws.peek()).isEqualTo('x');
            assertThat(cfws.skipCfws()).isFalse();
        }

        @Test
        void unterminatedCommentNamesWhereItOpened() {
            HeaderSyntaxError e = failure(() -> HeaderLexer.of(" (a (b)", 100).skipCfws());
            assertThat(e.kind()).isEqualTo(Kind.UNTERMINATED_COMMENT);
            assertThat(e.position()).isEqualTo(1);
            assertThat(failure(() -> {
                HeaderLexer lx = HeaderLexer.of("(a\\", 100);
                lx.skipCfws();
            }).kind()).isEqualTo(Kind.UNTERMINATED_COMMENT);
        }

        @Test
        void nestingDepthIsCappedForTraceFieldsOnly() {
            String deep = "(".repeat(HeaderLexer.MAX_COMMENT_DEPTH + 1) + ")".repeat(HeaderLexer.MAX_COMMENT_DEPTH + 1);
            assertThat(failure(() -> HeaderLexer.of(deep, 100).skipCfws()).kind()).isEqualTo(Kind.COMMENT_TOO_DEEP);
            String ok = "(".repeat(HeaderLexer.MAX_COMMENT_DEPTH) + ")".repeat(HeaderLexer.MAX_COMMENT_DEPTH);
            assertThat(HeaderLexer.of(ok, 100).skipCfws()).isTrue();
            // The From reader bounds the length instead; nesting is a counter, never recursion.
            HeaderLexer from = HeaderLexer.ofAddressList("(".repeat(30_000) + ")".repeat(30_000) + "x");
            assertThat(from.skipCfws()).isTrue();
            assertThat(from.peek()).isEqualTo('x');
        }
    }

    @Nested
    class QuotedStringsAtomsTokens {

        @Test
        void quotedStringDecodedOrAsWritten() {
            assertThat(HeaderLexer.of("\"a \\\"b\\\\\" x", 100).readQuotedString()).isEqualTo("a \"b\\");
            HeaderLexer lx = HeaderLexer.of("\"a \\\"b\" x", 100);
            assertThat(lx.readQuotedStringAsWritten()).isEqualTo("\"a \\\"b\"");
            assertThat(lx.peek()).isEqualTo(' ');
        }

        @Test
        void unterminatedQuotedString() {
            assertThat(failure(() -> HeaderLexer.of("\"abc", 100).readQuotedString()).kind())
                    .isEqualTo(Kind.UNTERMINATED_QUOTED_STRING);
            assertThat(failure(() -> HeaderLexer.of("\"abc\\\"", 100).readQuotedStringAsWritten()).kind())
                    .isEqualTo(Kind.UNTERMINATED_QUOTED_STRING);
        }

        @Test
        void atomsTakeRfc6532Utf8ButNoInvisibleCharacters() {
            HeaderLexer lx = HeaderLexer.ofAddressList("b\u00fccher.example");
            assertThat(lx.readAtom()).isEqualTo("b\u00fccher");
            assertThat(lx.peek()).isEqualTo('.');
            assertThat(HeaderLexer.ofAddressList("ab\u200bc").readAtom()).isEqualTo("ab");
            assertThat(HeaderLexer.ofAddressList("a\u3000b").readAtom()).isEqualTo("a");
            assertThat(HeaderLexer.ofAddressList("a@b").readAtom()).isEqualTo("a");
            assertThat(HeaderLexer.ofAddressList("@").atAtext()).isFalse();
        }

        @Test
        void tokensKeywordsValues() {
            HeaderLexer lx = HeaderLexer.of("Example.COM; DKIM=pass", 100);
            assertThat(lx.readValue()).isEqualTo("Example.COM");
            lx.expect(';', "';'");
            lx.skipCfws();
            assertThat(lx.readKeyword()).isEqualTo("dkim");
            assertThat(failure(() -> HeaderLexer.of("dkim-=pass", 100).readKeyword()).kind()).isEqualTo(Kind.UNEXPECTED);
        }
    }

    @Nested
    class EncodedWords {

        @Test
        void recognisesBAndQInAnyCaseWithOptionalLanguage() {
            assertThat(HeaderLexer.encodedWord("=?utf-8?B?w6lkb3VhcmQ=?="))
                    .contains(new EncodedWord("utf-8", Optional.empty(), 'B', "w6lkb3VhcmQ=", 24));
            assertThat(HeaderLexer.encodedWord("=?ISO-8859-1*fr?q?caf=E9?="))
                    .contains(new EncodedWord("ISO-8859-1", Optional.of("fr"), 'Q', "caf=E9", 26));
        }

        @ParameterizedTest
        @ValueSource(strings = {"=?utf-8?x?abc?=", "=?utf-8?b??=", "=??b?abc?=", "=?utf 8?b?abc?=", "=?utf-8?b?a c?=",
            "=?utf-8?b?a?c?=", "=?utf-8?b?abc", "utf-8?b?abc?=", "=?a.b?q?x?=", "=?utf-8?q?\u00e9?=", "=?"})
        void refusesWhatIsNoEncodedWord(String word) {
            assertThat(HeaderLexer.encodedWord(word)).isEmpty();
        }

        @Test
        void overLongIsRecognisedAndFlagged() {
            String word = "=?utf-8?q?" + "a".repeat(70) + "?=";
            assertThat(HeaderLexer.encodedWord(word)).hasValueSatisfying(w -> assertThat(w.overLong()).isTrue());
        }

        @Test
        void extentIsWhatDecodersRead() {
            // From "=?" over charset, encoding and text to the "?=", whatever lies between (issue 8 class 1).
            String field = "=?utf-8*\"?q?Admin?=<admin@good.com>(\"<x@evil.com>";
            assertThat(HeaderLexer.encodedWordExtent(field, 0)).isEqualTo(field.indexOf("?=") + 2);
            assertThat(HeaderLexer.encodedWordAt(field, 0)).isEmpty(); // '"' is no RFC 2047 token character
            assertThat(HeaderLexer.encodedWordAt("x =?utf-8?B?QQ==?= y", 2))
                    .contains(new EncodedWord("utf-8", Optional.empty(), 'B', "QQ==", 16));
            assertThat(HeaderLexer.encodedWordExtent("=?utf-8?q?abc", 0)).isEqualTo(-1);
            assertThat(HeaderLexer.encodedWordExtent("a=?b", 0)).isEqualTo(-1);
        }

        @Test
        void decodesAsClientsShowIt() {
            assertThat(HeaderLexer.encodedWord("=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?=").flatMap(EncodedWord::decode))
                    .contains("J\u00f6rg M\u00fcller");
            assertThat(HeaderLexer.encodedWord("=?utf-8?b?PGFAYi5jPg==?=").flatMap(EncodedWord::decode)).contains("<a@b.c>");
            assertThat(HeaderLexer.encodedWord("=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=").flatMap(EncodedWord::decode))
                    .contains("\u30c6\u30b9\u30c8");
            assertThat(HeaderLexer.encodedWord("=?utf-8?q?=FF?=").flatMap(EncodedWord::decode)).contains("\ufffd");
            // Not decodable: what a client shows cannot be told.
            assertThat(HeaderLexer.encodedWord("=?utf-8?q?=4?=").flatMap(EncodedWord::decode)).isEmpty();
            assertThat(HeaderLexer.encodedWord("=?utf-8?b?Q?=").flatMap(EncodedWord::decode)).isEmpty();
            assertThat(HeaderLexer.encodedWord("=?utf-8?b?QQ=?=").flatMap(EncodedWord::decode)).isEmpty();
            assertThat(HeaderLexer.encodedWord("=?x-unknown?q?a?=").flatMap(EncodedWord::decode)).isEmpty();
        }

        @Test
        void anyOpenerCountsWhereEncodedWordsAreForbidden() {
            assertThat(HeaderLexer.mayHoldEncodedWord("x=?y")).isTrue();
            assertThat(HeaderLexer.mayHoldEncodedWord("x=y?")).isFalse();
            assertThat(HeaderLexer.mayHoldEncodedWord("")).isFalse();
        }
    }

    @Test
    void failuresCarryTheOneSyntaxErrorType() {
        HeaderLexer lx = HeaderLexer.of("abc", 100);
        lx.accept('a');
        assertThatThrownBy(() -> lx.expect(';', "';'"))
                .isInstanceOfSatisfying(HeaderLexer.Failure.class, f -> {
                    assertThat(f.error.kind()).isEqualTo(Kind.UNEXPECTED);
                    assertThat(f.error.position()).isEqualTo(1);
                    assertThat(f.error.message()).isEqualTo("expected ';' at position 1");
                });
    }
}
