package org.jamesdmarc.mail;

import org.jamesdmarc.dns.CidrSet;
import org.jamesdmarc.dns.IpLiteral;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
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

class ReceivedHeaderParserTest {

    private static final String POSTFIX = "from helo.example.net (mail.example.net [192.0.2.1])\r\n"
            + "\tby relay.example.org (Postfix) with ESMTP id 4ABCD1234\r\n"
            + "\tfor <x@example.org>; Wed, 25 Nov 2026 14:00:00 +0000 (UTC)";

    private static RelayedClient found(String v) {
        ReceivedParseResult r = ReceivedHeaderParser.parse(v);
        assertThat(r).as("parse of %s", v).isInstanceOf(ReceivedParseResult.Parsed.class);
        return ((ReceivedParseResult.Parsed) r).client();
    }

    private static ReceivedParseResult.Reason notFound(ReceivedParseResult r) {
        assertThat(r).isInstanceOf(ReceivedParseResult.Invalid.class);
        return ((ReceivedParseResult.Invalid) r).reason();
    }

    private static OriginalClient.Reason notFound(OriginalClient r) {
        assertThat(r).isInstanceOf(OriginalClient.NotFound.class);
        return ((OriginalClient.NotFound) r).reason();
    }

    private static InetAddress ip(String s) {
        return IpLiteral.parse(s).orElseThrow();
    }

    @Test
    void postfixIpv4() {
        assertThat(found(POSTFIX)).isEqualTo(new RelayedClient("helo.example.net", ip("192.0.2.1"),
                Optional.of("mail.example.net")));
    }

    @Test
    void postfixIpv6Unknown() {
        assertThat(found("from helo (unknown [IPv6:::1]) by relay.example.org (Postfix) with ESMTP id X; date"))
                .isEqualTo(new RelayedClient("helo", ip("::1"), Optional.empty()));
        assertThat(found("from mta.example.net (unknown [IPv6:2001:db8::25]) by relay (Postfix)").ip())
                .isEqualTo(ip("2001:db8::25"));
    }

    @Test
    void postfixWithTlsCommentsAndAddressLiteralHelo() {
        RelayedClient c = found("from [192.0.2.7] (host7.example.net [192.0.2.7])\r\n"
                + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n"
                + "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n"
                + "\t(No client certificate requested)\r\n"
                + "\tby relay.example.org (Postfix) with ESMTPS id 4Q; Wed, 25 Nov 2026 14:00:00 +0000");
        assertThat(c).isEqualTo(new RelayedClient("[192.0.2.7]", ip("192.0.2.7"), Optional.of("host7.example.net")));
    }

    @Test
    void jamesStyleAndPortAndMayBeForged() {
        assertThat(found("from postfix.local ([127.0.0.1]) by james.example.org (JAMES SMTP Server) with ESMTP ID 1; d"))
                .isEqualTo(new RelayedClient("postfix.local", ip("127.0.0.1"), Optional.empty()));
        assertThat(found("from h (r.example.net [192.0.2.2]:40000) by relay (Postfix)").ip()).isEqualTo(ip("192.0.2.2"));
        assertThat(found("from h (r.example.net [192.0.2.3] (may be forged)) by relay").ip()).isEqualTo(ip("192.0.2.3"));
    }

    /** Byte for byte what James 3.8.1 wrote behind a real Postfix (PostfixFrontDmarcIT), folding included. */
    private static final String JAMES_381 = "from localhost (EHLO mx.postfix.test) ([127.0.0.1])\r\n"
            + "          by vm (JAMES SMTP Server ) with ESMTP ID 802437a8\r\n"
            + "          for <user@james.local>;\r\n"
            + "          Wed, 25 Nov 2026 15:01:26 +0000 (UTC)";

