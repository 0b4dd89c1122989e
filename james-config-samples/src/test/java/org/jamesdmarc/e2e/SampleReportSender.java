package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.KnotDnsServer;

/**
 * What the report end-to-end tests ({@link DmarcReportIT}, {@link DmarcFailureReportIT}, {@link DmarcReportCrashIT})
 * share about the James that sends the reports: the sample's report address and DKIM signing domain and selector, a
 * report key of the test's own published in knotd and written into the James home where {@code ./run-james} would
 * have generated it, and conf overlays of the sample {@code dmarc.properties}.
 */
final class SampleReportSender {

    /** The sample's DKIMSign domain of the reports ({@code d=}), the domain of {@link #REPORT_FROM}. */
    static final String REPORT_DOMAIN = "james.local";
    /** The sample's DKIMSign selector of the reports ({@code s=}). */
    static final String REPORT_SELECTOR = "dmarc-report";
    /** The sample's {@code report.email}. */
    static final String REPORT_FROM = "dmarc-reports@james.local";
    /** Where {@code ./run-james} keeps the report key, under the James home. */
    private static final String REPORT_KEY = "var/dmarc/report-dkim/dmarc-report-dkim.pem";

    private SampleReportSender() {
    }

    /** A new report key of {@link #REPORT_DOMAIN} and {@link #REPORT_SELECTOR}. */
    static DkimTestSigner newReportKey() {
        return DkimTestSigner.rsa2048(REPORT_DOMAIN, REPORT_SELECTOR);
    }

    /**
     * Adds the zone of {@link #REPORT_DOMAIN} to {@code dns}: no SPF for James's address (the reports pass DMARC by
     * their DKIM signature alone), {@code p=reject}, and {@code key}.
     */
    static KnotDnsServer.Builder publish(KnotDnsServer.Builder dns, DkimTestSigner key) {
        return dns.zone(REPORT_DOMAIN)
                .txt("@", "v=spf1 -all")
                .txt("_dmarc", "v=DMARC1; p=reject")
                .txt(REPORT_SELECTOR + "._domainkey", key.txtRecord())
            .and();
    }

    /** A James home holding the report key where run-james would have generated one (owner-only, PKCS#8 PEM). */
    static Path homeWithReportKey(DkimTestSigner key) throws IOException {
        Path e2e = Files.createDirectories(Paths.get(System.getProperty("jamesdmarc.e2e.dir",
            JamesProcess.repositoryRoot().resolve("james-config-samples/target/james-e2e").toString())));
        Path home = Files.createTempDirectory(e2e, "dmarc-report-");
        Path file = home.resolve(REPORT_KEY);
        Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
        String pem = "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.privateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(file, pem);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return home;
    }

    /**
     * The sample {@code dmarc.properties} with a one-minute period, a five-second delay and a two-second check
     * interval; every other report setting is the sample's.
     */
    static Path shortReportPeriod() throws IOException {
        String sample = Files.readString(JamesProcess.repositoryRoot()
            .resolve("james-config-samples/conf/dmarc.properties"));
        String shortened = replaceLine(sample, "report.period=", "report.period=PT1M");
        shortened = replaceLine(shortened, "report.delay=", "report.delay=PT5S");
        shortened = replaceLine(shortened, "#report.checkInterval=", "report.checkInterval=PT2S");
        assertThat(shortened).contains("report.enabled=true", "report.email=" + REPORT_FROM);
        Path dir = Files.createDirectories(JamesProcess.repositoryRoot()
            .resolve("james-config-samples/target/james-e2e"));
        Path overlay = Files.createTempDirectory(dir, "report-conf-");
        Files.writeString(overlay.resolve("dmarc.properties"), shortened);
        return overlay;
    }

    /** {@code text} with its first line that starts with {@code prefix} replaced by {@code line}, which must exist. */
    static String replaceLine(String text, String prefix, String line) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + ".*$").matcher(text);
        assertThat(m.find()).as("the sample dmarc.properties has a line %s...", prefix).isTrue();
        return m.replaceFirst(Matcher.quoteReplacement(line));
    }
}
