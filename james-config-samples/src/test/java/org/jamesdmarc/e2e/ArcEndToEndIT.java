package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jamesdmarc.e2e.SampleSetup.AUTHSERV_ID;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.mail.SendFailedException;
import javax.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.jamesdmarc.testsupport.MissingTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARC (RFC 8617, issue 13) end to end: a p=reject message, DKIM-signed by its author domain and sent from that
 * domain's SPF address, goes through a mailing list that tags its Subject, appends a footer and seals it (dkimpy's
 * {@code arcsign}, Debian {@code python3-dkim}: an implementation other than ours), then arrives at James from the
 * list's own address with the list's envelope sender. DMARC fails there (the author's signature is broken, SPF is
 * the list's), so:
 * <ul>
 *   <li>with the sample as shipped (no trusted sealer) the hook refuses it at SMTP: 550 5.7.1;</li>
 *   <li>with the sample's commented {@code trustedArcSealers} set to the list (hook and mailet, the overlay an admin
 *       would write) it is delivered, our Authentication-Results say {@code dmarc=fail} and {@code arc=pass}, and the
 *       history records the override {@code trusted_forwarder} with the sealer.</li>
 * </ul>
 * Two James starts, one after the other (configuration is read at start only).
 */
class ArcEndToEndIT {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final String PYTHON = "/usr/bin/python3";
    private static final String ARCSIGN = "/usr/bin/arcsign";
    private static final String DKNEWKEY = "/usr/bin/dknewkey";

    private static final String AUTHOR = "alice@author-arc.test";
    private static final String LIST_DOMAIN = "lists-arc.test";
    private static final String LIST_BOUNCES = "bounces@" + LIST_DOMAIN;
    private static final String LIST_SELECTOR = "arc1";
    /** The list's own outgoing address: its SPF, not the author's. */
    private static final String LIST_IP = "127.0.0.5";
    /** The sample's commented example, which the trusted variant sets (in the hook and in the mailet). */
    private static final String COMMENTED_SEALERS = "<!-- <trustedArcSealers>forwarder.example.net</trustedArcSealers> -->";

