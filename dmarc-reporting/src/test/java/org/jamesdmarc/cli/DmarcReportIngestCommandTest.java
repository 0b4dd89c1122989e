package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jamesdmarc.reporting.ingest.ReportSamples;
import org.jamesdmarc.store.Backend;
import org.jamesdmarc.store.StoreFixture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code dmarc report ingest} in-process on a real database: files and directories, --json, a second run. */
class DmarcReportIngestCommandTest {

    @TempDir
    Path tmp;
    private Backend.TestDatabase db;

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private CliRun ingest(String... more) {
        List<String> args = new ArrayList<>(List.of("report", "ingest", "--db", db.url(), "--db-user", db.user()));
        args.addAll(List.of(more));
        return CliRun.run(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void filesAndDirectoriesAreIngestedOnceAndRefusalsAreNamed(Backend backend) throws IOException {
        db = stores.database(backend, tmp);
        Path dir = Files.createDirectories(tmp.resolve("reports/sub"));
        Files.write(dir.resolve("a.xml"), ReportSamples.utf8(ReportSamples.rfc9990()));
        Files.write(dir.resolve("b.xml.gz"), ReportSamples.gzip(ReportSamples.utf8(ReportSamples.microsoftStyle())));
        Files.write(dir.resolve("c.zip"), ReportSamples.zip("c.xml", ReportSamples.utf8(ReportSamples.googleStyle("c"))));
        Files.write(dir.resolve("bad.xml"), ReportSamples.utf8(ReportSamples.xxe()));
        Path mail = Files.write(tmp.resolve("report.eml"), ReportSamples.mail("r@google.com", "m@google.com",
                "application/gzip", "d.xml.gz", ReportSamples.gzip(ReportSamples.utf8(ReportSamples.googleStyle("d")))));

        CliRun first = ingest("--json", tmp.resolve("reports").toString(), mail.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.json().get("reports").asLong()).isEqualTo(4);
        assertThat(first.json().get("records").asLong()).isEqualTo(3 + 1 + 2 + 2);
        assertThat(first.json().get("messages").asLong()).isEqualTo(17 + 3 + 1001 + 1001);
        assertThat(first.json().get("duplicates").asLong()).isZero();
        assertThat(first.json().get("rejected").asLong()).isEqualTo(1);
        assertThat(first.json().size()).isEqualTo(5);
        assertThat(first.err()).contains("bad.xml: refused, kept aside: a DTD is refused");

        CliRun second = ingest("--json", tmp.resolve("reports").toString(), mail.toString());
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.json().get("reports").asLong()).isZero();
        assertThat(second.json().get("duplicates").asLong()).isEqualTo(4);
        assertThat(second.json().get("rejected").asLong()).isEqualTo(1);

        CliRun text = ingest(dir.resolve("a.xml").toString());
        assertThat(text.out()).contains("0 new reports", "1 already stored");

        CliRun missing = ingest(tmp.resolve("absent.xml").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2", "POSTGRESQL"})
    void expireDeletesTheReportsOlderThanTheRetention(Backend backend) throws IOException {
        db = stores.database(backend, tmp);
        Path dir = Files.createDirectories(tmp.resolve("reports"));
        Files.write(dir.resolve("a.xml"), ReportSamples.utf8(ReportSamples.rfc9990()));
        Files.write(dir.resolve("c.zip"), ReportSamples.zip("c.xml", ReportSamples.utf8(ReportSamples.googleStyle("c"))));
        Files.write(dir.resolve("bad.xml"), ReportSamples.utf8(ReportSamples.xxe()));
        assertThat(ingest("--json", dir.toString()).json().get("reports").asLong()).isEqualTo(2);

        // The samples' ranges began in 2025; the refused file came in now.
        List<String> expire = List.of("report", "expire", "--db", db.url(), "--db-user", db.user());
        List<String> args = new ArrayList<>(expire);
        args.addAll(List.of("--days", "1", "--json"));
        CliRun first = CliRun.run(args.toArray(String[]::new));
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.json().get("reports").asLong()).isEqualTo(2);
        assertThat(first.json().get("records").asLong()).isEqualTo(3 + 2);
        assertThat(first.json().get("rejected").asLong()).isZero();
        CliRun again = CliRun.run(args.toArray(String[]::new));
        assertThat(again.json().get("reports").asLong()).isZero();
        assertThat(ingest("--json", dir.toString()).json().get("reports").asLong()).as("expired, so new again")
                .isEqualTo(2);

        List<String> bad = new ArrayList<>(expire);
        bad.addAll(List.of("--days", "0"));
        CliRun refused = CliRun.run(bad.toArray(String[]::new));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--days must be between 1 and");
    }
}
