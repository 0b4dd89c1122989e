package org.jamesdmarc.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthenticationResultsParserTest {

    private static AuthenticationResults parsed(String value) {
        AuthResParseResult r = AuthenticationResultsParser.parse(value);
        assertThat(r).as("parse of %s", value).isInstanceOf(AuthResParseResult.Parsed.class);
        return ((AuthResParseResult.Parsed) r).results();
    }

    private static HeaderSyntaxError error(String value) {
        AuthResParseResult r = AuthenticationResultsParser.parse(value);
        assertThat(r).as("parse of %s", value).isInstanceOf(AuthResParseResult.Invalid.class);
        return ((AuthResParseResult.Invalid) r).error();
    }

    @Test
    void noneWithVersion() {
        // RFC 8601 Appendix B.2
        AuthenticationResults ar = parsed("example.org 1; none");
        assertThat(ar.authservId()).isEqualTo("example.org");
        assertThat(ar.version()).contains("1");
        assertThat(ar.isNone()).isTrue();
    }

    @Test
    void noneIsCaseInsensitive() {
        assertThat(parsed("example.org; NONE").isNone()).isTrue();
    }

    @Test
    void singleSpfResult() {
        // RFC 8601 Appendix B.3
        AuthenticationResults ar = parsed("example.com; spf=pass smtp.mailfrom=example.net");
        assertThat(ar.version()).isEmpty();
        assertThat(ar.results()).containsExactly(new MethodResult("spf", Optional.empty(), "pass", Optional.empty(),
                List.of(new Property("smtp", "mailfrom", "example.net"))));
    }

    @Test
    void severalResultsInOneField() {
        AuthenticationResults ar = parsed(
                "mx.example.org; spf=pass smtp.mailfrom=x@example.net; dkim=pass header.d=example.com header.s=s1; "
                        + "dmarc=pass header.from=example.com");
        assertThat(ar.results()).extracting(MethodResult::method).containsExactly("spf", "dkim", "dmarc");
        MethodResult dkim = ar.results().get(1);
        assertThat(dkim.properties()).containsExactly(new Property("header", "d", "example.com"),
                new Property("header", "s", "s1"));
        assertThat(dkim.single("header", "s").map(Property::value)).contains("s1");
        assertThat(ar.results().get(0).single("smtp", "mailfrom").map(Property::value)).contains("x@example.net");
    }

    @Test
    void commentsEverywhereRfc8601AppendixB7() {
        // RFC 8601 Appendix B.7: comments in every position CFWS is allowed.
        AuthenticationResults ar = parsed("foo.example.net (foobar) 1 (baz);\r\n"
                + "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
                + "      policy (A dot can go here) . (like that) expired\r\n"
                + "      (this surprised me) = (as I wasn't expecting it) 1362471462");
        assertThat(ar.authservId()).isEqualTo("foo.example.net");
        assertThat(ar.version()).contains("1");
        assertThat(ar.results()).containsExactly(new MethodResult("dkim", Optional.of("1"), "fail", Optional.empty(),
                List.of(new Property("policy", "expired", "1362471462"))));
    }

    @Test
    void methodVersionAndCaseInsensitiveKeywords() {
        AuthenticationResults ar = parsed("Example.COM; DKIM/1=PASS Header.D=Example.net");
        MethodResult r = ar.results().get(0);
        assertThat(r.method()).isEqualTo("dkim");
        assertThat(r.version()).contains("1");
        assertThat(r.result()).isEqualTo("pass");
        assertThat(r.properties()).containsExactly(new Property("header", "d", "Example.net"));
        assertThat(ar.authservId()).as("authserv-id kept as written").isEqualTo("Example.COM");
    }

    @Test
    void reasonQuotedWithEscapes() {
        MethodResult r = parsed("example.com; dkim=fail reason=\"bad \\\"sig\\\"; (really) = yes\" header.d=example.net")
                .results().get(0);
        assertThat(r.reason()).contains("bad \"sig\"; (really) = yes");
        assertThat(r.properties()).containsExactly(new Property("header", "d", "example.net"));
    }

    @Test
    void reasonAsToken() {
        assertThat(parsed("example.com; dmarc=fail reason=policy header.from=example.net").results().get(0).reason())
                .contains("policy");
    }

    @Test
    void quotedPropertyValueAndQuotedLocalPart() {
        MethodResult r = parsed("example.com; spf=pass smtp.mailfrom=\"john doe\"@example.net; "
                + "dkim=pass header.b=\"ab;c(d)\"").results().get(0);
        assertThat(r.properties()).containsExactly(new Property("smtp", "mailfrom", "\"john doe\"@example.net"));
    }

    @Test
    void nestedCommentsWithSeparatorsInside() {
        AuthenticationResults ar = parsed("example.com; spf=pass (a (b; c=d) \\) e) smtp.mailfrom=example.net "
                + "(f; dkim=pass header.d=evil.example)");
        assertThat(ar.results()).hasSize(1);
        assertThat(ar.results().get(0).properties()).containsExactly(new Property("smtp", "mailfrom", "example.net"));
    }

    @Test
    void quotedAuthservId() {
        assertThat(parsed("\"mx.example.com\"; none").authservId()).isEqualTo("mx.example.com");
    }

    @Test
    void foldedValueIsUnfolded() {
        AuthenticationResults ar = parsed("mx.example.com;\r\n\tspf=pass\r\n smtp.mailfrom=example.net;\n dkim=none");
        assertThat(ar.results()).extracting(MethodResult::method).containsExactly("spf", "dkim");
    }

    @Test
    void trailingSemicolonTolerated() {
        assertThat(parsed("mx.example.com; spf=pass smtp.mailfrom=example.net;").results()).hasSize(1);
    }

    @Test
    void commentTouchingValueIsFlagged() {
        MethodResult r = parsed("mx.example.com; dkim=pass header.d=good.example(.x) header.s=s (c)").results().get(0);
        assertThat(r.single("header", "d").orElseThrow().commentAttached()).isTrue();
        assertThat(r.single("header", "s").orElseThrow().commentAttached()).isFalse();
        MethodResult before = parsed("mx.example.com; dkim=pass header.d=(x)good.example").results().get(0);
        assertThat(before.single("header", "d").orElseThrow().commentAttached()).isTrue();
    }

    @Test
    void microsoftStyleWithoutAuthservIdIsMalformed() {
        // Exchange Online omits the authserv-id: "spf" would be read as the id, then '=' is unexpected.
        assertThat(error("spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com; dkim=none").kind())
                .isEqualTo(HeaderSyntaxError.Kind.UNEXPECTED);
    }

    @Test
    void cve2020_12272UnterminatedCommentMakesFieldMalformed() {
        assertThat(error("mx.example.org; dkim=pass header.d=example.net(.example.com header.s=sel").kind())
                .isEqualTo(HeaderSyntaxError.Kind.UNTERMINATED_COMMENT);
    }

    @Test
    void nulAndBareNewlinesRejected() {
        assertThat(error("mx.example.org; dkim=pass header.d=example.com\0.evil.example").kind())
                .isEqualTo(HeaderSyntaxError.Kind.CONTROL_CHARACTER);
        assertThat(error("mx.example.org; dkim=pass\r\nheader.d=example.com").kind())
                .isEqualTo(HeaderSyntaxError.Kind.CONTROL_CHARACTER);
        assertThat(error("mx.example.org; dkim=pass header.d=\"a\0b\"").kind())
                .isEqualTo(HeaderSyntaxError.Kind.CONTROL_CHARACTER);
    }

    @Test
    void trailingCrlfTerminatorAccepted() {
        assertThat(parsed("mx.example.org; none\r\n").isNone()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "mx.example.org",                                  // RFC 8601 §2.2: no-result or resinfo required
        "mx.example.org;",                                 // nothing after ';'
        "mx.example.org; spf",                             // no '='
        "mx.example.org; spf=",                            // no result
        "mx.example.org; spf=pass smtp",                   // no '.'
        "mx.example.org; spf=pass smtp.mailfrom",          // no '='
        "mx.example.org; spf=pass smtp.mailfrom=",         // no value
        "mx.example.org; spf=pass smtp.mailfrom=a\"b\"",   // quote inside a value
        "mx.example.org; spf=passsmtp.mailfrom=x",         // (parses as result then '.': unexpected)
        "mx.example.org; dkim=pass header.d=\"x",          // unterminated quoted-string
        "mx.example.org; none; spf=pass",                  // none must be alone
        "mx.example.org; spf=pass; none",
        "mx.example.org; spf=pass header.d=x reason=y",    // reason after properties
        "mx.example.org; dkim/=pass",                      // empty method version
        "mx.example.org 1x; none",
        "; spf=pass",                                      // no authserv-id
        "(only a comment)",
        "mx.example.org; spf-=pass",
    })
    void malformedValues(String value) {
        assertThat(AuthenticationResultsParser.parse(value)).isInstanceOf(AuthResParseResult.Invalid.class);
    }

    @Test
    void emptyAndBlank() {
        assertThat(error("").kind()).isEqualTo(HeaderSyntaxError.Kind.EMPTY);
        assertThat(error("  \t").kind()).isEqualTo(HeaderSyntaxError.Kind.EMPTY);
        assertThat(error(null).kind()).isEqualTo(HeaderSyntaxError.Kind.EMPTY);
    }

    @Test
    void lengthIsCapped() {
        String longValue = "mx.example.org; spf=pass smtp.mailfrom=" + "a".repeat(AuthenticationResultsParser.MAX_LENGTH);
        assertThat(error(longValue).kind()).isEqualTo(HeaderSyntaxError.Kind.TOO_LONG);
    }

    @Test
    void resultCountIsCapped() {
        String many = "mx.example.org" + "; dkim=pass".repeat(AuthenticationResultsParser.MAX_RESULTS + 1);
        assertThat(error(many).kind()).isEqualTo(HeaderSyntaxError.Kind.TOO_MANY_ITEMS);
        String enough = "mx.example.org" + "; dkim=pass".repeat(AuthenticationResultsParser.MAX_RESULTS);
        assertThat(parsed(enough).results()).hasSize(AuthenticationResultsParser.MAX_RESULTS);
    }

    @Test
    void propertyCountIsCapped() {
        String many = "mx.example.org; dkim=pass" + " header.x=1".repeat(AuthenticationResultsParser.MAX_PROPERTIES + 1);
        assertThat(error(many).kind()).isEqualTo(HeaderSyntaxError.Kind.TOO_MANY_ITEMS);
    }

    @Test
    void commentDepthIsCapped() {
        String deep = "mx.example.org; none " + "(".repeat(HeaderLexer.MAX_COMMENT_DEPTH + 1)
                + ")".repeat(HeaderLexer.MAX_COMMENT_DEPTH + 1);
        assertThat(error(deep).kind()).isEqualTo(HeaderSyntaxError.Kind.COMMENT_TOO_DEEP);
        String ok = "mx.example.org; none " + "(".repeat(HeaderLexer.MAX_COMMENT_DEPTH)
                + ")".repeat(HeaderLexer.MAX_COMMENT_DEPTH);
        assertThat(parsed(ok).isNone()).isTrue();
    }

    @Test
    void lenientAuthservIdOfMalformedField() {
        assertThat(AuthenticationResultsParser.authservId("mx.example.org; dkim=pass header.d=a(.b")).contains("mx.example.org");
        assertThat(AuthenticationResultsParser.authservId("  (c) \"Mx.Example.Org\" ; x")).contains("Mx.Example.Org");
        assertThat(AuthenticationResultsParser.authservId("(unterminated")).isEmpty();
        assertThat(AuthenticationResultsParser.authservId("; x")).isEmpty();
    }
}