    @TempDir
    static Path tmp;
    private static KnotDnsServer dns;
    private static DkimTestSigner author;
    private static Path listKey;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of(ARCSIGN, DKNEWKEY, PYTHON)) {
            if (!Files.isExecutable(Path.of(tool))) {
                MissingTool.unavailable("dkimpy's arcsign and dknewkey (Debian package python3-dkim): " + tool);
            }
        }
        author = DkimTestSigner.rsa2048("author-arc.test", "sel1");
        // The list's key, made by dkimpy's own tool: a PEM private key and its DNS record text.
        run(List.of(DKNEWKEY, "list"), null, tmp);
        listKey = tmp.resolve("list.key");
        String listRecord = Files.readString(tmp.resolve("list.dns"), StandardCharsets.US_ASCII).strip();
        assertThat(listRecord).startsWith("v=DKIM1;");
        dns = KnotDnsServer.builder()
            .zone("author-arc.test")
                .txt("@", "v=spf1 ip4:" + GOOD_IP + " -all")
                .txt("_dmarc", "v=DMARC1; p=reject")
                .txt(author.selector() + "._domainkey", author.txtRecord())
            .zone(LIST_DOMAIN)
                .txt("@", "v=spf1 ip4:" + LIST_IP + " -all")
                .txt(LIST_SELECTOR + "._domainkey", listRecord)
            .start();
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void anUntrustedListsSealChangesNothingAndThePRejectFailureIsRefusedAtSmtp() throws Exception {
        String token = TestMail.token();
        byte[] relayed = throughTheList(token);
        try (JamesProcess james = JamesProcess.builder("arc-untrusted").dnsServers(dns.hostPort()).start()) {
            assertThatThrownBy(() -> SmtpClient.from(james, LIST_IP, "mail." + LIST_DOMAIN)
                    .sendRaw(relayed, LIST_BOUNCES, james.user()))
                .isInstanceOf(SendFailedException.class)
                .hasStackTraceContaining("550")
                .hasStackTraceContaining("5.7.1")
                .hasStackTraceContaining("author-arc.test");
            JsonNode r = only(DmarcCommand.awaitHistory(james, 1, DELIVERY_TIMEOUT));
            assertThat(r.get("action").asText()).isEqualTo("rejected");
            assertThat(r.get("disposition").asText()).isEqualTo("reject");
            assertThat(r.get("overrides")).isEmpty();
            assertThat(r.get("arcSealer").isNull()).isTrue();
        }
    }

    @Test
    void aTrustedListsSealDeliversThePRejectFailureAsTrustedForwarder() throws Exception {
        String token = TestMail.token();
        byte[] relayed = throughTheList(token);
        try (JamesProcess james = JamesProcess.builder("arc-trusted").dnsServers(dns.hostPort())
                .confOverlay(trustingTheList()).start()) {
            SmtpClient.from(james, LIST_IP, "mail." + LIST_DOMAIN).sendRaw(relayed, LIST_BOUNCES, james.user());

            Optional<MimeMessage> got = ImapInbox.of(james).await(TestMail.TOKEN_HEADER, token, DELIVERY_TIMEOUT);
            assertThat(got).as("delivered over IMAP; James log:%n%s", james.logTail()).isPresent();
            assertThat(got.get().getSubject()).startsWith("[list] ");
            assertThat(TestMail.authResults(got.get(), AUTHSERV_ID)).singleElement().satisfies(ar -> assertThat(ar)
                .contains("dmarc=fail", "header.from=author-arc.test", "dkim=fail", "header.d=author-arc.test",
                    "arc=pass header.oldest-pass=0"));

            JsonNode r = only(DmarcCommand.awaitHistory(james, 1, DELIVERY_TIMEOUT));
            assertThat(r.get("action").asText()).isEqualTo("delivered");
            assertThat(r.get("result").asText()).isEqualTo("fail");
            assertThat(r.get("disposition").asText()).isEqualTo("none");
            assertThat(r.get("sourceIp").asText()).isEqualTo(LIST_IP);
            assertThat(r.get("overrides")).singleElement()
                .satisfies(o -> assertThat(o.asText()).isEqualTo("trusted_forwarder"));
            assertThat(r.get("arcSealer").get("domain").asText()).isEqualTo(LIST_DOMAIN);
            assertThat(r.get("arcSealer").get("instance").asInt()).isEqualTo(1);
        }
    }

    /**
     * The author's DKIM-signed message as the list sends it on: its arrival results recorded under the list's
     * authserv-id (the author's signature and SPF passed there), Subject tagged, a footer appended, then sealed by
     * dkimpy's {@code arcsign}, which records that Authentication-Results field in its ARC-Authentication-Results.
     */
    private static byte[] throughTheList(String token) throws Exception {
        String signed = new String(author.sign(TestMail.message(AUTHOR, "list@" + LIST_DOMAIN, token, List.of())),
            StandardCharsets.UTF_8);
        String atTheList = "Authentication-Results: " + LIST_DOMAIN + "; dkim=pass header.d=author-arc.test;"
            + " spf=pass smtp.mailfrom=author-arc.test; dmarc=pass header.from=author-arc.test\r\n"
            + signed.replace("\r\nSubject: dmarc e2e ", "\r\nSubject: [list] dmarc e2e ")
            + "-- \r\nlist footer\r\n";
        assertThat(atTheList).contains("Subject: [list] dmarc e2e " + token);
        byte[] sealed = run(List.of(ARCSIGN, LIST_SELECTOR, LIST_DOMAIN, listKey.toString(), LIST_DOMAIN),
            atTheList.getBytes(StandardCharsets.UTF_8), tmp);
        assertThat(new String(sealed, StandardCharsets.UTF_8)).startsWith("ARC-Seal: i=1;");
        return sealed;
    }

    /** The sample's smtpserver.xml and mailetcontainer.xml with the commented trustedArcSealers set to the list. */
    private static Path trustingTheList() throws IOException {
        Path overlay = Files.createDirectories(tmp.resolve("trusted-conf"));
        for (String file : List.of("smtpserver.xml", "mailetcontainer.xml")) {
            String sample = Files.readString(JamesProcess.repositoryRoot()
                .resolve("james-config-samples/conf/" + file));
            assertThat(sample).as(file).containsOnlyOnce(COMMENTED_SEALERS);
            Files.writeString(overlay.resolve(file), sample.replace(COMMENTED_SEALERS,
                "<trustedArcSealers>" + LIST_DOMAIN + "</trustedArcSealers>"));
        }
        return overlay;
    }

    private static JsonNode only(List<JsonNode> records) {
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    /** Runs {@code command} in {@code dir} with {@code stdin}; its standard output, or an assertion error. */
    private static byte[] run(List<String> command, byte[] stdin, Path dir) throws Exception {
        Path err = Files.createTempFile(dir, "tool", ".err");
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
            .redirectError(err.toFile()).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        assertThat(p.exitValue()).as("%s: %s", command, Files.readString(err)).isZero();
        return out;
    }
}
