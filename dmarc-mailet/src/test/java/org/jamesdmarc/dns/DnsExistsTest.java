package org.jamesdmarc.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** RFC 9989 §3.2.13 existence as {@link AbstractDnsClient#exists} derives it from three queries. */
class DnsExistsTest {

    /** Answers each type with a scripted status and logs what was asked. */
    private static final class Scripted extends AbstractDnsClient {
        final Map<Integer, DnsStatus> statuses;
        final List<String> asked = new ArrayList<>();

        Scripted(DnsStatus a, DnsStatus aaaa, DnsStatus mx) {
            statuses = Map.of(Type.A, a, Type.AAAA, aaaa, Type.MX, mx);
        }

        @Override
        public DnsAnswer query(String name, int type) {
            asked.add(Type.string(type));
            return DnsAnswer.of(statuses.get(type), "scripted");
        }
    }

    private static final DnsStatus FOUND = DnsStatus.FOUND;
    private static final DnsStatus NODATA = DnsStatus.NODATA;
    private static final DnsStatus NXDOMAIN = DnsStatus.NXDOMAIN;
    private static final DnsStatus TEMPFAIL = DnsStatus.TEMPFAIL;

    @Test
    void firstFoundSettlesIt() {
        Scripted c = new Scripted(FOUND, TEMPFAIL, TEMPFAIL);

        assertThat(c.exists("example.com")).isEqualTo(DomainExistence.EXISTS);
        assertThat(c.asked).containsExactly("A");
    }

    @Test
    void mxAloneIsEnough() {
        Scripted c = new Scripted(NODATA, NODATA, FOUND);

        assertThat(c.exists("example.com")).isEqualTo(DomainExistence.EXISTS);
        assertThat(c.asked).containsExactly("A", "AAAA", "MX");
    }

    @Test
    void nodataForAllThreeIsNonExistent() {
        assertThat(new Scripted(NODATA, NODATA, NODATA).exists("example.com")).isEqualTo(DomainExistence.NON_EXISTENT);
    }

    @Test
    void nxdomainSettlesItAtOnce() {
        Scripted c = new Scripted(NXDOMAIN, FOUND, FOUND);

        assertThat(c.exists("example.com")).isEqualTo(DomainExistence.NON_EXISTENT);
        assertThat(c.asked).containsExactly("A");
    }

    @Test
    void nxdomainAfterATempfailStillSettlesIt() {
        assertThat(new Scripted(TEMPFAIL, NXDOMAIN, FOUND).exists("example.com")).isEqualTo(DomainExistence.NON_EXISTENT);
    }

    @Test
    void tempfailWithoutProofOfExistenceIsTempfail() {
        assertThat(new Scripted(TEMPFAIL, NODATA, NODATA).exists("example.com")).isEqualTo(DomainExistence.TEMPFAIL);
        assertThat(new Scripted(NODATA, NODATA, TEMPFAIL).exists("example.com")).isEqualTo(DomainExistence.TEMPFAIL);
    }

    @Test
    void foundAfterATempfailIsExists() {
        assertThat(new Scripted(TEMPFAIL, FOUND, NODATA).exists("example.com")).isEqualTo(DomainExistence.EXISTS);
    }
}
