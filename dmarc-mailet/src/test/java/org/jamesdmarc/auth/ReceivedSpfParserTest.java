package org.jamesdmarc.auth;

import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.mail.HeaderField;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ReceivedSpfParserTest {

    /** RFC 7208 §9.1 example. */
    private static final String RFC_EXAMPLE = "pass (mybox.example.org: domain of myname@example.com designates"
            + " 192.0.2.1 as permitted sender) receiver=mybox.example.org; client-ip=192.0.2.1;"
            + " envelope-from=\"myname@example.com\"; helo=foo.example.com; identity=mailfrom";

    private static ReceivedSpf parsed(String v) {
        ReceivedSpfParseResult r = ReceivedSpfParser.parse(v);
        assertThat(r).as("parse of %s", v).isInstanceOf(ReceivedSpfParseResult.Parsed.class);
        return ((ReceivedSpfParseResult.Parsed) r).field();
    }

    private static HeaderField rspf(String v) {
        return new HeaderField("Received-SPF", v);
    }

    private static ReceivedSpfVerdict.Reason notTrusted(ReceivedSpfVerdict v) {
        assertThat(v).isInstanceOf(ReceivedSpfVerdict.NotTrusted.class);
        return ((ReceivedSpfVerdict.NotTrusted) v).reason();
    }

    @Test
    void parsesRfcExample() {
        ReceivedSpf f = parsed(RFC_EXAMPLE);
        assertThat(f.result()).isEqualTo(SpfResult.PASS);
        assertThat(f.receiver()).contains("mybox.example.org");
        assertThat(f.clientIp()).contains("192.0.2.1");
        assertThat(f.envelopeFrom()).contains("myname@example.com");
        assertThat(f.helo()).contains("foo.example.com");
        assertThat(f.identity()).contains("mailfrom");
    }

    @Test
    void parsesPyspfStyleAndTrailingSemicolon() {
        ReceivedSpf f = parsed("Softfail (mailfrom) identity=mailfrom; client-ip=2001:db8::1; helo=mta.example.net;"
                + " envelope-from=bounce@example.net; receiver=<UNKNOWN>;\r\n");
        assertThat(f.result()).isEqualTo(SpfResult.SOFTFAIL);
        assertThat(f.clientIp()).contains("2001:db8::1");
        assertThat(f.receiver()).contains("<UNKNOWN>");
        assertThat(parsed("None").keys()).isEmpty();
        assertThat(parsed("Pass ( comment (nested) ) Identity = MailFrom ; Envelope-From = a@b.c").identity())
                .contains("mailfrom");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "great (x) identity=mailfrom",                   // not an RFC 7208 §2.6 result
        "passidentity=mailfrom",
        "pass identity",                                 // no '='
        "pass identity=mailfrom envelope-from=a@b.c",    // missing ';'
        "pass identity=mailfrom; identity=helo",         // duplicate key
        "pass envelope-from=\"a@b.c",                    // unterminated quoted-string
        "pass (unterminated identity=mailfrom",
        "pass identity=mailfrom\0; envelope-from=a@b.c",
    })
    void malformed(String v) {
        assertThat(ReceivedSpfParser.parse(v)).isInstanceOf(ReceivedSpfParseResult.Invalid.class);
    }

    @Test
    void trustedWhenTopmostMailfromMatchesEnvelopeSender() {
        ReceivedSpfVerdict v = ReceivedSpfParser.evaluateTopmost(List.of(rspf(RFC_EXAMPLE)),
                Optional.of("MyName@Example.COM"), Optional.empty());
        assertThat(v).isInstanceOf(ReceivedSpfVerdict.Trusted.class);
        assertThat(((ReceivedSpfVerdict.Trusted) v).outcome())
                .isEqualTo(new SpfOutcome(SpfResult.PASS, DomainName.of("example.com"), SpfScope.MFROM));
        assertThat(ReceivedSpfParser.evaluateTopmost(List.of(rspf(RFC_EXAMPLE)), Optional.of("<myname@example.com>"),
                Optional.empty()).isTrusted()).isTrue();
    }

    @Test
    void onlyTheTopmostFieldCounts() {
        // CVE-2019-20790: a sender-supplied Received-SPF further down must never be used.
        List<HeaderField> fields = List.of(
                new HeaderField("Received", "from x by y; date"),
                rspf("fail (relay) identity=mailfrom; envelope-from=myname@example.com"),
                new HeaderField("received-spf", RFC_EXAMPLE));
        ReceivedSpfVerdict v = ReceivedSpfParser.evaluateTopmost(fields, Optional.of("myname@example.com"), Optional.empty());
        assertThat(((ReceivedSpfVerdict.Trusted) v).outcome().result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void malformedTopmostIsNotReplacedByALowerOne() {
        List<HeaderField> fields = List.of(rspf("pass (unterminated"), rspf(RFC_EXAMPLE));
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(fields, Optional.of("myname@example.com"), Optional.empty())))
                .isEqualTo(ReceivedSpfVerdict.Reason.MALFORMED);
    }

    @Test
    void envelopeFromMismatchIgnored() {
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(List.of(rspf(RFC_EXAMPLE)),
                Optional.of("attacker@evil.example"), Optional.empty())))
                .isEqualTo(ReceivedSpfVerdict.Reason.ENVELOPE_FROM_MISMATCH);
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(List.of(rspf(RFC_EXAMPLE)),
                Optional.of("myname@example.com.evil.example"), Optional.empty())))
                .isEqualTo(ReceivedSpfVerdict.Reason.ENVELOPE_FROM_MISMATCH);
    }

    @Test
    void identityRules() {
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(List.of(rspf("pass envelope-from=a@example.com")),
                Optional.of("a@example.com"), Optional.empty()))).isEqualTo(ReceivedSpfVerdict.Reason.NO_IDENTITY);
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(
                List.of(rspf("pass identity=helo; helo=mta.example.com; envelope-from=a@example.com")),
                Optional.of("a@example.com"), Optional.of("mta.example.com"))))
                .isEqualTo(ReceivedSpfVerdict.Reason.WRONG_IDENTITY);
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(List.of(rspf("pass identity=mailfrom")),
                Optional.of("a@example.com"), Optional.empty()))).isEqualTo(ReceivedSpfVerdict.Reason.NO_ENVELOPE_FROM);
    }

    @Test
    void heloIdentityOnlyForNullSender() {
        List<HeaderField> helo = List.of(rspf("pass identity=helo; helo=MTA.example.com; envelope-from=\"\""));
        ReceivedSpfVerdict v = ReceivedSpfParser.evaluateTopmost(helo, Optional.empty(), Optional.of("mta.example.com."));
        assertThat(((ReceivedSpfVerdict.Trusted) v).outcome())
                .isEqualTo(new SpfOutcome(SpfResult.PASS, DomainName.of("mta.example.com"), SpfScope.HELO));
        assertThat(ReceivedSpfParser.evaluateTopmost(helo, Optional.of("<>"), Optional.of("mta.example.com")).isTrusted())
                .isTrue();
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(helo, Optional.empty(), Optional.of("other.example.com"))))
                .isEqualTo(ReceivedSpfVerdict.Reason.HELO_MISMATCH);
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(helo, Optional.empty(), Optional.empty())))
                .isEqualTo(ReceivedSpfVerdict.Reason.NO_HELO);
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(List.of(rspf(RFC_EXAMPLE)), Optional.empty(),
                Optional.of("foo.example.com")))).isEqualTo(ReceivedSpfVerdict.Reason.WRONG_IDENTITY);
    }

    @Test
    void invalidDomainsNotTrusted() {
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(
                List.of(rspf("pass identity=mailfrom; envelope-from=\"a@good.com(.evil.com\"")),
                Optional.of("a@good.com(.evil.com"), Optional.empty()))).isEqualTo(ReceivedSpfVerdict.Reason.INVALID_DOMAIN);
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(
                List.of(rspf("pass identity=helo; helo=\"[192.0.2.1]\"")),
                Optional.empty(), Optional.of("[192.0.2.1]")))).isEqualTo(ReceivedSpfVerdict.Reason.INVALID_DOMAIN);
    }

    @Test
    void absent() {
        assertThat(notTrusted(ReceivedSpfParser.evaluateTopmost(List.of(new HeaderField("Received", "x")),
                Optional.of("a@example.com"), Optional.empty()))).isEqualTo(ReceivedSpfVerdict.Reason.ABSENT);
    }

    @Property(tries = 1000)
    void neverThrows(@ForAll("noise") String value) {
        assertThat(ReceivedSpfParser.parse(value)).isNotNull();
        assertThat(ReceivedSpfParser.evaluateTopmost(List.of(rspf(value)), Optional.of("a@example.com"),
                Optional.of("mta.example.com"))).isNotNull();
    }

    @Provide
    Arbitrary<String> noise() {
        return Arbitraries.of(";", "(", ")", "\"", "\\", "=", " ", "\0", "pass", "identity", "mailfrom", "helo",
                "envelope-from", "a@example.com", "mta.example.com", "\r\n ").list().ofMaxSize(40)
                .map(l -> String.join("", l));
    }
}