    @Test
    void james381PutsTheHeloInACommentOfItsOwn() {
        assertThat(found(JAMES_381))
                .isEqualTo(new RelayedClient("mx.postfix.test", ip("127.0.0.1"), Optional.of("localhost")));
        assertThat(found("from mta.example.net (HELO mail.example.net) ([192.0.2.5]) by james (JAMES SMTP Server ) with SMTP ID 9; d"))
                .isEqualTo(new RelayedClient("mail.example.net", ip("192.0.2.5"), Optional.of("mta.example.net")));
        // No reverse DNS name: James writes the address itself after "from"; that is no host name.
        assertThat(found("from 192.0.2.6 (EHLO h.example) ([192.0.2.6]) by james (JAMES SMTP Server ) with ESMTP ID 2; d"))
                .isEqualTo(new RelayedClient("h.example", ip("192.0.2.6"), Optional.empty()));
    }

    @Test
    void jamesHeloCommentCannotSupplyTheAddress() {
        // EHLO "x) ([6.6.6.6]" written verbatim by James: two address literals.
        assertThat(notFound(ReceivedHeaderParser.parse("from h (EHLO x) ([6.6.6.6]) ([192.0.2.9]) by james; d")))
                .isEqualTo(ReceivedParseResult.Reason.AMBIGUOUS);
        // The address comment must follow the HELO comment directly.
        assertThat(notFound(ReceivedHeaderParser.parse("from h (EHLO x) by james ([192.0.2.9]); d")))
                .isEqualTo(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS);
        // A HELO comment of two words is not James's shape, and not "[rdns] [ip]" either.
        assertThat(notFound(ReceivedHeaderParser.parse("from h (EHLO x y) ([192.0.2.9]) by james; d")))
                .isEqualTo(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS);
    }

    @Test
    void quotedRecipientWithParenthesesDoesNotConfuse() {
        assertThat(found("from h (r [192.0.2.4]) by relay (Postfix) for <\"a(b[6.6.6.6])\"@example.org>; d").ip())
                .isEqualTo(ip("192.0.2.4"));
    }

    @Test
    void injectedHeloCannotSupplyTheAddress() {
        // HELO "x (unknown [6.6.6.6]) by y" reproduced verbatim by the relay: two address literals.
        assertThat(notFound(ReceivedHeaderParser.parse(
                "from x (unknown [6.6.6.6]) by y (rdns [192.0.2.9]) by relay (Postfix); d")))
                .isEqualTo(ReceivedParseResult.Reason.AMBIGUOUS);
        // HELO "x (unknown [6.6.6.6]" (unbalanced): the real info ends up nested.
        assertThat(notFound(ReceivedHeaderParser.parse("from x (unknown [6.6.6.6] (rdns [192.0.2.9])) by relay; d")))
                .isEqualTo(ReceivedParseResult.Reason.AMBIGUOUS);
        // HELO of two words.
        assertThat(notFound(ReceivedHeaderParser.parse("from a b (rdns [192.0.2.9]) by relay; d")))
                .isEqualTo(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS);
        // HELO "x)" closes nothing.
        assertThat(notFound(ReceivedHeaderParser.parse("from x) (rdns [192.0.2.9]) by relay; d")))
                .isIn(ReceivedParseResult.Reason.NO_CLIENT_ADDRESS, ReceivedParseResult.Reason.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "by relay.example.org (Postfix); date",
        "from helo.example.net by relay.example.org; date",
        "from helo.example.net (mail.example.net) by relay; date",
        "from helo.example.net (mail.example.net [999.0.2.1]) by relay; date",
        "from helo.example.net (mail.example.net [IPv6:192.0.2.1]) by relay; date",
        "from helo.example.net (mail.example.net [192.0.2.1]) relay; date",
        "from helo.example.net (mail.example.net [192.0.2.1]) by",
        "from helo.example.net (mail.example.net [192.0.2.1] by relay; date",
        "from helo.example.net (a b [192.0.2.1]) by relay; date",
        "from [192.0.2.1] (helo=x) by relay; date",
        "from helo (mail [192.0.2.1%eth0]) by relay",
        "from helo (mail [192.0.2.1])\0 by relay",
    })
    void garbageIsInvalid(String v) {
        assertThat(ReceivedHeaderParser.parse(v)).isInstanceOf(ReceivedParseResult.Invalid.class);
    }

    // ---- walking past trusted relays ----

    private static final CidrSet RELAYS = ((CidrSet.ParseResult.Parsed) CidrSet.parse("127.0.0.0/8, ::1, 10.0.0.0/8")).set();

