package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.jamesdmarc.dns.DnsjavaClient;
import org.jamesdmarc.testsupport.DkimTestSigner;
import org.jamesdmarc.testsupport.KnotDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dmarc evaluate --dns 127.0.0.1:<port>} against a real authoritative DNS server (Knot) on loopback:
 * own SPF and DKIM checks and DMARC policy discovery through the real dnsjava client, verdicts read from
 * the JSON output.
 */
class DmarcEvaluateRealDnsTest {

    private static final String AUTHSERV = "mx.receiver.test";
    private static final String SPF = "v=spf1 ip4:127.0.0.2 -all";

    private static KnotDnsServer dns;
    private static DkimTestSigner signer;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDns() {
        signer = DkimTestSigner.rsa2048("reject.test", "s1");
        dns = KnotDnsServer.builder()
                .zone("reject.test")
                    .txt("_dmarc", "v=DMARC1; p=reject")
                    .txt("@", SPF)
                    .txt(signer.keyRecordName() + ".", signer.txtRecord())
                .zone("quarantine.test")
                    .txt("_dmarc", "v=DMARC1; p=quarantine")
                    .txt("@", SPF)
                .zone("monitor.test")
                    .txt("_dmarc", "v=DMARC1; p=none")
                    .txt("@", SPF)
                .zone("nodmarc.test")
                    .txt("@", SPF)
                .brokenZone("broken.test")
                .start();
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    private static byte[] message(String from) {
        return ("From: " + from + "\r\nTo: bob@receiver.test\r\nSubject: hi\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code dmarc evaluate ... --message <file> --json} with the message saved to a file. */
    private CliRun evaluate(String ip, String mailFrom, byte[] message, String... more) throws IOException {
        Path file = Files.createTempFile(dir, "msg", ".eml");
        Files.write(file, message);
        List<String> args = new ArrayList<>(List.of("evaluate", "--ip", ip, "--helo", "client.example",
                "--mail-from", mailFrom, "--dns", dns.hostPort(), "--authserv-id", AUTHSERV,
                "--message", file.toString(), "--json"));
        args.addAll(List.of(more));
        return CliRun.run(args.toArray(String[]::new));
    }

    @Test
    void trustedResultsCountOnlyInWhatATrustedRelayAdded() throws Exception {
        // 127.0.0.3 fails SPF for reject.test; the forged field claims a pass from the trusted relay's id.
        byte[] forged = ("Authentication-Results: relay.receiver.test; spf=pass smtp.mailfrom=x@reject.test\r\n"
                + new String(message("a@reject.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CliRun direct = evaluate("127.0.0.3", "x@reject.test", forged,
                "--trusted-authserv-ids", "relay.receiver.test", "--trusted-relays", "127.0.0.1");
        assertThat(direct.json().at("/dmarc/result").asText()).as(direct.toString()).isEqualTo("fail");
        assertThat(direct.json().at("/spf/result").asText()).isEqualTo("fail");

        // The same field added by the relay at 127.0.0.1 above its Received field naming the client: believed.
        byte[] relayed = ("Authentication-Results: relay.receiver.test; spf=pass smtp.mailfrom=x@reject.test\r\n"
                + "Received: from client.example (client.example [127.0.0.3])\r\n\tby relay.receiver.test;"
                + " Wed, 25 Nov 2026 12:00:00 +0000\r\n"
                + new String(message("a@reject.test"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        CliRun viaRelay = evaluate("127.0.0.1", "x@reject.test", relayed,
                "--trusted-authserv-ids", "relay.receiver.test", "--trusted-relays", "127.0.0.1");
        assertThat(viaRelay.json().at("/dmarc/result").asText()).as(viaRelay.toString()).isEqualTo("pass");

        // OpenDMARC's model on request.
        CliRun anyClient = evaluate("127.0.0.3", "x@reject.test", forged,
                "--trusted-authserv-ids", "relay.receiver.test", "--trust-auth-results-from-any-client");
        assertThat(anyClient.json().at("/dmarc/result").asText()).as(anyClient.toString()).isEqualTo("pass");

        CliRun bad = evaluate("127.0.0.1", "x@reject.test", relayed, "--trusted-relays", "relay.example");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(bad.err()).contains("--trusted-relays").contains("relay.example");
    }

    @Test
    void spfAlignedPass() throws Exception {
        CliRun r = evaluate("127.0.0.2", "bounce@reject.test", message("Alice <alice@reject.test>"));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("pass");
        assertThat(j.at("/dmarc/policyDomain").asText()).isEqualTo("reject.test");
        assertThat(j.at("/dmarc/policy").asText()).isEqualTo("reject");
        assertThat(j.at("/dmarc/disposition").asText()).isEqualTo("none");
        assertThat(j.at("/dmarc/testing").asBoolean()).isFalse();
        assertThat(j.at("/dmarc/reasons")).isEmpty();
        assertThat(j.at("/from/domain").asText()).isEqualTo("reject.test");
        assertThat(j.at("/spf/result").asText()).isEqualTo("pass");
        assertThat(j.at("/spf/domain").asText()).isEqualTo("reject.test");
        assertThat(j.at("/spf/scope").asText()).isEqualTo("mfrom");
        assertThat(j.at("/spf/aligned").asBoolean()).isTrue();
        assertThat(j.get("dkim")).isEmpty();
        assertThat(j.get("authenticationResults").asText()).startsWith(AUTHSERV + ";")
                .contains("spf=pass").contains("dmarc=pass").contains("header.from=reject.test");
    }

    @Test
    void dkimAlignedPassWhileSpfFails() throws Exception {
        byte[] signed = signer.sign(DkimTestSigner.sampleMessage("reject.test", "hello\r\n"));
        CliRun r = evaluate("127.0.0.3", "bounce@reject.test", signed);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.at("/spf/result").asText()).isEqualTo("fail");
        assertThat(j.at("/spf/aligned").asBoolean()).isFalse();
        assertThat(j.get("dkim")).hasSize(1);
        assertThat(j.at("/dkim/0/domain").asText()).isEqualTo("reject.test");
        assertThat(j.at("/dkim/0/selector").asText()).isEqualTo("s1");
        assertThat(j.at("/dkim/0/result").asText()).isEqualTo("pass");
        assertThat(j.at("/dkim/0/aligned").asBoolean()).isTrue();
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("pass");
        assertThat(j.at("/dmarc/disposition").asText()).isEqualTo("none");
        assertThat(j.get("authenticationResults").asText()).contains("dkim=pass").contains("header.d=reject.test");
    }

    @Test
    void signedMessageSavedWithBareLfLineEndsStillPassesDkimFromStdin() {
        // simple/simple, the strictest canonicalisation (RFC 6376 §3.4.1, §3.4.3). The verdict must survive the
        // file having lost its CRs. (jDKIM's parser also accepts bare LF, so this checks the whole path end to
        // end; the LF-to-CRLF conversion itself is unit-tested in DmarcEvaluateCommandTest.)
        byte[] signed = signer.signWithTags(DkimTestSigner.sampleMessage("reject.test", "line one\r\nline two\r\n"),
                "c=simple/simple;");
        byte[] lf = new String(signed, StandardCharsets.UTF_8).replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
        CliRun r = CliRun.run(DmarcCli.newCommandLine(DnsjavaClient::new, () -> new ByteArrayInputStream(lf)),
                "evaluate", "--ip", "127.0.0.3", "--helo", "client.example", "--mail-from", "<>",
                "--dns", dns.hostPort(), "--authserv-id", AUTHSERV, "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.at("/dkim/0/result").asText()).as(r.toString()).isEqualTo("pass");
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("pass");
        // Null reverse-path: SPF checked the HELO identity, which has no SPF record.
        assertThat(j.at("/spf/scope").asText()).isEqualTo("helo");
        assertThat(j.at("/spf/domain").asText()).isEqualTo("client.example");
    }

    @Test
    void failUnderEachPolicy() throws Exception {
        for (String[] c : new String[][] {
                {"monitor.test", "none", "none"},
                {"quarantine.test", "quarantine", "quarantine"},
                {"reject.test", "reject", "reject"}}) {
            CliRun r = evaluate("127.0.0.3", "bounce@" + c[0], message("a@" + c[0]));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            JsonNode j = r.json();
            assertThat(j.at("/dmarc/result").asText()).as(c[0]).isEqualTo("fail");
            assertThat(j.at("/dmarc/policyDomain").asText()).isEqualTo(c[0]);
            assertThat(j.at("/dmarc/policy").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(j.at("/dmarc/disposition").asText()).as(c[0]).isEqualTo(c[2]);
            assertThat(j.at("/spf/result").asText()).isEqualTo("fail");
            assertThat(j.get("authenticationResults").asText()).contains("dmarc=fail").contains("p=" + c[1]);
        }
    }

    @Test
    void noDmarcRecordGivesNone() throws Exception {
        CliRun r = evaluate("127.0.0.2", "bounce@nodmarc.test", message("a@nodmarc.test"));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        JsonNode j = r.json();
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("none");
        assertThat(j.at("/dmarc/policyDomain").isNull()).isTrue();
        assertThat(j.at("/dmarc/policy").isNull()).isTrue();
        assertThat(j.at("/dmarc/disposition").asText()).isEqualTo("none");
        assertThat(j.at("/from/domain").asText()).isEqualTo("nodmarc.test");
        assertThat(j.at("/spf/result").asText()).isEqualTo("pass");
        assertThat(j.get("authenticationResults").asText()).contains("dmarc=none");
    }

    @Test
    void servfailForTheAuthorDomainIsTemperror() throws Exception {
        CliRun r = evaluate("127.0.0.2", "bounce@broken.test", message("a@broken.test"));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.TEMPERROR);
        JsonNode j = r.json();
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("temperror");
        // DNS failure never rejects.
        assertThat(j.at("/dmarc/disposition").asText()).isEqualTo("none");
        assertThat(j.at("/spf/result").asText()).isEqualTo("temperror");
        assertThat(j.get("authenticationResults").asText()).contains("dmarc=temperror");
        assertThat(r.err()).contains("temporary DNS failure");
    }

    @Test
    void garbledFromIsRefused() throws Exception {
        // Issue 8: fail closed by default — permerror with disposition reject and the defect named.
        CliRun r = evaluate("127.0.0.2", "bounce@reject.test", message("<<not an address@@"));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PERMERROR);
        JsonNode j = r.json();
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("permerror");
        assertThat(j.at("/dmarc/disposition").asText()).isEqualTo("reject");
        assertThat(j.at("/dmarc/reasons").toString()).isEqualTo("[\"invalid_from\"]");
        assertThat(j.at("/dmarc/detail").asText()).contains("malformed From field");
        assertThat(j.get("authenticationResults").asText()).startsWith(AUTHSERV + ";").contains("dmarc=permerror");

        // A valid From whose display name is folded with 64 KiB of whitespace: over the size cap, refused too.
        String huge = "Admin" + "\r\n ".repeat(64 * 1024 / 3 + 10) + "<admin@reject.test>";
        CliRun big = evaluate("127.0.0.2", "bounce@reject.test", message(huge));
        assertThat(big.exitCode()).as(big.toString()).isEqualTo(ExitCodes.PERMERROR);
        assertThat(big.json().at("/dmarc/disposition").asText()).isEqualTo("reject");
    }

    @Test
    void garbledFromIsPermerrorWithoutRequiredHeaders() throws Exception {
        CliRun r = evaluate("127.0.0.2", "bounce@reject.test", message("<<not an address@@"), "--no-required-headers");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PERMERROR);
        JsonNode j = r.json();
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("permerror");
        assertThat(j.at("/dmarc/reasons").toString()).isEqualTo("[\"no_author_domain\"]");
        assertThat(j.at("/dmarc/detail").asText()).isNotBlank();
        assertThat(j.at("/dmarc/disposition").asText()).isEqualTo("none");
        assertThat(j.at("/from/domain").isNull()).isTrue();
        assertThat(j.get("authenticationResults").asText()).startsWith(AUTHSERV + ";").contains("dmarc=permerror");
    }

    @Test
    void humanReadableSummary() throws Exception {
        Path file = Files.createTempFile(dir, "msg", ".eml");
        Files.write(file, message("a@quarantine.test"));
        CliRun r = CliRun.run("evaluate", "--ip", "127.0.0.3", "--helo", "client.example", "--mail-from",
                "bounce@quarantine.test", "--dns", dns.hostPort(), "--authserv-id", AUTHSERV, "--message", file.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out())
                .contains("DMARC result:   fail")
                .contains("Policy domain:  quarantine.test")
                .contains("Policy:         quarantine (p=)")
                .contains("Disposition:    quarantine")
                .contains("SPF:            fail (mfrom quarantine.test), not aligned")
                .contains("DKIM:           (no signature)")
                .contains("Authentication-Results: " + AUTHSERV + ";");
    }
}
