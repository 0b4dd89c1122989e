package org.jamesdmarc.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsStatus;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.dns.testing.InMemoryDnsClient;
import org.jamesdmarc.reporting.ExternalDestinationVerifier.Verification;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class ExternalDestinationVerifierTest {

    /** Answers one TXT name; everything else NXDOMAIN. */
    private static DnsClient dns(String name, DnsStatus status, String... texts) {
        InMemoryDnsClient dns = new InMemoryDnsClient();
        return status == DnsStatus.FOUND ? dns.txt(name, texts) : dns.status(name, Type.TXT, status);
    }

    private static final String NAME = "blue.example.com._report._dmarc.red.example.net";

    @Test
    void buildsTheRfc9990Name() {
        assertThat(ExternalDestinationVerifier.verificationName(DomainName.of("blue.example.com"), DomainName.of("red.example.net"))).isEqualTo(NAME);
    }

    @Test
    void aDmarc1RecordAuthorizes() {
        Verification v = new ExternalDestinationVerifier(dns(NAME, DnsStatus.FOUND, "v=DMARC1"))
                .verify(DomainName.of("Blue.Example.com"), DomainName.of("red.example.net."));
        assertThat(v).isInstanceOf(Verification.Authorized.class);
        assertThat(v.verificationName()).isEqualTo(NAME);
        assertThat(((Verification.Authorized) v).overrideRua()).isEmpty();
    }

    @Test
    void otherTxtRecordsDoNotAuthorize() {
        Verification v = new ExternalDestinationVerifier(dns(NAME, DnsStatus.FOUND, "v=spf1 -all", "hello"))
                .verify(DomainName.of("blue.example.com"), DomainName.of("red.example.net"));
        assertThat(v).isInstanceOf(Verification.NotAuthorized.class);
        assertThat(new ExternalDestinationVerifier(dns("x", DnsStatus.FOUND)).verify(DomainName.of("blue.example.com"), DomainName.of("red.example.net")))
                .isInstanceOf(Verification.NotAuthorized.class);
    }

    @Test
    void temporaryFailureIsReported() {
        assertThat(new ExternalDestinationVerifier(dns(NAME, DnsStatus.TEMPFAIL)).verify(DomainName.of("blue.example.com"), DomainName.of("red.example.net")))
                .isInstanceOf(Verification.TempError.class);
    }

    @Test
    void overrideToTheSameHostIsKeptAndToAnotherHostRefused() {
        Verification same = new ExternalDestinationVerifier(
                dns(NAME, DnsStatus.FOUND, "v=DMARC1; rua=mailto:other-box@red.example.net"))
                .verify(DomainName.of("blue.example.com"), DomainName.of("red.example.net"));
        assertThat(same).isInstanceOf(Verification.Authorized.class);
        assertThat(((Verification.Authorized) same).overrideRua()).hasSize(1);

        Verification other = new ExternalDestinationVerifier(
                dns(NAME, DnsStatus.FOUND, "v=DMARC1; rua=mailto:x@victim.example"))
                .verify(DomainName.of("blue.example.com"), DomainName.of("red.example.net"));
        assertThat(other).isInstanceOf(Verification.OverrideToOtherHost.class);
        assertThat(other.authorized()).isFalse();
    }

    @Test
    void tooLongNameCannotBeVerified() {
        String longLabel = "a".repeat(60);
        String policy = String.join(".", longLabel, longLabel, longLabel, "example.com");
        Verification v = new ExternalDestinationVerifier(dns("never", DnsStatus.FOUND, "v=DMARC1"))
                .verify(DomainName.of(policy), DomainName.of("b".repeat(50) + ".example.net"));
        assertThat(v).isInstanceOf(Verification.NotAuthorized.class);
        assertThat(((Verification.NotAuthorized) v).reason()).contains("longer");
    }
}