    private static HeaderField received(String v) {
        return new HeaderField("Received", v);
    }

    @Test
    void walksPastOurOwnHopFromTheRelayToTheClient() {
        List<HeaderField> fields = List.of(
                received("from relay.local ([127.0.0.1]) by james.example.org (JAMES SMTP Server) with ESMTP ID 1; d"),
                new HeaderField("Received-SPF", "pass identity=mailfrom"),
                received(POSTFIX),
                received("from forged (forged [127.0.0.1]) by evil; d"),
                received("from earlier (earlier.example [198.51.100.1]) by forged; d"));
        OriginalClient r = ReceivedHeaderParser.originalClient(fields, RELAYS, ReceivedHeaderParser.DEFAULT_MAX_HOPS);
        assertThat(((OriginalClient.Found) r).client().ip()).isEqualTo(ip("192.0.2.1"));
    }

    @Test
    void walksPastJames381sOwnHopToTheClientPostfixSaw() {
        List<HeaderField> fields = List.of(
                received(JAMES_381),
                received("from mail.relayed.test (unknown [127.0.0.2])\r\n\tby mx.postfix.test (Postfix) with ESMTP id 0DB8C20C012\r\n"
                        + "\tfor <user@james.local>; Wed, 25 Nov 2026 15:01:26 +0000 (UTC)"));
        CidrSet postfixOnly = ((CidrSet.ParseResult.Parsed) CidrSet.parse("127.0.0.1/32")).set();
        OriginalClient r = ReceivedHeaderParser.originalClient(fields, postfixOnly, ReceivedHeaderParser.DEFAULT_MAX_HOPS);
        assertThat(((OriginalClient.Found) r).client())
                .isEqualTo(new RelayedClient("mail.relayed.test", ip("127.0.0.2"), Optional.empty()));
    }

    @Test
    void directClientIsTheTopHop() {
        List<HeaderField> fields = List.of(received(POSTFIX), received("from x (y [127.0.0.1]) by z; d"));
        OriginalClient r = ReceivedHeaderParser.originalClient(fields, RELAYS, 10);
        assertThat(((OriginalClient.Found) r).client().helo()).isEqualTo("helo.example.net");
    }

    @Test
    void walkStopsAtUnreadableHopAndAtTheLimit() {
        List<HeaderField> bad = List.of(received("from a ([127.0.0.1]) by b; d"), received("garbage"), received(POSTFIX));
        assertThat(ReceivedHeaderParser.originalClient(bad, RELAYS, 10)).isInstanceOfSatisfying(OriginalClient.Unreadable.class,
                u -> {
                    assertThat(u.hop()).isEqualTo(2);
                    assertThat(u.field().reason()).isEqualTo(ReceivedParseResult.Reason.MALFORMED);
                });
        List<HeaderField> allTrusted = List.of(received("from a ([127.0.0.1]) by b; d"), received("from c ([10.1.1.1]) by d; d"));
        assertThat(notFound(ReceivedHeaderParser.originalClient(allTrusted, RELAYS, 10)))
                .isEqualTo(OriginalClient.Reason.ALL_TRUSTED);
        assertThat(notFound(ReceivedHeaderParser.originalClient(List.of(received("from a ([127.0.0.1]) by b; d"),
                received(POSTFIX)), RELAYS, 1))).isEqualTo(OriginalClient.Reason.ALL_TRUSTED);
        assertThat(notFound(ReceivedHeaderParser.originalClient(List.of(), RELAYS, 10)))
                .isEqualTo(OriginalClient.Reason.NO_RECEIVED);
    }

    @Property(tries = 1000)
    void neverThrows(@ForAll("noise") String value) {
        assertThat(ReceivedHeaderParser.parse(value)).isNotNull();
        assertThat(ReceivedHeaderParser.originalClient(List.of(received(value)), RELAYS, 10)).isNotNull();
    }

    @Provide
    Arbitrary<String> noise() {
        return Arbitraries.of("from", "by", " ", "(", ")", "[", "]", "\"", "\\", "IPv6:", "::1", "192.0.2.1", ":25",
                "helo", "unknown", ";", "\0", "\r\n\t").list().ofMaxSize(40).map(l -> String.join("", l));
    }
}
