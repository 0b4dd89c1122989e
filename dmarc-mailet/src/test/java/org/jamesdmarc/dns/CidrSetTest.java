package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class CidrSetTest {

    private static CidrSet valid(String spec) {
        CidrSet.ParseResult r = CidrSet.parse(spec);
        assertThat(r).as("parse of %s", spec).isInstanceOf(CidrSet.ParseResult.Parsed.class);
        return ((CidrSet.ParseResult.Parsed) r).set();
    }

    private static List<CidrSet.ParseError> errors(String spec) {
        CidrSet.ParseResult r = CidrSet.parse(spec);
        assertThat(r).as("parse of %s", spec).isInstanceOf(CidrSet.ParseResult.Invalid.class);
        return ((CidrSet.ParseResult.Invalid) r).errors();
    }

    @Test
    void documentedExample() {
        CidrSet s = valid("127.0.0.0/8, ::1/128, 10.1.2.3");
        assertThat(s.networks()).hasSize(3);
        assertThat(s.contains("127.0.0.1")).isTrue();
        assertThat(s.contains("127.255.255.255")).isTrue();
        assertThat(s.contains("128.0.0.1")).isFalse();
        assertThat(s.contains("::1")).isTrue();
        assertThat(s.contains("::2")).isFalse();
        assertThat(s.contains("10.1.2.3")).isTrue();
        assertThat(s.contains("10.1.2.4")).isFalse();
        assertThat(s.contains("not an ip")).isFalse();
    }

    @Test
    void nonOctetPrefixesAndHostBits() {
        CidrSet s = valid("192.0.2.130/25 2001:db8:abcd::/45");
        assertThat(s.contains("192.0.2.128")).isTrue();
        assertThat(s.contains("192.0.2.255")).isTrue();
        assertThat(s.contains("192.0.2.127")).isFalse();
        assertThat(s.networks().get(0).toString()).isEqualTo("192.0.2.128/25");
        assertThat(s.contains("2001:db8:abcf:ffff::1")).isTrue();
        assertThat(s.contains("2001:db8:abd0::1")).isFalse();
    }

    @Test
    void zeroPrefixMatchesEverythingOfItsFamily() {
        CidrSet v4 = valid("0.0.0.0/0");
        assertThat(v4.contains("203.0.113.9")).isTrue();
        assertThat(v4.contains("2001:db8::1")).isFalse();
        assertThat(valid("::/0").contains("2001:db8::1")).isTrue();
    }

    @Test
    void ipv4MappedAddressesMatchIpv4Entries() {
        assertThat(valid("10.0.0.0/8").contains("::ffff:10.9.8.7")).isTrue();
        assertThat(valid("::ffff:10.0.0.0/104").contains("10.9.8.7")).isTrue();
        assertThat(valid("::ffff:10.0.0.0/104").contains("11.9.8.7")).isFalse();
    }

    @Test
    void emptySpecIsEmptySet() {
        assertThat(valid("").isEmpty()).isTrue();
        assertThat(valid(" , ,").isEmpty()).isTrue();
        assertThat(CidrSet.empty().contains("127.0.0.1")).isFalse();
        assertThat(valid("10.0.0.1,\n 10.0.0.2")).isEqualTo(valid("10.0.0.1 10.0.0.2"));
    }

    @Test
    void clearErrorsForEveryBadEntry() {
        List<CidrSet.ParseError> e = errors("127.0.0.0/8, localhost, 10.0.0.0/33, ::1/129, 10.0.0.0/, 1.2.3.4/x");
        assertThat(e).extracting(CidrSet.ParseError::entry)
                .containsExactly("localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/", "1.2.3.4/x");
        assertThat(e).extracting(CidrSet.ParseError::kind).containsExactly(CidrSet.ParseError.Kind.INVALID_ADDRESS,
                CidrSet.ParseError.Kind.INVALID_PREFIX, CidrSet.ParseError.Kind.INVALID_PREFIX,
                CidrSet.ParseError.Kind.INVALID_PREFIX, CidrSet.ParseError.Kind.INVALID_PREFIX);
        assertThat(e.get(0).message()).contains("localhost").contains("not an IPv4 or IPv6 address");
        assertThat(e.get(1).message()).contains("0..32");
        assertThat(e.get(2).message()).contains("0..128");
        assertThat(e.get(1).index()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..2.3", "::1::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", "12345::", "g::1", "::1%eth0", "[::1]", "fe80::1%1", "1.2.3.4:80", " ", "::ffff:1.2.3",
        "1:2:3:4:5:6:7::8", "１.2.3.4", "0x7f.0.0.1"})
    void invalidAddresses(String literal) {
        assertThat(IpLiteral.parse(literal)).isEmpty();
        assertThat(errors(literal.isBlank() ? "x" + literal : literal)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "::", "::1", "1::", "2001:DB8::1", "1:2:3:4:5:6:7:8",
        "::ffff:192.0.2.1", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "1::7:8"})
    void validAddresses(String literal) {
        assertThat(IpLiteral.parse(literal)).isPresent();
        assertThat(valid(literal).contains(literal)).isTrue();
    }

    @Test
    void ipLiteralValues() {
        assertThat(IpLiteral.parse("2001:db8::1").orElseThrow().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(IpLiteral.parse("1::7:8").orElseThrow().getHostAddress()).isEqualTo("1:0:0:0:0:0:7:8");
        assertThat(IpLiteral.parse("::ffff:192.0.2.1").orElseThrow().getHostAddress()).isEqualTo("192.0.2.1");
    }

    @Test
    void entryCountIsCapped() {
        String many = "10.0.0.1,".repeat(CidrSet.MAX_ENTRIES + 1);
        assertThat(errors(many)).extracting(CidrSet.ParseError::kind).containsExactly(CidrSet.ParseError.Kind.TOO_LARGE);
    }

    @Property(tries = 500)
    void anyIpv4IsInItsOwnSlash24AndNotInTheNextOne(@ForAll int raw) {
        String a = ((raw >>> 24) & 0xff) + "." + ((raw >>> 16) & 0xff) + "." + ((raw >>> 8) & 0xff) + "." + (raw & 0xff);
        int next = (raw >>> 8) + 1;
        String other = ((next >>> 16) & 0xff) + "." + ((next >>> 8) & 0xff) + "." + (next & 0xff) + ".0";
        CidrSet s = valid(a + "/24");
        assertThat(s.contains(a)).isTrue();
        assertThat(s.contains(other)).isEqualTo(false);
    }

    @Property(tries = 500)
    void parseNeverThrows(@ForAll String spec) {
        assertThat(CidrSet.parse(spec)).isNotNull();
        assertThat(IpLiteral.parse(spec)).isNotNull();
    }
}
