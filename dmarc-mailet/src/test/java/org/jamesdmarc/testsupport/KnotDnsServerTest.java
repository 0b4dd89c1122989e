package org.jamesdmarc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The harness itself, against the real knotd. */
class KnotDnsServerTest {

    private static final String LONG = "v=DMARC1; p=reject; rua=" + "mailto:a@example.test,".repeat(20) + "mailto:z@example.test";

    private static KnotDnsServer dns;

    @BeforeAll
    static void start() {
        dns = KnotDnsServer.builder()
                .zone("example.test")
                    .txt("_dmarc", "v=DMARC1; p=reject")
                    .txt("long", LONG)
                    .txtStrings("multi", "v=DMARC1; ", "p=none")
                    .txt("quote", "say \"hi\" \\ there")
                    .a("mail", "127.0.0.2")
                    .mx("@", 10, "mail")
                .zone("other.test")
                    .a("@", "127.0.0.3")
                .brokenZone("broken.test")
                .zoneResource("fromfile.test", "/zones/fromfile.test.zone")
                .start();
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    private static Message ask(SimpleResolver r, String name, int type) throws IOException {
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
    }

    private static List<String> txt(Message m) {
        return m.getSection(Section.ANSWER).stream()
                .filter(TXTRecord.class::isInstance)
                // getStrings() gives presentation form (quotes escaped); the wire bytes are what we wrote.
                .map(r -> ((TXTRecord) r).getStringsAsByteArrays().stream()
                        .map(b -> new String(b, StandardCharsets.UTF_8)).collect(Collectors.joining()))
                .collect(Collectors.toList());
    }

    @Test
    void servesTxtARecordsAndMx() throws IOException {
        SimpleResolver r = dns.resolver();
        assertThat(txt(ask(r, "_dmarc.example.test", Type.TXT))).containsExactly("v=DMARC1; p=reject");
        Message a = ask(r, "mail.example.test", Type.A);
        assertThat(((ARecord) a.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress()).isEqualTo("127.0.0.2");
        Message mx = ask(r, "example.test", Type.MX);
        MXRecord m = (MXRecord) mx.getSection(Section.ANSWER).get(0);
        assertThat(m.getPriority()).isEqualTo(10);
        assertThat(m.getTarget().toString()).isEqualTo("mail.example.test.");
    }

    @Test
    void splitsLongTxtIntoStringsOfAtMost255Bytes() throws IOException {
        Message m = ask(dns.resolver(), "long.example.test", Type.TXT);
        TXTRecord rec = (TXTRecord) m.getSection(Section.ANSWER).get(0);
        assertThat(LONG.length()).isGreaterThan(255);
        assertThat(rec.getStrings()).hasSizeGreaterThan(1);
        assertThat(rec.getStrings()).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
        assertThat(rec.getStrings().get(0)).hasSize(255);
        assertThat(String.join("", rec.getStrings())).isEqualTo(LONG);
    }

    @Test
    void keepsExplicitStringsAndEscapes() throws IOException {
        Message m = ask(dns.resolver(), "multi.example.test", Type.TXT);
        assertThat(((TXTRecord) m.getSection(Section.ANSWER).get(0)).getStrings()).containsExactly("v=DMARC1; ", "p=none");
        assertThat(txt(ask(dns.resolver(), "quote.example.test", Type.TXT))).containsExactly("say \"hi\" \\ there");
    }

    @Test
    void answersOverTcpToo() throws IOException {
        SimpleResolver r = dns.resolver();
        r.setTCP(true);
        assertThat(txt(ask(r, "_dmarc.example.test", Type.TXT))).containsExactly("v=DMARC1; p=reject");
    }

    @Test
    void nxdomainAndNodata() throws IOException {
        SimpleResolver r = dns.resolver();
        assertThat(ask(r, "nope.example.test", Type.TXT).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        Message nodata = ask(r, "mail.example.test", Type.TXT);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        // Outside every configured zone: the built-in empty root zone says NXDOMAIN, not REFUSED.
        assertThat(ask(r, "_dmarc.test", Type.TXT).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask(r, "example.invalid", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void brokenZoneGivesServfail() throws IOException {
        assertThat(ask(dns.resolver(), "_dmarc.broken.test", Type.TXT).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask(dns.resolver(), "broken.test", Type.SOA).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void loadsZoneFilesFromTestResources() throws IOException {
        assertThat(txt(ask(dns.resolver(), "_dmarc.fromfile.test", Type.TXT)))
                .containsExactly("v=DMARC1; p=none; rua=mailto:agg@fromfile.test");
        assertThat(ask(dns.resolver(), "other.test", Type.A).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void closeStopsTheServer() throws IOException {
        KnotDnsServer own = KnotDnsServer.builder().zone("stop.test").a("@", "127.0.0.9").withoutRootZone().start();
        SimpleResolver r = own.resolver();
        assertThat(ask(r, "stop.test", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        // Without the root zone, names outside the zones are REFUSED by Knot.
        assertThat(ask(r, "elsewhere.test", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        own.close();
        assertThat(own.isRunning()).isFalse();
        r.setTimeout(Duration.ofMillis(300));
        r.setTCP(true);
        assertThatThrownBy(() -> ask(r, "stop.test", Type.A)).isInstanceOf(IOException.class);
    }
}
