package org.jamesdmarc.reporting.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesdmarc.reporting.ingest.ReportSamples;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.InboundReportStore;
import org.jamesdmarc.store.JdbcHistoryStore;
import org.jamesdmarc.store.StoreException;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The matcher and the mailet of the rua/ruf mailbox, on a real H2 database. */
class DmarcReportIngestTest {

    @TempDir
    Path tmp;
    @RegisterExtension
    final StoreFixture stores = new StoreFixture();
    private JdbcHistoryStore store;

    private static FakeMail mail(byte[] message, String... recipients) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(message));
        return FakeMail.builder().name("m1").recipients(recipients).mimeMessage(m).state(Mail.DEFAULT).build();
    }

    private DmarcReportIngest mailet(String rejectedProcessor) throws MessagingException {
        store = stores.closeAfter(JdbcHistoryStore.open(stores.database(Backend.H2, tmp).config()));
        DmarcReportIngest mailet = new DmarcReportIngest(() -> store, () -> { },
                Clock.fixed(Instant.parse("2026-12-02T03:00:00Z"), ZoneOffset.UTC));
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DmarcReportIngest");
        if (rejectedProcessor != null) {
            config.setProperty("rejectedProcessor", rejectedProcessor);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static byte[] aggregateMail(String reportId) {
        return ReportSamples.mail("noreply-dmarc-support@google.com", reportId + "@google.com", "application/zip",
                "google.com!example.com!" + reportId + ".zip",
                ReportSamples.zip("r.xml", ReportSamples.utf8(ReportSamples.googleStyle(reportId))));
    }

    @Test
    void theMatcherTakesReportMailToTheReportMailboxesOnly() throws Exception {
        IsDmarcReport matcher = new IsDmarcReport();
        matcher.init(FakeMatcherConfig.builder().matcherName("IsDmarcReport")
                .condition("dmarc-reports@james.local, ruf@james.local").build());
        assertThat(matcher.match(mail(aggregateMail("a"), "dmarc-reports@james.local", "bob@james.local")))
                .containsExactly(new MailAddress("dmarc-reports@james.local"));
        assertThat(matcher.match(mail(ReportSamples.failureReportMail("f@x"), "ruf@james.local")))
                .containsExactly(new MailAddress("ruf@james.local"));
        assertThat(matcher.match(mail(aggregateMail("a"), "bob@james.local"))).isEmpty();
        assertThat(matcher.match(mail(ReportSamples.utf8("From: a@b\r\nSubject: hi\r\n\r\nhello\r\n"),
                "dmarc-reports@james.local"))).isEmpty();

        IsDmarcReport any = new IsDmarcReport();
        any.init(FakeMatcherConfig.builder().matcherName("IsDmarcReport").build());
        assertThat(any.match(mail(aggregateMail("a"), "bob@james.local")))
                .containsExactly(new MailAddress("bob@james.local"));
    }

    @Test
    void reportsAreStoredOnceAndTheMailGoesOn() throws Exception {
        DmarcReportIngest mailet = mailet(null);
        FakeMail first = mail(aggregateMail("a"), "dmarc-reports@james.local");
        mailet.service(first);
        assertThat(first.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(first.getAttribute(DmarcReportIngest.OUTCOME).orElseThrow().getValue().value())
                .isEqualTo("reports=1 records=2 messages=1001 duplicates=0 rejected=0");
        FakeMail again = mail(aggregateMail("a"), "dmarc-reports@james.local");
        mailet.service(again);
        assertThat(again.getAttribute(DmarcReportIngest.OUTCOME).orElseThrow().getValue().value())
                .isEqualTo("reports=0 records=0 messages=0 duplicates=1 rejected=0");
        FakeMail failure = mail(ReportSamples.failureReportMail("f1@receiver.example"), "ruf@james.local");
        mailet.service(failure);
        assertThat(new InboundReportStore(store).totals().failures()).isEqualTo(1);
        assertThat(new InboundReportStore(store).totals().reports()).isEqualTo(1);
    }

    @Test
    void aRefusedReportSendsTheMailToTheRejectedProcessor() throws Exception {
        DmarcReportIngest mailet = mailet("dmarc-report-rejected");
        FakeMail bad = mail(ReportSamples.mail("x@bad.example", "bad@bad.example", "text/xml", "r.xml",
                ReportSamples.utf8(ReportSamples.billionLaughs())), "dmarc-reports@james.local");
        mailet.service(bad);
        assertThat(bad.getState()).isEqualTo("dmarc-report-rejected");
        assertThat(new InboundReportStore(store).rejected(org.jamesdmarc.store.InboundStats.Page.first(10)))
                .singleElement().satisfies(r -> assertThat(r.reason()).contains("DTD"));
    }

    @Test
    void aDatabaseFailureNeverFailsOrLosesTheMail() throws Exception {
        int[] resets = new int[1];
        DmarcReportIngest mailet = new DmarcReportIngest(() -> {
            throw new StoreException("cannot reach the database at jdbc:postgresql://db/x");
        }, () -> resets[0]++, Clock.systemUTC());
        mailet.init(FakeMailetConfig.builder().mailetName("DmarcReportIngest").build());
        FakeMail m = mail(aggregateMail("a"), "dmarc-reports@james.local");
        mailet.service(m);
        assertThat(m.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(m.getAttribute(DmarcReportIngest.OUTCOME).orElseThrow().getValue().value().toString())
                .startsWith("error: cannot reach the database");
        assertThat(resets[0]).isEqualTo(1);
        assertThat(Optional.ofNullable(m.getMessage())).isPresent();
    }
}
