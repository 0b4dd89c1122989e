package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jamesdmarc.e2e.SampleSetup.AUTHSERV_ID;
import static org.jamesdmarc.e2e.SampleSetup.GOOD_IP;
import static org.jamesdmarc.e2e.SampleSetup.closeAll;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARC (RFC 8617, issue 13) end to end with two real James 3.8.1 started from the samples: a p=reject message,
 * DKIM-signed by its author domain, is sent from that domain's SPF address to {@code list@lists-arc.test}, a James
 * "group" address (RecipientRewriteTable) on a second James that plays the mailing list: its own DMARC check passes
 * the message and writes its Authentication-Results ({@code mx.lists-arc.test}), James's {@code AddSubjectPrefix}
 * tags the Subject (which breaks the author's signature), the group expands to the first James's user, and in the
 * relay processor our {@code ArcSeal} seals it for {@code lists-arc.test} (key generated here, published in the
 * test's zone) before {@code RemoteDelivery} hands it to the first James, bound to the list's own address
 * {@code 127.0.0.5} (SPF of the list, not the author; not James's authorized 127.0.0.1). DMARC fails at the first
 * James (the author's signature is broken, SPF is not the author's), so:
 * <ul>
 *   <li>with the sample as shipped (no trusted sealer) its hook refuses it at SMTP, which the list James's
 *       RemoteDelivery sees as a permanent failure: the history records it rejected;</li>
 *   <li>with the sample's commented {@code trustedArcSealers} set to the list (hook and mailet, the overlay an admin
 *       would write) it is delivered, our Authentication-Results say {@code dmarc=fail} and {@code arc=pass}, and the
 *       history records the override {@code trusted_forwarder} with the sealer.</li>
 * </ul>
 * Three James starts: the list, which stays up, and the first James once per configuration (read at start only), on
 * the one SMTP port the list relays to.
 */
class ArcEndToEndIT {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);

    private static final String AUTHOR = "alice@author-arc.test";
    private static final String LIST_DOMAIN = "lists-arc.test";
    private static final String LIST_ADDRESS = "list@" + LIST_DOMAIN;
    private static final String LIST_AUTHSERV_ID = "mx." + LIST_DOMAIN;
    private static final String LIST_SELECTOR = "arc1";
    /** The list's own outgoing address: its SPF, not the author's. */
    private static final String LIST_IP = "127.0.0.5";
    /** The sample's commented example, which the trusted variant sets (in the hook and in the mailet). */
    private static final String COMMENTED_SEALERS = "<!-- <trustedArcSealers>forwarder.example.net</trustedArcSealers> -->";
    /** The sample's commented ArcSeal of the relay processor, which the list's overlay enables. */
    private static final String COMMENTED_ARC_SEAL_START = "<!--\n            <mailet match=\"HasMailAttribute=org.jamesdmarc.result\" class=\"org.jamesdmarc.james.ArcSeal\">";
    private static final String SAMPLE_AUTHSERV_ID = "<authservId>mx.james.local</authservId>";

    @TempDir
    static Path tmp;
    private static KnotDnsServer dns;
    private static DkimTestSigner author;
    /** The first James's SMTP port, fixed before the list James starts: its RemoteDelivery gateway. */
    private static int receiverSmtpPort;
    private static JamesProcess list;

    @BeforeAll
    static void start() throws Exception {
        author = DkimTestSigner.rsa2048("author-arc.test", "sel1");
        DkimTestSigner listKey = DkimTestSigner.rsa2048(LIST_DOMAIN, LIST_SELECTOR);
        dns = KnotDnsServer.builder()
            .zone("author-arc.test")
                .txt("@", "v=spf1 ip4:" + GOOD_IP + " -all")
                .txt("_dmarc", "v=DMARC1; p=reject")
                .txt(author.selector() + "._domainkey", author.txtRecord())
            .zone(LIST_DOMAIN)
                .txt("@", "v=spf1 ip4:" + LIST_IP + " -all")
                .txt(LIST_SELECTOR + "._domainkey", listKey.txtRecord())
            .start();
        receiverSmtpPort = freePort();
        list = JamesProcess.builder("arc-list").dnsServers(dns.hostPort())
            .env("JAMES_DOMAIN", LIST_DOMAIN)
            .env("JAMES_USER", "owner@" + LIST_DOMAIN)
            .env("JAMES_RELAY_GATEWAY", JamesProcess.HOST + ":" + receiverSmtpPort)
            .mailetBlock("<mailet match=\"RecipientIs=" + LIST_ADDRESS + "\" class=\"AddSubjectPrefix\">"
                + "<subjectPrefix>[list]</subjectPrefix></mailet>")
            .confOverlay(theList(pkcs8Pem(listKey)))
            .start();
        // The list: a James group (RecipientRewriteTable) whose one member is the first James's user.
        WebAdminClient.Answer group = new WebAdminClient(list, Optional.empty())
            .put("/address/groups/" + LIST_ADDRESS + "/user@james.local");
        assertThat(group.status()).as("PUT group: %s", group.body()).isEqualTo(204);
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(list, dns);
    }

    @Test
    void anUntrustedListsSealChangesNothingAndThePRejectFailureIsRefusedAtSmtp() throws Exception {
        String token = TestMail.token();
        try (JamesProcess james = JamesProcess.builder("arc-untrusted").dnsServers(dns.hostPort())
                .smtpPort(receiverSmtpPort).start()) {
            toTheList(token);
            JsonNode r = only(DmarcCommand.awaitHistory(james, 1, DELIVERY_TIMEOUT));
            assertThat(r.get("action").asText()).isEqualTo("rejected");
            assertThat(r.get("disposition").asText()).isEqualTo("reject");
            assertThat(r.get("sourceIp").asText()).isEqualTo(LIST_IP);
            assertThat(r.get("overrides")).isEmpty();
            assertThat(r.get("arcSealer").isNull()).isTrue();
            assertThat(ImapInbox.of(james).await(TestMail.TOKEN_HEADER, token, Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void aTrustedListsSealDeliversThePRejectFailureAsTrustedForwarder() throws Exception {
        String token = TestMail.token();
        try (JamesProcess james = JamesProcess.builder("arc-trusted").dnsServers(dns.hostPort())
                .smtpPort(receiverSmtpPort).confOverlay(trustingTheList()).start()) {
            toTheList(token);

            Optional<MimeMessage> got = ImapInbox.of(james).await(TestMail.TOKEN_HEADER, token, DELIVERY_TIMEOUT);
            assertThat(got).as("delivered over IMAP; James log:%n%s%nlist James log:%n%s", james.logTail(),
                list.logTail()).isPresent();
            assertThat(got.get().getSubject()).startsWith("[list]");
            assertThat(got.get().getHeader("ARC-Seal")).singleElement()
                .satisfies(seal -> assertThat(seal).contains("i=1", "cv=none", "d=" + LIST_DOMAIN));
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

    /** The author's DKIM-signed message, sent from the author's SPF address to the list on the list James. */
    private static void toTheList(String token) throws Exception {
        byte[] signed = author.sign(TestMail.message(AUTHOR, LIST_ADDRESS, token, List.of()));
        SmtpClient.from(list, GOOD_IP, "mail.author-arc.test").sendRaw(signed, AUTHOR, LIST_ADDRESS);
    }

    /**
     * The list James's overlay on the sample: its own domain and authserv-id, the relay processor's commented
     * ArcSeal enabled for the list's domain and key, RemoteDelivery bound to the list's address.
     */
    private static Path theList(String pem) throws IOException {
        Path overlay = Files.createDirectories(tmp.resolve("list-conf"));
        Path key = overlay.resolve("arc-seal.pem");
        Files.writeString(key, pem, StandardCharsets.US_ASCII);
        Path sampleConf = JamesProcess.repositoryRoot().resolve("james-config-samples/conf");

        String domains = Files.readString(sampleConf.resolve("domainlist.xml"));
        assertThat(domains).contains("<domainname>james.local</domainname>", "<defaultDomain>james.local</defaultDomain>");
        Files.writeString(overlay.resolve("domainlist.xml"), domains.replace(">james.local<", ">" + LIST_DOMAIN + "<"));

        String smtp = Files.readString(sampleConf.resolve("smtpserver.xml"));
        assertThat(smtp).containsOnlyOnce(SAMPLE_AUTHSERV_ID);
        Files.writeString(overlay.resolve("smtpserver.xml"),
            smtp.replace(SAMPLE_AUTHSERV_ID, "<authservId>" + LIST_AUTHSERV_ID + "</authservId>"));

        String mailets = Files.readString(sampleConf.resolve("mailetcontainer.xml"));
        assertThat(mailets).containsOnlyOnce(COMMENTED_ARC_SEAL_START).contains("<heloName>mx.james.local</heloName>");
        int open = mailets.indexOf(COMMENTED_ARC_SEAL_START);
        int close = mailets.indexOf("-->", open);
        String seal = mailets.substring(open + "<!--".length(), close)
            .replace("HasMailAttribute=org.jamesdmarc.result", "All")
            .replace("<domain>james.local</domain>", "<domain>" + LIST_DOMAIN + "</domain>")
            .replace("<selector>arc</selector>", "<selector>" + LIST_SELECTOR + "</selector>")
            .replace("<privateKeyFilepath>conf/arc-seal.pem</privateKeyFilepath>",
                "<privateKeyFilepath>" + key.toAbsolutePath() + "</privateKeyFilepath>");
        assertThat(seal).contains("<domain>" + LIST_DOMAIN + "</domain>", "<selector>" + LIST_SELECTOR + "</selector>",
            key.toAbsolutePath().toString());
        mailets = mailets.substring(0, open) + seal + mailets.substring(close + "-->".length());
        mailets = mailets.replace("mx.james.local", LIST_AUTHSERV_ID)
            .replace("<heloName>" + LIST_AUTHSERV_ID + "</heloName>",
                "<heloName>" + LIST_AUTHSERV_ID + "</heloName>\n                <bind>" + LIST_IP + "</bind>");
        assertThat(mailets).containsOnlyOnce("<bind>" + LIST_IP + "</bind>");
        Files.writeString(overlay.resolve("mailetcontainer.xml"), mailets);
        return overlay;
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

    private static String pkcs8Pem(DkimTestSigner key) {
        return "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.privateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(JamesProcess.HOST), 0));
            return s.getLocalPort();
        }
    }

    private static JsonNode only(List<JsonNode> records) {
        assertThat(records).hasSize(1);
        return records.get(0);
    }
}
